#include "sim/batch/yaml_edit.hpp"

#include <fmt/format.h>

#include "models/core/yaml_node.hpp"

namespace tokenfab::batch {

std::vector<std::string> split_path(const std::string& dotted) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = dotted.find('.', start);
    out.push_back(dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return out;
    start = dot + 1;
  }
}

std::optional<YAML::Node> get_path(const YAML::Node& root, const std::string& dotted) {
  YAML::Node cur = root;
  for (const auto& key : split_path(dotted)) {
    if (!cur.IsMap()) return std::nullopt;
    const YAML::Node& as_const = cur;  // the const operator[] does not create the key
    YAML::Node next = as_const[key];
    if (!next.IsDefined()) return std::nullopt;
    cur.reset(next);  // rebinding; `cur = next` would overwrite cur's content
  }
  return cur;
}

std::string set_path(YAML::Node& root, const std::string& dotted, const YAML::Node& value) {
  const auto keys = split_path(dotted);
  // yaml-cpp nodes are references: reset() rebinds `cur`, while assigning to it would replace
  // the content of the node it refers to (which is how a null value becomes a map in place).
  YAML::Node cur;
  cur.reset(root);
  std::string walked;  // the path of `cur`
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (cur.IsNull()) cur = YAML::Node(YAML::NodeType::Map);
    if (!cur.IsMap())
      return fmt::format("'{}' is {}, not a map, so it has no key '{}'", walked, cur.IsSequence() ? "a list" : "a scalar",
                         keys[i]);
    if (i + 1 == keys.size()) {
      cur[keys[i]] = YAML::Clone(value);
      return "";
    }
    const YAML::Node& as_const = cur;  // the const operator[] does not create the key
    if (!as_const[keys[i]].IsDefined()) cur[keys[i]] = YAML::Node(YAML::NodeType::Map);
    YAML::Node next = cur[keys[i]];
    cur.reset(next);
    walked += (walked.empty() ? "" : ".") + keys[i];
  }
  return "";
}

std::string absolute_from(const std::filesystem::path& dir, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return std::filesystem::absolute(dir / path).lexically_normal().string();
}

const std::vector<ScenarioFileKey>& scenario_file_keys() {
  // Keep in step with load_scenario (sim/config/scenario.cpp), which resolves the same keys.
  static const std::vector<ScenarioFileKey> keys{{"platform", false},
                                                 {"model", true},
                                                 {"workload.trace.path", false},
                                                 {"workload.synthetic.input_tokens.path", false},   // empirical
                                                 {"workload.synthetic.output_tokens.path", false},  // lengths
                                                 {"perf_model.table", false}};
  return keys;
}

bool is_file_value(const std::string& dotted, const YAML::Node& value) {
  if (!value.IsScalar()) return false;
  for (const auto& k : scenario_file_keys()) {
    if (k.path == dotted) return !k.when_slash || value.Scalar().find('/') != std::string::npos;
  }
  return false;
}

void absolutize_file_keys(YAML::Node& root, const std::filesystem::path& dir) {
  for (const auto& k : scenario_file_keys()) {
    const auto node = get_path(root, k.path);
    if (!node || !is_file_value(k.path, *node)) continue;
    const std::string abs = absolute_from(dir, node->Scalar());
    if (abs != node->Scalar()) set_path(root, k.path, YAML::Node(abs));
  }
}

YAML::Node portable_scenario(const std::string& file) {
  YAML::Node root = YAML::Clone(YamlNode::load_file(file).raw());
  absolutize_file_keys(root, std::filesystem::absolute(file).parent_path());
  const YAML::Node& view = root;  // the const operator[] does not create the key
  if (view["output"] && view["output"].IsMap()) root["output"].remove("dir");
  return root;
}

std::string value_text(const YAML::Node& value) {
  if (value.IsScalar()) return value.Scalar();
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << value;
  return out.c_str();
}

std::string emit_yaml(const YAML::Node& root) {
  YAML::Emitter out;
  out << root;
  std::string text = out.c_str();
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

}  // namespace tokenfab::batch
