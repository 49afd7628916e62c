// Memory feasibility of a replica: weights, the KV cache it can hold, and a refusal naming the
// bytes needed and available when the weights plus one KV block do not fit.
#pragma once

#include <cstdint>
#include <string>

#include "models/perf/perf_model.hpp"

namespace tokenfab {

struct MemoryPlan {
  double capacity = 0;            // device memory (HBM, or SRAM for an LPU), B
  double usable = 0;              // capacity less the reserve, B
  double weight_bytes = 0;        // weights on the most loaded device, B
  double kv_bytes_per_token = 0;  // KV bytes a token of a sequence occupies on one device, B
  double min_kv_bytes = 0;        // one KV block, the least a device must hold, B
  std::int64_t kv_blocks = 0;     // KV blocks of the whole replica (all attention-DP groups)
  std::int64_t kv_tokens = 0;     // kv_blocks * block tokens
  int devices = 0;                // devices per replica
  int min_devices = 0;            // devices a replica of this shape would need at least (estimate)
  bool fits = false;
  std::string refusal;            // when !fits: one sentence with the bytes needed and available
};

// reserve: fraction of device memory kept for activations and runtime; block_tokens: paged-KV
// block size. Throws std::invalid_argument for a setup the roofline refuses (setup_problem).
MemoryPlan plan_memory(const ReplicaSetup& setup, double reserve, int block_tokens);

}  // namespace tokenfab
