#include "models/core/config_error.hpp"

#include <fmt/format.h>

namespace tokenfab {
namespace {

// Control characters (from a quoted YAML key, a trace field, an XML attribute) are written as
// escapes, so that the message stays one line: \n, \r, \t, or \xNN.
std::string one_line(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) {
      out += c;
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out.push_back('\\');
      out.push_back(c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
    } else {
      out += fmt::format("\\x{:02x}", u);
    }
  }
  return out;
}

std::string render(const SourceLocation& w, const std::string& path, const std::string& problem,
                   const std::string& expected) {
  // fmt rather than chained operator+: GCC 12 reports a false -Wrestrict on the latter at -O2.
  const std::string location = w.line > 0 ? fmt::format("{}:{}:{}", w.file, w.line, w.column) : w.file;
  return one_line(fmt::format("{}: {}{}{}{}{}", location, path, path.empty() ? "" : ": ", problem,
                              expected.empty() ? "" : " (expected ", expected.empty() ? "" : expected + ")"));
}

}  // namespace

ConfigError::ConfigError(SourceLocation where, std::string key_path, std::string problem, std::string expected)
    : std::runtime_error(render(where, key_path, problem, expected)),
      where_(std::move(where)),
      key_path_(std::move(key_path)),
      problem_(std::move(problem)),
      expected_(std::move(expected)) {}

}  // namespace tokenfab
