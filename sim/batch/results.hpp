// The result of one point, stored as points/<id>/result.json once its process has exited. These
// files are the sweep's record: resume skips points that have one (under the same key), and
// merge gathers them from shard folders. results.jsonl/.csv are rebuilt from them.
#pragma once

#include <optional>
#include <string>

#include "sim/batch/plan.hpp"

namespace tokenfab::batch {

enum class PointStatus { Ok, Failed };

struct PointResult {
  std::size_t index = 0;
  std::string id;
  std::string key;
  PointStatus status = PointStatus::Failed;
  int exit_code = 0;  // of `tokenfab run`; 128 + N when killed by signal N
  std::string error;  // one line, when failed
  Json summary;       // the point's summary.json without its "scenario" section (paths differ per machine)
};

// How a point's process ended.
struct ChildExit {
  int exit_code = 0;  // when it exited
  int signal = 0;     // when a signal killed it (then exit_code is unused)
};

std::string point_dir(const std::string& out_dir, const PointPlan& p);

// Turns a finished `tokenfab run` into a result: its summary.json when it succeeded, else the
// error line of its stderr.log (or how it died).
PointResult collect_result(const PointPlan& p, const std::string& dir, const ChildExit& how);

// result.json, written atomically (temporary file, then rename) so a kill never leaves half a record.
void store_result(const std::string& dir, const PointResult& r);
// A well-formed result.json of that folder, or nullopt.
std::optional<PointResult> load_result(const std::string& dir);

Json result_to_json(const PointResult& r);

}  // namespace tokenfab::batch
