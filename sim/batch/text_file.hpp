// Whole-file reads for the batch commands (sweep specs, point records, compare inputs).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace tokenfab::batch {

// The file's bytes; empty when it cannot be opened (callers check existence where it matters).
inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace tokenfab::batch
