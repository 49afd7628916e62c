// Saturated throughput of a deployment without running a simulation: the steady state of
// continuous batching with chunked prefill, searched over the number of decoding sequences for
// the largest output-token rate that memory, the token budget and latency limits allow. This is
// how tokenfab reproduces whole-system benchmark figures (MLPerf offline and server).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/perf/memory_plan.hpp"
#include "models/perf/perf_model.hpp"

namespace tokenfab {

struct ServingLimits {
  double input_tokens = 0;                // mean prompt length
  double output_tokens = 0;               // mean answer length
  double input_tokens_max = 0;            // longest prompt, for the TTFT estimate (0: the mean)
  std::int64_t max_batched_tokens = 8192; // token budget of one iteration
  std::int64_t max_num_seqs = 0;          // cap on decoding sequences (0: memory decides)
  std::optional<double> tpot_limit;       // on the steady-state time per output token
  std::optional<double> ttft_limit;       // on the TTFT estimate
  // KV a sequence holds: its mean resident length input + output/2 (engines that allocate blocks
  // as tokens arrive: TensorRT-LLM, vLLM), or input + output reserved at admission (tokenfab's
  // own scheduler, which never preempts).
  bool reserve_full_sequence = false;
  // Arrivals are random (Poisson), as in a server: the sequences in the system fluctuate about
  // their mean N like a Poisson count, so memory and the TPOT limit must hold at its 99th
  // percentile, N + 2.33 sqrt(N), while throughput is that of the mean N.
  bool poisson_arrivals = false;
  // A decode pool of a disaggregated deployment: its iterations carry no prefill (prompts arrive
  // with their KV); TTFT is not its concern.
  bool decode_only = false;
};

struct ThroughputPoint {
  std::int64_t decoding = 0;       // decoding sequences per replica (all micro-batches), mean
  std::int64_t decoding_p99 = 0;   // the 99th percentile with Poisson arrivals (else = decoding)
  double output_tokens_per_s = 0;  // per replica
  double iteration_s = 0;          // engine time of one steady-state iteration
  double tpot_s = 0;               // time per output token of a sequence
  double worst_iteration_s = 0;    // an iteration that carries a chunk of the longest prompt
  double ttft_s = 0;               // one mean iteration (waiting) + the longest prompt's chunks
  Bound bound = Bound::Overhead;
  std::string limit;               // what stopped the search
};

// The steady state with `decoding` sequences decoding per iteration (per micro-batch with PP):
// each iteration also prefills decoding * input/output prompt tokens, so that prompts enter as
// fast as answers finish. Decodes sit at the mean context input + output/2.
ThroughputPoint steady_state(const PerfModel& model, const ReplicaSetup& setup, std::int64_t decoding,
                             const ServingLimits& limits);

// The highest-throughput steady state that fits: KV capacity, the token budget, max_num_seqs,
// and the latency limits.
ThroughputPoint max_throughput(const PerfModel& model, const ReplicaSetup& setup, const MemoryPlan& plan,
                               const ServingLimits& limits);

// A whole system of `devices` devices split into identical replicas of `setup`'s shape with each
// tensor-parallel degree in `tps` that fits; returns every candidate, best first.
struct SystemChoice {
  ReplicaSetup setup;
  MemoryPlan plan;
  ThroughputPoint point;
  int replicas = 0;
  double tokens_per_s = 0;  // whole system
};
std::vector<SystemChoice> explore_system(const ReplicaSetup& base, int devices, const std::vector<int>& tps,
                                         double memory_reserve, int block_tokens, const ServingLimits& limits,
                                         const std::string& perf_model = "roofline");

}  // namespace tokenfab
