// Agentic sessions as seeded draws: the first turn of each session (a request stream, like any
// generator), and each later turn built from the turn before it once that one has completed.
// Every draw of a session's turn comes from a random stream of (seed, session, turn), so a
// session's lengths and delays do not depend on when other sessions' turns happen to finish.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/workload/random.hpp"
#include "sim/workload/request_source.hpp"
#include "sim/workload/synthetic.hpp"
#include "sim/workload/tier_assigner.hpp"

namespace tokenfab {

class SessionPlan {
 public:
  SessionPlan(SessionWorkload config, std::uint64_t seed, std::int64_t max_context);

  // Session `session`'s first turn at `arrival` (id = session; the engine renumbers in arrival order).
  Request first_turn(std::uint64_t session, double arrival, int tier) const;
  // The turn after `previous` (its prompt = previous prompt + previous output + new tokens), with
  // arrival unset; nullopt when `previous` was the last turn or the prompt would not fit the
  // model's context.
  std::optional<Request> next_turn(const Request& previous) const;
  // The tool call and think time that follow `previous`.
  double tool_seconds(const Request& previous) const;
  double think_seconds(const Request& previous) const;
  // No turn arrives sooner than this after the previous turn completed (lookahead bound).
  double min_gap() const;
  const SessionWorkload& config() const { return config_; }

  // Prefix blocks of a session's prompt: its full blocks of prefix_block_tokens are shared with
  // every later turn (equal ids); a trailing partial block is the turn's own.
  std::vector<std::uint64_t> prefix_blocks(std::uint64_t session, int turn, std::int64_t input_tokens) const;

 private:
  Rng stream(std::uint64_t session, int turn, int purpose) const;
  SessionWorkload config_;
  std::uint64_t seed_;
  std::int64_t max_context_;
  LengthSampler turns_, first_input_, turn_input_, output_;
};

// First turns, in order of session start.
class SessionStartSource : public RequestSource {
 public:
  SessionStartSource(SessionPlan plan, std::uint64_t seed, const std::vector<TierSpec>& tiers,
                     const std::vector<TierShare>& mix);
  std::optional<Request> next() override;

 private:
  SessionPlan plan_;
  ArrivalGenerator arrivals_;
  TierAssigner tiers_;
  std::uint64_t next_session_ = 0;
};

// Draws of a duration distribution.
double sample_duration(const DurationDistribution& d, Rng& rng);

}  // namespace tokenfab
