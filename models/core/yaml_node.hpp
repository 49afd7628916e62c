// A YAML node that knows its file and its dotted key path, so that any complaint about it becomes
// a ConfigError naming file:line:col and path.to.key.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/core/config_error.hpp"
#include "models/core/units.hpp"

namespace tokenfab {

class YamlNode {
 public:
  YamlNode(YAML::Node node, std::shared_ptr<const std::string> file, std::string path);

  // Loads a whole file; a missing file or a YAML syntax error becomes a ConfigError. Duplicate keys
  // in any mapping are refused (yaml-cpp would silently keep one of them).
  static YamlNode load_file(const std::string& path);
  // Parses text as if it were the file `name` (tests, embedded defaults).
  static YamlNode load_string(const std::string& text, const std::string& name);

  const YAML::Node& raw() const { return node_; }
  const std::string& path() const { return path_; }
  const std::string& file() const { return *file_; }
  SourceLocation location() const;

  bool is_map() const { return node_.IsMap(); }
  bool is_sequence() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }
  bool is_null() const { return !node_ || node_.IsNull(); }
  // "a map", "a list", "a scalar", "nothing" for messages.
  std::string kind_noun() const;

  // Children. child() of a missing key returns nullopt.
  std::optional<YamlNode> child(const std::string& key) const;
  std::vector<YamlNode> elements() const;             // of a sequence
  std::vector<std::string> keys() const;              // of a map, in file order
  YamlNode key_node(const std::string& key) const;    // the key itself (for its position)
  // An empty map standing in for an absent key, positioned at this node (for error messages).
  YamlNode absent_child(const std::string& key) const;

  // Typed scalar reads; each throws ConfigError with `expected` on failure.
  std::string as_string() const;
  double as_number() const;
  long long as_integer() const;
  bool as_bool() const;
  double as_quantity(Dimension dim) const;

  [[noreturn]] void fail(const std::string& problem, const std::string& expected = "") const;

 private:
  YAML::Node node_;
  std::shared_ptr<const std::string> file_;
  std::string path_;
  YAML::Mark mark_;
};

// The closest candidate within edit distance 2 (or a third of the word), for "did you mean".
std::optional<std::string> closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace tokenfab
