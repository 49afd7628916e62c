// The one error type for bad input files: rendered as one line
//   file:line:col: path.to.key: what is wrong (expected ...)
// and caught once in main (exit code 2).
#pragma once

#include <stdexcept>
#include <string>

namespace tokenfab {

struct SourceLocation {
  std::string file;  // as the user named it
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
};

class ConfigError : public std::runtime_error {
 public:
  ConfigError(SourceLocation where, std::string key_path, std::string problem, std::string expected = "");

  const SourceLocation& where() const { return where_; }
  const std::string& key_path() const { return key_path_; }
  const std::string& problem() const { return problem_; }
  const std::string& expected() const { return expected_; }

 private:
  SourceLocation where_;
  std::string key_path_;
  std::string problem_;
  std::string expected_;
};

}  // namespace tokenfab
