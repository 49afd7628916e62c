// One simulation run: scenario -> SimGrid platform and actors -> records and summary.
// SimGrid's engine is process-wide, so a process runs one simulation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/config/scenario.hpp"
#include "sim/metrics/power_breakdown.hpp"
#include "sim/metrics/summary.hpp"
#include "sim/metrics/timeseries.hpp"

namespace tokenfab {

struct RunOptions {
  std::string catalog_root;           // empty: the default catalog
  std::vector<std::string> sg_cfg;    // SimGrid --cfg=... values ("network/model:CM02")
  std::vector<std::string> sg_log;    // SimGrid --log=... values ("root.thresh:info")
  bool progress = true;               // progress line on a terminal
};

// What each replica was, for the report.
struct ReplicaInfo {
  int index = 0;
  std::string role;  // unified | prefill | decode
  std::string device;
  std::vector<std::string> hosts;
  int tp = 1;
  double weight_bytes_per_gpu = 0;
  double kv_bytes_per_token_per_gpu = 0;
  std::int64_t kv_capacity_tokens = 0;
  double link_bandwidth = 0;  // between its GPUs, B/s per direction
  double link_latency = 0;
};

struct RunResult {
  Scenario scenario;
  std::vector<ReplicaInfo> replicas;
  std::vector<RequestRecord> records;  // every arrived request, sorted by id
  Summary summary;
  std::optional<TimeSeriesTable> timeseries;  // when output.timeseries_interval > 0
  // IT power by component class: the accelerators' (energy-plugin model) plus the platform inventory's
  // static power (catalog watts), attributed to the accelerators the replicas use.
  PowerBreakdown power;
};

// Throws ConfigError for anything wrong with the inputs (before the engine starts).
RunResult run_simulation(const Scenario& scenario, const RunOptions& options);

// Everything run_simulation checks before it starts the engine, without running (validate).
void check_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace tokenfab
