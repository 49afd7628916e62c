// The roofline model: each operator (projection and FFN GEMMs, attention over the KV cache, MoE
// experts, LM head) takes the longer of its FLOPs at the achievable compute rate and its bytes at
// the achievable memory bandwidth; collectives are priced by algorithm over the links they cross;
// a fixed overhead per iteration. The parts add up (no overlap between operators), which is what
// a CUDA-graph engine without compute/communication overlap does. docs/performance-model.md has
// every formula.
#pragma once

#include <memory>

#include "models/perf/perf_model.hpp"

namespace tokenfab {

// Peak FLOP/s of the math a tensor at precision `p` runs in: its own rate where the device has
// one, else the next wider precision it has (weight-only quantisation: FP4 weights on Hopper are
// dequantised into FP8 or BF16 GEMMs). Also the peak that MFU is measured against.
double math_peak(const DeviceSpec& d, Precision p);

class RooflineModel : public PerfModel {
 public:
  // Throws std::invalid_argument when setup_problem(setup) reports a problem, or when the device
  // has no memory bandwidth.
  explicit RooflineModel(ReplicaSetup setup);
  IterationCost price(const BatchShape& batch) const override;
  std::string name() const override { return "roofline"; }

  // Weight bytes the most loaded device holds: its share of the layers of its pipeline stage,
  // the embedding or LM head shard, and the MTP module or draft model when speculation uses one.
  double weight_bytes_per_device() const;
  // KV-cache bytes one token occupies on one device of its attention group (the device's layers,
  // plus the MTP layer or draft model's cache when speculation uses one).
  double kv_bytes_per_token_per_device() const;
  // One TP all-reduce of `bytes` with the configured algorithm over the TP link.
  double all_reduce_time(double bytes) const;
  // Expected distinct routed experts of one MoE layer that `tokens` tokens touch when each picks
  // top-k of E experts uniformly at random: E (1 - (1 - k/E)^tokens).
  double experts_touched(double tokens) const;
  // One forward pass of the target model (no speculative decoding), with every part filled.
  IterationCost pass(const BatchShape& batch) const;
  // The LM head alone (for models that price the rest another way).
  IterationCost head_cost(const BatchShape& batch) const;

  const ReplicaSetup& setup() const { return s_; }

 private:
  struct Ops;
  void add_attention(Ops& ops, const BatchShape& b, double layers) const;
  void add_dense_ffn(Ops& ops, const BatchShape& b, double layers, double intermediate) const;
  void add_moe(Ops& ops, const BatchShape& b, double layers) const;
  void add_head(Ops& ops, const BatchShape& b) const;
  double ep_dispatch_time(double tokens) const;
  IterationCost draft_cost(const BatchShape& decodes) const;

  ReplicaSetup s_;
  double gemm_rate_;         // achievable FLOP/s for dense GEMMs (weights precision)
  double expert_rate_;       // achievable FLOP/s for expert GEMMs (expert precision)
  double attention_rate_;    // achievable FLOP/s for attention math
  double mem_rate_;          // achievable B/s
  std::shared_ptr<const RooflineModel> draft_;  // draft model, when speculation uses one
};

}  // namespace tokenfab
