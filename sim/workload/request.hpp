// One inference request as the factory receives it.
#pragma once

#include <cstdint>
#include <vector>

namespace tokenfab {

// A request's service tier: an index into the scenario's tiers table (sim/workload/tiers.hpp).
inline constexpr int kNoTier = -1;
inline constexpr std::uint64_t kNoSession = ~std::uint64_t{0};

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
  // Agentic sessions (sim/workload/sessions.hpp); the defaults mean "not part of a session".
  std::uint64_t session = kNoSession;  // session id, from 0 in order of session starts
  int turn = 0;                        // 0-based turn within the session
  int turns = 1;                       // the session's number of turns
  int previous_replica = -1;           // entry replica that served the previous turn (sticky routing)
};

}  // namespace tokenfab
