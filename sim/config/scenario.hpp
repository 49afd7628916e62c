// A scenario: typed, fully validated configuration of one run (see `tokenfab help`).
// Every field's meaning, default and range is declared once in scenario.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "models/core/schema.hpp"
#include "models/economics.hpp"
#include "models/perf/perf_model.hpp"
#include "sim/workload/workload_config.hpp"

namespace tokenfab {

// One pool of a disaggregated deployment.
struct PoolConfig {
  int replicas = 1;    // replicas in the pool
  int tp = 1;          // tensor-parallel devices per replica
  int pp = 1, ep = 1, dp = 1;  // pipeline stages, expert parallelism, attention-DP groups (ReplicaSetup)
  std::string device;  // only devices of this catalog name ("" = the next free ones in platform order)
};

// Prefill/decode disaggregation (xPyD): prompts run on the prefill pool, their KV moves over the
// platform's links to a decode replica, which produces the rest of the output.
struct PoolsConfig {
  PoolConfig prefill;
  PoolConfig decode;
  std::string decode_router = "least_outstanding";  // which decode replica takes a finished prompt
  double decode_transfer_weight = 1.0;  // kv_aware decode router: weight of the path's slowness
  // after_prefill: the whole KV moves once the prompt's prefill has ended; layerwise: the KV of each
  // layer group leaves as the prompt's last prefill iteration computes it (sim/serving/kv_stream.hpp).
  std::string kv_transfer = "after_prefill";
  int kv_layer_groups = 0;  // layerwise: groups of layers sent as one (0 = one group per layer)
};

// Speculative decoding (ReplicaSetup::speculative): a draft of draft_tokens per step, each
// accepted with probability acceptance_rate.
struct SpeculativeConfig {
  SpecMethod method = SpecMethod::None;
  int draft_tokens = 1;
  double acceptance_rate = 0;
  std::string draft_model;  // LLM catalog name, method draft_model
};

struct DeploymentConfig {
  int replicas = 1;                 // identical serving replicas
  int tp = 1;                       // tensor-parallel GPUs per replica
  int pp = 1, ep = 1, dp = 1;       // pipeline stages, expert parallelism, attention-DP groups
  SpeculativeConfig speculative;    // speculative decoding / MTP
  std::string device;               // only GPUs of this catalog name ("" = any)
  std::optional<PoolsConfig> pools; // disaggregated prefill/decode instead of unified replicas
  Precisions precision;             // weights, activations, KV cache
  bool allow_cross_domain = false;  // let a replica span NVLink domains
};

// Lower tiers of the prefix cache (serving.offload): blocks evicted from HBM go to host CPU
// memory, then to the platform's storage nodes.
struct OffloadConfig {
  double cpu_memory_fraction = 0;  // share of each host CPU's catalog memory (0 = no CPU tier)
  double storage_fraction = 0;     // share of the storage nodes' disks (0 = no storage tier)
};

struct ServingConfig {
  std::int64_t max_batched_tokens = 8192;  // token budget of one iteration
  int max_num_seqs = 256;                  // most sequences in one iteration
  int kv_block_tokens = 16;                // paged-KV block size
  double memory_reserve = 0.1;             // fraction of device memory kept for activations/runtime
  bool chunked_prefill = true;             // split long prompts across iterations
  std::string router = "round_robin";      // which replica takes an arrival (router.hpp)
  std::int64_t prefix_cache_tokens = 0;    // HBM prefix cache per replica, in tokens (0 = off)
  OffloadConfig offload;                   // CPU and storage tiers of the prefix cache
  std::string preemption = "none";         // none | recompute | swap (batch_scheduler.hpp)
  double swap_memory_fraction = 0.5;       // swap: share of each host CPU's memory for swapped-out KV
  double router_load_weight = 1.0;         // kv_aware router: weight of the load term
  double host_cores_per_device = 1.0;      // host CPU cores each device's serving process keeps busy (CPU energy)
};

struct EfficiencyOverride {
  std::optional<double> flops, memory, network, iteration_overhead;
};

struct PerfModelConfig {
  std::string name = "roofline";
  AllReduceAlgo all_reduce = AllReduceAlgo::Auto;
  EfficiencyOverride efficiency;  // unset fields come from models/catalog/efficiency.yaml
  std::string table;              // profile_table: CSV of measured times, resolved against the file
};

struct SimulationConfig {
  std::optional<double> max_time;  // stop the simulation at this simulated time
  bool fast_forward = true;        // price runs of iterations between events without SimGrid round trips
};

struct OutputConfig {
  std::string dir;             // default out/<scenario name>
  bool requests_csv = true;    // write requests.csv
  double timeseries_interval = 1.0;  // s between timeseries.csv rows; 0 = no timeseries.csv
};

// A failure injected into the run: a GPU (host name), a rack (tokenfab:rack) or an NVLink domain
// (tokenfab:domain) stops at `at`; every replica using it stops, its requests are retried on the
// live replicas (or rejected when none is left); it comes back at `recover` when given. `fail`
// may also name a link or a storage node (sim/engine/failure_targets.hpp).
struct FailureEvent {
  double at = 0;
  std::string fail;
  std::optional<double> recover;
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
  std::vector<TierSpec> tiers = default_tiers();  // service tiers (sim/workload/tiers.hpp)
  SimulationConfig simulation;
  std::vector<FailureEvent> events;  // injected failures
  OutputConfig output;
  std::vector<std::string> expect;  // CI expectations, "ttft_p99 < 2s" (sim/batch/expectation.hpp)
  EconomicsOptions economics;  // cost, revenue and factory scaling (models/economics.hpp)
};

// The root schema (for `tokenfab help`).
const Schema<Scenario>& scenario_schema();

// Reads and validates a scenario file; throws ConfigError. Paths inside are resolved against the
// file's folder.
Scenario load_scenario(const std::string& path);

}  // namespace tokenfab
