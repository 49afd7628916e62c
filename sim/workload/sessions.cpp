#include "sim/workload/sessions.hpp"

#include <algorithm>
#include <cmath>

#include "sim/workload/session_config.hpp"

namespace tokenfab {
namespace {

// Purposes of a turn's random streams.
enum Purpose { kTurns = 0, kInput = 1, kOutput = 2, kTool = 3, kThink = 4 };
constexpr std::uint64_t kSessionStream = 0x5E55;  // distinct from the synthetic generator's streams 1-3

}  // namespace

double sample_duration(const DurationDistribution& d, Rng& rng) {
  return std::visit(
      [&](const auto& x) -> double {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, FixedDuration>) {
          return x.value;
        } else if constexpr (std::is_same_v<T, UniformDuration>) {
          return x.min + (x.max - x.min) * rng.uniform();
        } else if constexpr (std::is_same_v<T, ExponentialDuration>) {
          return x.floor + rng.exponential(1.0 / x.mean);
        } else {
          const double mu = std::log(x.mean) - x.sigma * x.sigma / 2;
          return std::max(x.min, std::exp(rng.normal(mu, x.sigma)));
        }
      },
      d);
}

SessionPlan::SessionPlan(SessionWorkload config, std::uint64_t seed, std::int64_t max_context)
    : config_(std::move(config)),
      seed_(mix_seed(seed, kSessionStream)),
      max_context_(max_context),
      turns_(config_.turns, max_context),
      first_input_(config_.first_input_tokens, max_context),
      turn_input_(config_.turn_input_tokens, max_context),
      output_(config_.output_tokens, max_context) {}

Rng SessionPlan::stream(std::uint64_t session, int turn, int purpose) const {
  return Rng(mix_seed(mix_seed(seed_, session), static_cast<std::uint64_t>(turn) * 8 + static_cast<std::uint64_t>(purpose)));
}

std::vector<std::uint64_t> SessionPlan::prefix_blocks(std::uint64_t session, int turn, std::int64_t input_tokens) const {
  const std::int64_t b = config_.prefix_block_tokens;
  const std::int64_t full = input_tokens / b;
  std::vector<std::uint64_t> ids;
  ids.reserve(static_cast<std::size_t>(full + 1));
  const std::uint64_t base = mix_seed(seed_ ^ 0xB10C, session);
  for (std::int64_t j = 0; j < full; ++j) ids.push_back(mix_seed(base, static_cast<std::uint64_t>(j)));
  // The partial tail differs from the next turn's block at that position (which is full).
  if (input_tokens % b != 0) ids.push_back(mix_seed(base ^ 0x7A11, static_cast<std::uint64_t>(turn)));
  return ids;
}

Request SessionPlan::first_turn(std::uint64_t session, double arrival, int tier) const {
  Request r;
  r.id = session;
  r.arrival = arrival;
  r.session = session;
  r.turn = 0;
  Rng t = stream(session, 0, kTurns);
  r.turns = static_cast<int>(std::clamp<std::int64_t>(turns_.sample(t), 1, 1 << 20));
  Rng in = stream(session, 0, kInput);
  Rng out = stream(session, 0, kOutput);
  r.input_tokens = first_input_.sample(in);
  r.output_tokens = output_.sample(out);
  r.tier = tier;
  r.prefix_blocks = prefix_blocks(session, 0, r.input_tokens);
  return r;
}

std::optional<Request> SessionPlan::next_turn(const Request& previous) const {
  if (previous.turn + 1 >= previous.turns) return std::nullopt;
  Request r;
  r.session = previous.session;
  r.turn = previous.turn + 1;
  r.turns = previous.turns;
  r.tier = previous.tier;
  Rng in = stream(r.session, r.turn, kInput);
  Rng out = stream(r.session, r.turn, kOutput);
  r.input_tokens = previous.input_tokens + previous.output_tokens + turn_input_.sample(in);
  r.output_tokens = output_.sample(out);
  // A context that outgrows the model ends the session (as an agent framework would summarise
  // or stop); the turn is not sent.
  if (max_context_ > 0 && r.input_tokens + r.output_tokens > max_context_) return std::nullopt;
  r.prefix_blocks = prefix_blocks(r.session, r.turn, r.input_tokens);
  return r;
}

double SessionPlan::tool_seconds(const Request& previous) const {
  Rng rng = stream(previous.session, previous.turn, kTool);
  return sample_duration(config_.tool_time, rng);
}

double SessionPlan::think_seconds(const Request& previous) const {
  Rng rng = stream(previous.session, previous.turn, kThink);
  return sample_duration(config_.think_time, rng);
}

double SessionPlan::min_gap() const {
  return duration_lower_bound(config_.tool_time) + duration_lower_bound(config_.think_time);
}

SessionStartSource::SessionStartSource(SessionPlan plan, std::uint64_t seed, const std::vector<TierSpec>& tiers,
                                       const std::vector<TierShare>& mix)
    : plan_(std::move(plan)), arrivals_(plan_.config().arrivals, Rng(mix_seed(seed, 1))), tiers_(tiers, mix, seed) {}

std::optional<Request> SessionStartSource::next() {
  const std::uint64_t s = next_session_++;
  const double t = arrivals_.next();
  return plan_.first_turn(s, t, tiers_.draw());
}

}  // namespace tokenfab
