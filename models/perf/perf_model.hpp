// The performance-model interface: the time of one engine iteration of one replica (a batch of
// prefill chunks and decode tokens, each with its context length). Implementations are registered
// by name and chosen with `perf_model.name` in a scenario.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/catalog.hpp"

namespace tokenfab {

// Aggregate shape of one iteration. Enough for a roofline; kept as sums so that pricing costs the
// same for a batch of 1 or 1,000 sequences.
struct BatchShape {
  std::int64_t new_tokens = 0;     // prefill-chunk tokens plus one per decoding sequence
  std::int64_t sequences = 0;      // sequences in the batch
  std::int64_t logits = 0;         // sequences that emit a token this iteration
  std::int64_t prefill_tokens = 0; // of new_tokens, those that are prefill
  double attention_pairs = 0;      // sum over sequences of q*(c + (q+1)/2): causal query-key pairs
  double kv_tokens_read = 0;       // sum over sequences of c + q: KV entries attention reads

  // Adds a sequence with `q` new tokens after `context` tokens already in its KV cache.
  void add(std::int64_t q, std::int64_t context, bool emits_token) {
    new_tokens += q;
    sequences += 1;
    logits += emits_token ? 1 : 0;
    prefill_tokens += (context == 0 || q > 1) ? q : 0;
    const double qd = static_cast<double>(q);
    attention_pairs += qd * (static_cast<double>(context) + (qd + 1) / 2);
    kv_tokens_read += static_cast<double>(context) + qd;
  }
};

enum class Bound { Compute, Memory, Network, Overhead };
std::string bound_name(Bound b);

// Price of one iteration, with its breakdown.
struct IterationCost {
  double seconds = 0;     // wall time of the iteration
  double compute_s = 0;   // time of operators limited by FLOPs
  double memory_s = 0;    // time of operators limited by memory bandwidth
  double network_s = 0;   // collectives
  double overhead_s = 0;  // fixed per-iteration overhead (scheduling, launch)
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

// Tensor precisions of a deployment.
struct Precisions {
  Precision weights = Precision::FP8;
  Precision activations = Precision::BF16;
  Precision kv_cache = Precision::FP8;
};

// Collective algorithm for the tensor-parallel all-reduce.
enum class AllReduceAlgo { Ring, Tree, Auto };

// What a performance model knows about one replica.
struct ReplicaSetup {
  LlmSpec model;
  DeviceSpec device;
  Precisions precision;
  int tp = 1;                              // tensor-parallel degree
  double link_bandwidth = 0;               // B/s per direction between two GPUs of the replica
  double link_latency = 0;                 // s, one GPU-to-GPU path
  AllReduceAlgo all_reduce = AllReduceAlgo::Auto;
  Efficiency efficiency;
};

class PerfModel {
 public:
  virtual ~PerfModel() = default;
  virtual IterationCost price(const BatchShape& batch) const = 0;
  virtual std::string name() const = 0;
};

using PerfModelFactory = std::function<std::unique_ptr<PerfModel>(const ReplicaSetup&)>;

// Name -> factory. Implementations register themselves at static-initialisation time of the
// models library (see roofline.cpp).
class PerfModelRegistry {
 public:
  static PerfModelRegistry& instance();
  void add(const std::string& name, PerfModelFactory factory);
  std::unique_ptr<PerfModel> create(const std::string& name, const ReplicaSetup& setup) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, PerfModelFactory> factories_;
};

// Collective costs (alpha-beta), exposed for tests and for other models.
// bytes: message size per rank; p: ranks; bw: per-direction B/s; lat: per-step latency.
double ring_all_reduce_time(double bytes, int p, double bw, double lat);
double tree_all_reduce_time(double bytes, int p, double bw, double lat);

}  // namespace tokenfab
