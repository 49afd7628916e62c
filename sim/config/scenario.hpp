// A scenario: typed, fully validated configuration of one run (see `tokenfab help`).
// Every field's meaning, default and range is declared once in scenario.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "models/core/schema.hpp"
#include "models/perf/perf_model.hpp"

namespace tokenfab {

// --- Token-length distributions (values clipped to [min, max]) -------------------------------
struct FixedLength {
  std::int64_t value = 0;  // every request has this many tokens
};
struct UniformLength {
  std::int64_t min = 1, max = 1;  // inclusive bounds
};
struct NormalLength {
  double mean = 0, stddev = 0;
  std::int64_t min = 1, max = 0;  // max 0 = model context
};
struct LognormalLength {
  double mean = 0;   // mean of the distribution itself (not of its log)
  double sigma = 0;  // standard deviation of the log
  std::int64_t min = 1, max = 0;
};
using LengthDistribution = std::variant<FixedLength, UniformLength, NormalLength, LognormalLength>;

// --- Arrival processes ------------------------------------------------------------------------
struct PoissonArrivals {
  double rate = 0;  // requests per second
};
struct ConstantArrivals {
  double rate = 0;  // requests per second, evenly spaced
};
using ArrivalProcess = std::variant<PoissonArrivals, ConstantArrivals>;

struct SyntheticWorkload {
  ArrivalProcess arrivals;
  LengthDistribution input_tokens;
  LengthDistribution output_tokens;
};

// A plain CSV trace: header with arrival_time (seconds), input_tokens, output_tokens.
struct TraceWorkload {
  std::string path;        // resolved against the scenario's folder
  double time_scale = 1;   // multiplies arrival times (0.5 = twice as fast)
};

struct WorkloadConfig {
  std::optional<SyntheticWorkload> synthetic;
  std::optional<TraceWorkload> trace;
  std::int64_t requests = 0;        // stop after this many arrivals (0 = no limit)
  std::optional<double> duration;   // stop arrivals after this simulated time
};

struct DeploymentConfig {
  int replicas = 1;                 // identical serving replicas
  int tp = 1;                       // tensor-parallel GPUs per replica
  Precisions precision;             // weights, activations, KV cache
  bool allow_cross_domain = false;  // let a replica span NVLink domains
};

struct ServingConfig {
  std::int64_t max_batched_tokens = 8192;  // token budget of one iteration
  int max_num_seqs = 256;                  // most sequences in one iteration
  int kv_block_tokens = 16;                // paged-KV block size
  double memory_reserve = 0.1;             // fraction of device memory kept for activations/runtime
  bool chunked_prefill = true;             // split long prompts across iterations
};

struct EfficiencyOverride {
  std::optional<double> flops, memory, network, iteration_overhead;
};

struct PerfModelConfig {
  std::string name = "roofline";
  AllReduceAlgo all_reduce = AllReduceAlgo::Auto;
  EfficiencyOverride efficiency;  // unset fields come from models/catalog/efficiency.yaml
};

struct SimulationConfig {
  std::optional<double> max_time;  // stop the simulation at this simulated time
};

struct OutputConfig {
  std::string dir;             // default out/<scenario name>
  bool requests_csv = true;    // write requests.csv
};

struct Scenario {
  std::string file;           // the YAML file it was read from
  std::string name;           // default: file stem
  std::string description;
  std::uint64_t seed = 1;
  std::string platform;       // SimGrid platform XML, resolved against the scenario's folder
  std::string model;          // LLM catalog name or path
  DeploymentConfig deployment;
  ServingConfig serving;
  PerfModelConfig perf_model;
  WorkloadConfig workload;
  SimulationConfig simulation;
  OutputConfig output;
};

// The root schema (for `tokenfab help`).
const Schema<Scenario>& scenario_schema();

// Reads and validates a scenario file; throws ConfigError. Paths inside are resolved against the
// file's folder.
Scenario load_scenario(const std::string& path);

}  // namespace tokenfab
