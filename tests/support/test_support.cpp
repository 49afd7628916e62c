#include "tests/support/test_support.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace tokenfab::test {

std::string source_path(const std::string& relative) { return std::string(TOKENFAB_SOURCE_DIR) + "/" + relative; }
std::string shared_path(const std::string& relative) { return std::string(TOKENFAB_SHARED_DIR) + "/" + relative; }
bool shared_available() { return std::filesystem::exists(TOKENFAB_SHARED_DIR); }

std::string temp_dir(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string unique = name;
  if (info) unique = std::string(info->test_suite_name()) + "." + info->name() + "." + name;
  const auto dir = std::filesystem::temp_directory_path() / "tokenfab-tests" / unique;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string v;
  while (std::getline(in, v, ',')) fields.push_back(v);
  return fields;
}

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) rows.push_back(csv_fields(line));
  return rows;
}

CliResult run_cli(const std::string& args) {
  const std::string dir = temp_dir("cli");
  const std::string out = dir + "/stdout", err = dir + "/stderr";
  const std::string cmd = std::string(TOKENFAB_BIN) + " " + args + " >" + out + " 2>" + err + " </dev/null";
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace tokenfab::test
