// Helpers shared by tests: paths, temporary folders, CSV rows, and running the tokenfab binary.
#pragma once

#include <string>
#include <vector>

namespace tokenfab::test {

// Absolute path of a file in the source tree ("scenarios/quickstart.yaml").
std::string source_path(const std::string& relative);
// ../shared (reference traces, calibration data); may not exist in a user's clone.
std::string shared_path(const std::string& relative);
bool shared_available();
// A fresh empty folder under the build's temporary area, unique per test.
std::string temp_dir(const std::string& name);
// Writes text to a file and returns its path.
std::string write_file(const std::string& path, const std::string& text);
std::string read_file(const std::string& path);
// The comma-separated fields of one CSV line (tokenfab writes no quoted commas).
std::vector<std::string> csv_fields(const std::string& line);
// Every row of a CSV text after its header line, split into fields (requests.csv).
std::vector<std::vector<std::string>> csv_rows(const std::string& text);

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs the tokenfab binary with `args` (shell-quoted by the caller where needed).
CliResult run_cli(const std::string& args);

}  // namespace tokenfab::test
