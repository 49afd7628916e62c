// The performance-model interface: the time of one engine iteration of one replica (a batch of
// prefill chunks and decode tokens, each with its context length). Implementations are registered
// by name and chosen with `perf_model.name` in a scenario.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/catalog.hpp"
#include "models/perf/collectives.hpp"

namespace tokenfab {

// Aggregate shape of one iteration. Enough for a roofline; kept as sums so that pricing costs the
// same for a batch of 1 or 1,000 sequences. The prefill_* sums let a model tell the prefill chunks
// from the decodes (MLA's two forms, speculative decoding): a scheduler adds prefill chunks with
// add() and may add decodes (q = 1 after context > 0) directly to the totals.
struct BatchShape {
  std::int64_t new_tokens = 0;     // prefill-chunk tokens plus one per decoding sequence
  std::int64_t sequences = 0;      // sequences in the batch
  std::int64_t logits = 0;         // sequences that emit a token this iteration
  std::int64_t prefill_tokens = 0; // of new_tokens, those that are prefill
  double attention_pairs = 0;      // sum over sequences of q*(c + (q+1)/2): causal query-key pairs
  double kv_tokens_read = 0;       // sum over sequences of c + q: KV entries attention reads
  std::int64_t prefill_sequences = 0;   // of sequences, those adding a prefill chunk
  std::int64_t prefill_logits = 0;      // of logits, those of prefill chunks that end their prompt
  double prefill_attention_pairs = 0;   // of attention_pairs, the prefill chunks'
  double prefill_kv_tokens_read = 0;    // of kv_tokens_read, the prefill chunks'

  // Adds a sequence with `q` new tokens after `context` tokens already in its KV cache.
  void add(std::int64_t q, std::int64_t context, bool emits_token) {
    const bool prefill = context == 0 || q > 1;
    const double qd = static_cast<double>(q);
    const double pairs = qd * (static_cast<double>(context) + (qd + 1) / 2);
    const double kv = static_cast<double>(context) + qd;
    new_tokens += q;
    sequences += 1;
    logits += emits_token ? 1 : 0;
    attention_pairs += pairs;
    kv_tokens_read += kv;
    if (prefill) {
      prefill_tokens += q;
      prefill_sequences += 1;
      prefill_logits += emits_token ? 1 : 0;
      prefill_attention_pairs += pairs;
      prefill_kv_tokens_read += kv;
    }
  }

  // The decoding part (everything not added as a prefill chunk).
  std::int64_t decode_sequences() const { return sequences - prefill_sequences; }
  double decode_kv_tokens_read() const { return kv_tokens_read - prefill_kv_tokens_read; }
  double decode_attention_pairs() const { return attention_pairs - prefill_attention_pairs; }
  // The prefill chunks alone, as a batch of their own.
  BatchShape prefill_only() const {
    BatchShape p;
    p.new_tokens = prefill_tokens;
    p.sequences = prefill_sequences;
    p.logits = prefill_logits;
    p.prefill_tokens = prefill_tokens;
    p.attention_pairs = prefill_attention_pairs;
    p.kv_tokens_read = prefill_kv_tokens_read;
    p.prefill_sequences = prefill_sequences;
    p.prefill_logits = prefill_logits;
    p.prefill_attention_pairs = prefill_attention_pairs;
    p.prefill_kv_tokens_read = prefill_kv_tokens_read;
    return p;
  }
};

enum class Bound { Compute, Memory, Network, Overhead, Measured };
std::string bound_name(Bound b);

// Price of one iteration, with its breakdown.
struct IterationCost {
  // Wall time the engine advances for this iteration. Equal to step_s except with speculative
  // decoding, where one real step emits tokens_per_decode tokens per decoding sequence and the
  // engine (one token per sequence per iteration) is given the equivalent time per token (see
  // docs/performance-model.md).
  double seconds = 0;
  double step_s = 0;      // one real step: a full pass through every pipeline stage
  double interval_s = 0;  // pipeline interval (the slowest stage plus its hop); = step_s without PP
  double tokens_per_decode = 1;  // expected tokens a decoding sequence emits per real step
  double compute_s = 0;   // time of operators limited by FLOPs
  double memory_s = 0;    // time of operators limited by memory bandwidth
  double network_s = 0;   // collectives and pipeline hops
  double overhead_s = 0;  // fixed per-iteration overhead (scheduling, launch)
  double measured_s = 0;  // operators priced from a profile table
  double flops = 0;       // per device
  double bytes = 0;       // memory traffic per device
  Bound bound = Bound::Overhead;
};

// Achievable fractions of peak and the fixed overhead; one row per device in
// models/catalog/efficiency.yaml.
struct Efficiency {
  double flops = 0.55;               // fraction of dense peak FLOP/s reached by GEMMs
  double memory = 0.92;              // fraction of peak memory bandwidth
  double network = 0.80;             // fraction of link bandwidth reached by collectives
  double iteration_overhead = 1e-3;  // seconds per iteration
};

// Tensor precisions of a deployment, per tensor class.
struct Precisions {
  Precision weights = Precision::FP8;      // every weight matrix (and its GEMM math: W8A8, W4A4)
  Precision activations = Precision::BF16; // activations exchanged between devices, attention math
  Precision kv_cache = Precision::FP8;     // KV cache
  std::optional<Precision> experts;        // MoE expert weights when they differ (MXFP4/NVFP4 experts)

  Precision expert_weights() const { return experts.value_or(weights); }
};

// Collective algorithm for the tensor-parallel all-reduce.
enum class AllReduceAlgo { Ring, Tree, Auto };

// A path between two devices of a replica: per-direction bottleneck bandwidth and latency.
struct LinkSpec {
  double bandwidth = 0;  // B/s per direction; 0 = not set
  double latency = 0;    // s
};

// Speculative decoding: each decoding sequence drafts `draft_tokens` tokens, the target model
// verifies them in one pass, and each draft token is accepted with probability `acceptance_rate`
// (independently, until the first rejection), so a step emits (1 - a^(n+1)) / (1 - a) tokens.
enum class SpecMethod { None, Mtp, DraftModel, Ngram };
struct Speculative {
  SpecMethod method = SpecMethod::None;
  int draft_tokens = 0;
  double acceptance_rate = 0;
  std::optional<LlmSpec> draft_model;  // method DraftModel
  bool enabled() const { return method != SpecMethod::None && draft_tokens > 0; }
  // Expected tokens one step emits per decoding sequence.
  double tokens_per_step() const;
};

// What a performance model knows about one replica.
//
// Parallelism: a replica has tp * dp * pp devices. Each of the pp pipeline stages holds layers/pp
// layers on a group of tp * dp devices. Attention (and dense FFN, shared experts, LM head) runs
// tensor-parallel over tp devices in each of dp attention-data-parallel groups, each group serving
// 1/dp of the sequences. Routed experts are spread over ep devices of the group (expert parallel),
// each expert tensor-parallel over (tp * dp) / ep devices. dp = 1, ep = 1 is plain TP; tp = 1,
// dp = ep = N is wide-EP DeepSeek serving (attention DP + EP).
struct ReplicaSetup {
  LlmSpec model;
  DeviceSpec device;
  Precisions precision;
  int tp = 1;                              // tensor-parallel degree (attention group)
  int pp = 1;                              // pipeline stages
  int ep = 1;                              // expert-parallel degree (MoE layers)
  int dp = 1;                              // attention data-parallel groups per stage
  double link_bandwidth = 0;               // B/s per direction between two devices of a TP group
  double link_latency = 0;                 // s, one device-to-device path in a TP group
  LinkSpec ep_link;                        // bottleneck path across the tp*dp group (EP, DP); unset = TP link
  // When the group spans scale-up domains: devices of the group inside device 0's domain (0 = the
  // whole group is in one domain), and the slowest path to a device of another domain (NIC and
  // scale-out fabric). ep_link is then the slowest path inside the domain.
  int group_domain = 0;
  LinkSpec cross_domain_link;
  LinkSpec pp_link;                        // path between consecutive pipeline stages; unset = TP link
  AllReduceAlgo all_reduce = AllReduceAlgo::Auto;
  Efficiency efficiency;
  Speculative speculative;
  std::string profile_table;               // CSV of measured times (perf model profile_table)

  int group_size() const { return tp * dp; }         // devices per pipeline stage
  int devices() const { return tp * dp * pp; }       // devices per replica
  int expert_tp() const { return tp * dp / ep; }     // devices sharing one expert
  LinkSpec tp_link() const { return {link_bandwidth, link_latency}; }
  LinkSpec group_link() const { return ep_link.bandwidth > 0 ? ep_link : tp_link(); }
  bool group_crosses_domains() const {
    return group_domain > 0 && group_domain < group_size() && cross_domain_link.bandwidth > 0;
  }
  LinkSpec stage_link() const { return pp_link.bandwidth > 0 ? pp_link : tp_link(); }
};

// Why a setup cannot be priced (parallel degrees that do not divide, a speculative method the
// model lacks, ...), or nullopt. Callers turn the text into a ConfigError at the right key.
std::optional<std::string> setup_problem(const ReplicaSetup& s);

class PerfModel {
 public:
  virtual ~PerfModel() = default;
  virtual IterationCost price(const BatchShape& batch) const = 0;
  virtual std::string name() const = 0;
};

using PerfModelFactory = std::function<std::unique_ptr<PerfModel>(const ReplicaSetup&)>;

// Name -> factory. Built-in implementations are added in PerfModelRegistry::instance().
class PerfModelRegistry {
 public:
  static PerfModelRegistry& instance();
  void add(const std::string& name, PerfModelFactory factory);
  std::unique_ptr<PerfModel> create(const std::string& name, const ReplicaSetup& setup) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, PerfModelFactory> factories_;
};

}  // namespace tokenfab
