// The roofline model: each operator (GEMMs, attention, LM head) takes the longer of its FLOPs at
// the achievable compute rate and its bytes at the achievable memory bandwidth; TP all-reduces
// are priced with the alpha-beta formula of the chosen algorithm; a fixed overhead per iteration.
#pragma once

#include "models/perf/perf_model.hpp"

namespace tokenfab {

class RooflineModel : public PerfModel {
 public:
  explicit RooflineModel(ReplicaSetup setup);
  IterationCost price(const BatchShape& batch) const override;
  std::string name() const override { return "roofline"; }

  // Weight bytes one device holds (its TP shard).
  double weight_bytes_per_device() const;
  // KV-cache bytes one token occupies on one device, summed over layers.
  double kv_bytes_per_token_per_device() const;
  // One TP all-reduce of `bytes` with the configured algorithm.
  double all_reduce_time(double bytes) const;

 private:
  ReplicaSetup s_;
  double gemm_rate_;       // achievable FLOP/s for GEMMs
  double attention_rate_;  // achievable FLOP/s for attention math
  double mem_rate_;        // achievable B/s
};

}  // namespace tokenfab
