// The plan of a batch (a sweep or a compare): every point with its parameters, seed, expectations
// and full scenario text, fixed before anything runs. Its manifest (plan.json) carries all but the
// scenario texts, so that `tokenfab merge` can rebuild the outputs from shard folders alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/batch/metric.hpp"

namespace tokenfab::batch {

// A Pareto frontier over two metrics, each maximised or minimised.
struct ParetoSpec {
  std::string x, y;
  Goal x_goal = Goal::Max, y_goal = Goal::Max;
  std::string name() const { return x + " vs " + y; }
};

struct PointPlan {
  std::size_t index = 0;
  std::string id;     // "p0003": its folder under points/
  std::string label;  // for people: "rate=4 replicas=2 rep=1", or a compared scenario's name
  std::string key;    // hash of its inputs: a stored result is reused only under the same key
  int rep = 0;        // repetition number (0-based)
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, std::string>> params;  // axis path -> value text, axis order
  std::vector<std::string> expect;
  std::string scenario_yaml;  // the point's full scenario (written to its folder; not in plan.json)
};

struct BatchPlan {
  std::string kind;  // "sweep" or "compare"
  std::string name;
  std::string description;
  std::vector<std::string> param_columns;  // axis paths (CSV columns), in axis order
  std::vector<std::string> metrics;        // metric columns of results.csv
  std::vector<ParetoSpec> pareto;
  std::vector<PointPlan> points;

  // Identifies the whole plan (all point keys in order); shards of one sweep share it.
  std::string hash() const;
};

// A stable slice of the points: point i belongs to shard (i mod N) + 1. Round-robin keeps the
// slices balanced when cost grows along an axis; it depends only on the point list.
struct Shard {
  std::size_t index = 1;  // K, 1-based
  std::size_t count = 1;  // N
  bool contains(std::size_t point_index) const { return point_index % count == index - 1; }
  std::string tag() const;  // "shard-2-of-3"
};
// Parses "K/N" (1 <= K <= N); throws SpecError.
Shard parse_shard(const std::string& text);

// 64-bit FNV-1a of the bytes, as 16 hex digits (stable across machines and runs).
std::string fnv1a_hex(const std::string& bytes);

// "p0003": zero-padded to the width of the largest index (at least 4 digits).
std::string point_id(std::size_t index, std::size_t count);

// The manifest: everything but the scenario texts; `shard` is recorded when the run was a slice.
Json plan_to_json(const BatchPlan& plan, const std::optional<Shard>& shard);
// Reads a manifest; throws SpecError naming `file` when it is not one.
BatchPlan plan_from_json(const Json& manifest, const std::string& file);

}  // namespace tokenfab::batch
