#include "models/core/yaml_node.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

namespace tokenfab {
namespace {

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

SourceLocation location_of(const std::string& file, const YAML::Mark& m) {
  if (m.is_null()) return {file, 0, 0};
  return {file, m.line + 1, m.column + 1};
}

// yaml-cpp keeps duplicate mapping keys without complaint; a config with two `rate:` keys is
// almost always a mistake, so refuse it.
void check_duplicate_keys(const YAML::Node& node, const std::string& file, const std::string& path) {
  if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& kv : node) {
      // A key that is not a plain scalar (null as in `{ : 1}` or `{ &a , b: 1}`, a list, a map)
      // names nothing a reader could look up; refused here once for every reader (fuzz_scenario
      // finding: tier_mix dereferenced child() of such a key, an empty optional).
      if (!kv.first.IsScalar())
        throw ConfigError(location_of(file, kv.first.Mark().is_null() ? node.Mark() : kv.first.Mark()), path,
                          fmt::format("a key that is {}", kv.first.IsNull() ? "empty" : "not a plain name"),
                          "a key such as rate");
      const std::string key = kv.first.Scalar();
      if (!seen.insert(key).second)
        throw ConfigError(location_of(file, kv.first.Mark()), join_path(path, key), "duplicate key");
      check_duplicate_keys(kv.second, file, join_path(path, key));
    }
  } else if (node.IsSequence()) {
    std::size_t i = 0;
    for (const auto& e : node) check_duplicate_keys(e, file, fmt::format("{}[{}]", path, i++));
  }
}

YamlNode parse(const std::string& text, const std::string& name) {
  auto file = std::make_shared<const std::string>(name);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(location_of(name, e.mark), "", "YAML syntax error: " + e.msg);
  }
  check_duplicate_keys(root, name, "");
  return YamlNode(root, file, "");
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

YamlNode::YamlNode(YAML::Node node, std::shared_ptr<const std::string> file, std::string path)
    : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {
  if (node_) mark_ = node_.Mark();
}

YamlNode YamlNode::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError({path, 0, 0}, "", "cannot open file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

YamlNode YamlNode::load_string(const std::string& text, const std::string& name) { return parse(text, name); }

SourceLocation YamlNode::location() const { return location_of(*file_, mark_); }

std::string YamlNode::kind_noun() const {
  if (is_null()) return "nothing";
  if (node_.IsMap()) return "a map";
  if (node_.IsSequence()) return "a list";
  return fmt::format("'{}'", node_.Scalar());
}

std::optional<YamlNode> YamlNode::child(const std::string& key) const {
  if (!node_.IsMap()) return std::nullopt;
  for (const auto& kv : node_) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return YamlNode(kv.second, file_, join_path(path_, key));
  }
  return std::nullopt;
}

YamlNode YamlNode::key_node(const std::string& key) const {
  for (const auto& kv : node_) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return YamlNode(kv.first, file_, join_path(path_, key));
  }
  return *this;
}

YamlNode YamlNode::absent_child(const std::string& key) const {
  YamlNode out(YAML::Node(YAML::NodeType::Map), file_, join_path(path_, key));
  out.mark_ = mark_;
  return out;
}

std::vector<YamlNode> YamlNode::elements() const {
  std::vector<YamlNode> out;
  if (!node_.IsSequence()) return out;
  std::size_t i = 0;
  for (const auto& e : node_) out.emplace_back(e, file_, fmt::format("{}[{}]", path_, i++));
  return out;
}

std::vector<std::string> YamlNode::keys() const {
  std::vector<std::string> out;
  if (!node_.IsMap()) return out;
  for (const auto& kv : node_) out.push_back(kv.first.IsScalar() ? kv.first.Scalar() : "<complex key>");
  return out;
}

void YamlNode::fail(const std::string& problem, const std::string& expected) const {
  throw ConfigError(location(), path_, problem, expected);
}

std::string YamlNode::as_string() const {
  if (!node_ || !node_.IsScalar()) fail(fmt::format("got {}", kind_noun()), "a string");
  return node_.Scalar();
}

double YamlNode::as_number() const {
  if (!node_ || !node_.IsScalar()) fail(fmt::format("got {}", kind_noun()), "a number");
  const std::string& s = node_.Scalar();
  double v = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  auto [ptr, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || ptr != e || s.empty() || !std::isfinite(v))
    fail(fmt::format("'{}' is not a number", s), "a number");
  return v;
}

long long YamlNode::as_integer() const {
  if (!node_ || !node_.IsScalar()) fail(fmt::format("got {}", kind_noun()), "an integer");
  const std::string& s = node_.Scalar();
  long long v = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  auto [ptr, ec] = std::from_chars(b, e, v);
  if (ec == std::errc::result_out_of_range) fail(fmt::format("'{}' is out of range", s), "an integer");
  if (ec != std::errc() || ptr != e || s.empty()) fail(fmt::format("'{}' is not an integer", s), "an integer");
  return v;
}

bool YamlNode::as_bool() const {
  if (!node_ || !node_.IsScalar()) fail(fmt::format("got {}", kind_noun()), "true or false");
  const std::string& s = node_.Scalar();
  if (s == "true" || s == "True" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "False" || s == "no" || s == "off") return false;
  fail(fmt::format("'{}' is not a boolean", s), "true or false");
}

double YamlNode::as_quantity(Dimension dim) const {
  if (!node_ || !node_.IsScalar()) fail(fmt::format("got {}", kind_noun()), dimension_expected(dim));
  try {
    return parse_quantity(node_.Scalar(), dim);
  } catch (const UnitError& e) {
    fail(e.what(), e.expected());
  }
}

std::optional<std::string> closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

}  // namespace tokenfab
