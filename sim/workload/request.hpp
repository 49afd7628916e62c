// One inference request as the factory receives it.
#pragma once

#include <cstdint>
#include <vector>

namespace tokenfab {

// A request's service tier: an index into the scenario's tiers table (sim/workload/tiers.hpp).
inline constexpr int kNoTier = -1;

struct Request {
  std::uint64_t id = 0;            // arrival order, from 0
  double arrival = 0;              // simulated seconds
  std::int64_t input_tokens = 0;   // prompt length
  std::int64_t output_tokens = 0;  // tokens to generate (>= 1)
  int tier = kNoTier;              // service tier (kNoTier when the workload assigns none)
  // Prompt prefix blocks as the trace hashed them (Mooncake's hash_ids: one id per block of
  // workload.trace.hash_block_tokens tokens; equal ids = the same KV prefix). Empty when unknown.
  std::vector<std::uint64_t> prefix_blocks = {};
  // Times the request was restarted because the replica serving it failed (its work is lost).
  int retries = 0;
  // Agentic sessions will add their fields here (session id, turn index): new fields default to
  // "not part of a session" so that every existing source stays valid.
};

}  // namespace tokenfab
