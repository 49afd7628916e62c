// Run-level figures computed from the request records (definitions: docs/metrics.md).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/metrics/request_record.hpp"
#include "sim/workload/tiers.hpp"
#include "sim/workload/workload_counters.hpp"

namespace tokenfab {

struct Distribution {
  std::size_t count = 0;
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
};

// Percentile with linear interpolation between closest ranks (numpy's default); `sorted` ascending.
double percentile(const std::vector<double>& sorted, double q);
Distribution describe(std::vector<double> values);

// Energy of the simulated devices (SimGrid's host energy plugin).
struct EnergyFigures {
  double device_joules = 0;      // GPUs/LPUs of the replicas, over measured_over_s
  double idle_floor_joules = 0;  // their idle power x measured_over_s (energy cannot be lower)
  double max_power_w = 0;        // their summed full-load power
  double measured_over_s = 0;    // simulated time the plugin integrated over
  double average_power_w = 0;    // device_joules / measured_over_s
  double joules_per_output_token = 0;
  double joules_per_token = 0;   // per input + output token
  double output_tokens_per_s_per_mw = 0;  // output tokens/s per MW of average device power
  double cpu_joules = 0;         // host CPUs in the run's scope (sim/serving/host_cpus.hpp), same plugin
};

// One service tier's share of the run (tiers with at least one arrival). A request meets its
// tier's targets when it completes with TTFT <= the tier's limit and TPOT <= 1 / output speed.
struct TierSummary {
  std::string name;
  double price_per_mtok = 0, output_speed = 0, ttft_limit = 0;  // the tier's targets
  std::uint64_t arrived = 0, completed = 0, rejected = 0, in_flight = 0;
  std::uint64_t met = 0;             // requests that met the targets
  double attainment = 0;             // met / arrived
  std::int64_t output_tokens = 0;    // of completed requests
  std::int64_t good_output_tokens = 0;  // of requests that met the targets
  double goodput_tokens_per_s = 0;   // good output tokens over the run's window
  double revenue_per_hour = 0;       // USD: price x good output tokens, per hour of window
  Distribution ttft, tpot;
};

// The replicas' prefix caches, summed. hit_blocks counts hits in every tier; with offload tiers
// (serving.offload) the per-tier figures are kept too: index 0 HBM, 1 CPU memory, 2 storage.
struct PrefixCacheFigures {
  bool enabled = false;
  std::int64_t looked_up_blocks = 0;
  std::int64_t hit_blocks = 0;
  std::int64_t prefill_tokens_saved = 0;
  bool offload = false;                             // a CPU or storage tier exists
  std::array<std::int64_t, 3> tier_capacity_blocks{};  // summed over replicas
  std::array<std::int64_t, 3> tier_hit_blocks{};
  double reload_seconds = 0;                        // CPU/storage reloads added to iterations
};

// KV preemption (serving.preemption), summed over replicas.
struct PreemptionFigures {
  std::string mode = "none";
  std::int64_t preemptions = 0;
  std::int64_t requests_preempted = 0;   // requests preempted at least once
  std::int64_t recomputed_tokens = 0;    // tokens whose prefill was redone
  std::int64_t swapped_out_tokens = 0;   // KV tokens moved to host memory
  std::int64_t swap_fallbacks = 0;       // swap: preemptions recomputed because the swap space was full
  std::int64_t swap_space_tokens = 0;    // swap: summed swap space of the replicas that swap (-1 = unbounded)
  double swap_seconds = 0;               // swap-out and swap-in time added to iterations
};

// Agentic sessions (workload.sessions).
struct SessionFigures {
  bool enabled = false;
  std::uint64_t sessions_started = 0;
  std::uint64_t sessions_completed = 0;  // every turn completed
  std::uint64_t turns_finished = 0;      // turns completed or rejected
  std::uint64_t tool_calls = 0;          // tool calls started
  std::uint64_t tool_calls_finished = 0;
  double tool_seconds = 0;               // run time of the finished ones, host contention included
  bool tool_calls_on_hosts = false;      // on CPU hosts (else pure delays)
};

// Injected failures and what they cost.
struct FailureFigures {
  std::uint64_t events = 0;
  std::uint64_t replicas_failed = 0;
  double replica_seconds_down = 0;     // summed over replicas, within the run
  double capacity_lost_fraction = 0;   // replica_seconds_down / (replicas x run time)
  std::uint64_t requests_retried = 0;  // restarts (a request may restart more than once)
  // Link and storage-node events (docs/metrics.md).
  std::uint64_t links_failed = 0;          // events that named a link
  std::uint64_t storage_nodes_failed = 0;  // events that named a storage node
  std::uint64_t kv_transfers_failed = 0;   // P/D KV transfers cut by a failed link on the wire
  std::uint64_t kv_transfers_retried = 0;  // of those, sent again to a decode replica still reachable
  std::uint64_t requests_unreachable = 0;  // rejected: no live decode replica reachable for the KV
  std::int64_t storage_blocks_unavailable = 0;  // prefix blocks looked up on a failed storage node
};

struct Summary {
  std::uint64_t arrived = 0;
  std::uint64_t completed = 0;
  std::uint64_t rejected = 0;
  std::uint64_t in_flight = 0;
  double first_arrival = 0;  // s
  double last_completion = 0;
  double window = 0;         // first arrival -> last completion, s
  double sim_time = 0;       // simulated time when the run ended
  std::int64_t input_tokens = 0;   // of completed requests
  std::int64_t output_tokens = 0;  // of completed requests
  double requests_per_s = 0;
  double input_tokens_per_s = 0;
  double output_tokens_per_s = 0;
  double total_tokens_per_s = 0;
  Distribution ttft, tpot, e2e, queueing;
  Distribution kv_transfer;  // disaggregated serving: prefill-to-decode KV transfer times
  double gpu_busy_fraction = 0;  // busy GPU-seconds / (GPUs x sim_time)
  std::uint64_t iterations = 0;
  EnergyFigures energy;
  FailureFigures failures;
  PrefixCacheFigures prefix_cache;
  PreemptionFigures preemption;
  SessionFigures sessions;
  WorkloadCounters workload;        // what the request source read and dropped (traces)
  std::vector<TierSummary> tiers;   // per service tier, when the workload assigns tiers
};

// Fills the derived energy figures (average power, per token, per MW) from the raw ones.
void finish_energy(Summary& s);

// `records` holds every arrived request, whatever its outcome.
Summary summarize(const std::vector<RequestRecord>& records, double sim_time, double gpu_busy_seconds, int gpus,
                  std::uint64_t iterations);

// Per-tier figures of `records` (tiers index `table`); empty when no request has a tier.
std::vector<TierSummary> summarize_tiers(const std::vector<RequestRecord>& records, const std::vector<TierSpec>& table,
                                         double window);

}  // namespace tokenfab
