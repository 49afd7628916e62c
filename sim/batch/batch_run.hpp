// Runs the points of a plan that still need running (all, or one shard's slice) and returns the
// results of every point of the slice that has one. Resume is the default: a point whose folder
// holds a result.json under the same key is not run again.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sim/batch/plan.hpp"
#include "sim/batch/results.hpp"

namespace tokenfab::batch {

struct BatchOptions {
  std::string exe;                    // the tokenfab binary that runs each point
  std::vector<std::string> run_args;  // extra arguments of each `tokenfab run` (--catalog, --sg-cfg ...)
  int jobs = 1;                       // points in parallel
  std::optional<Shard> shard;
  bool resume = true;                 // false: every point of the slice runs again
  bool retry_failed = false;          // run failed points again (resume keeps them otherwise)
  std::size_t limit = 0;              // run at most this many points now (0: no limit)
  bool quiet = false;                 // no progress output
};

struct BatchRun {
  std::vector<PointResult> results;  // every point of the slice with a result, by index
  std::size_t slice = 0;             // points in this run's slice
  std::size_t reused = 0;            // results kept from an earlier run
  std::size_t ran = 0;               // points run now
  std::size_t pending = 0;           // points of the slice with no result (interrupted, --limit)
  bool interrupted = false;          // SIGINT/SIGTERM
};

// The manifest's file name: plan.json, or plan.shard-K-of-N.json for a slice.
std::string manifest_name(const std::optional<Shard>& shard);
// Writes the manifest into `out_dir` (created).
void write_manifest(const std::string& out_dir, const BatchPlan& plan, const std::optional<Shard>& shard);

// Writes the manifest, then runs what is missing. `log` gets one line on what will run.
BatchRun run_batch(const BatchPlan& plan, const std::string& out_dir, const BatchOptions& options, std::ostream& log);

}  // namespace tokenfab::batch
