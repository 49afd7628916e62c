// Edits of a scenario document before it is written as a sweep or compare point: values set at
// dotted YAML paths, and relative file paths made absolute so the point file can live anywhere.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace tokenfab::batch {

std::vector<std::string> split_path(const std::string& dotted);

// The node at a dotted path, if every key exists.
std::optional<YAML::Node> get_path(const YAML::Node& root, const std::string& dotted);

// Sets a (deep copy of) `value` at a dotted path, creating maps for absent keys. Returns an empty
// string, or why it cannot (the path crosses a value that is not a map).
std::string set_path(YAML::Node& root, const std::string& dotted, const YAML::Node& value);

// A relative path resolved against `dir`, made absolute; absolute paths are returned unchanged.
std::string absolute_from(const std::filesystem::path& dir, const std::string& path);

// Rewrites the scenario's file keys (scenario_file_keys) that hold relative paths into absolute
// paths resolved against `dir` (the folder of the file they were written in).
void absolutize_file_keys(YAML::Node& root, const std::filesystem::path& dir);

// A scenario file's document ready to be written elsewhere as a point: file keys made absolute,
// output.dir removed (each point's output folder is given on the command line). Throws ConfigError.
YAML::Node portable_scenario(const std::string& file);

// Keys whose values are files relative to the scenario's folder, as load_scenario resolves them.
// `when_slash`: only a value containing '/' is a path (a model is a catalog name otherwise).
struct ScenarioFileKey {
  std::string path;  // dotted YAML path
  bool when_slash = false;
};
const std::vector<ScenarioFileKey>& scenario_file_keys();

// Whether `value` at `dotted` is a file path (so an override given elsewhere must be resolved).
bool is_file_value(const std::string& dotted, const YAML::Node& value);

// A scalar's text, or a one-line flow rendering of a map or list ("{weights: fp4}").
std::string value_text(const YAML::Node& value);

// The whole document as block YAML, newline-terminated.
std::string emit_yaml(const YAML::Node& root);

}  // namespace tokenfab::batch
