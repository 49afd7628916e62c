#include "models/core/config_error.hpp"

#include <fmt/format.h>

namespace tokenfab {
namespace {

std::string render(const SourceLocation& w, const std::string& path, const std::string& problem,
                   const std::string& expected) {
  std::string out = w.file;
  if (w.line > 0) out += fmt::format(":{}:{}", w.line, w.column);
  out += ": ";
  if (!path.empty()) out += path + ": ";
  out += problem;
  if (!expected.empty()) out += " (expected " + expected + ")";
  return out;
}

}  // namespace

ConfigError::ConfigError(SourceLocation where, std::string key_path, std::string problem, std::string expected)
    : std::runtime_error(render(where, key_path, problem, expected)),
      where_(std::move(where)),
      key_path_(std::move(key_path)),
      problem_(std::move(problem)),
      expected_(std::move(expected)) {}

}  // namespace tokenfab
