#include "sim/workload/session_config.hpp"

#include <algorithm>

namespace tokenfab {
namespace {

const Schema<FixedDuration>& fixed_duration_schema() {
  static const Schema<FixedDuration> s = Schema<FixedDuration>("fixed", "Every draw is the same.")
                                             .quantity("value", &FixedDuration::value, Dimension::Time, std::nullopt,
                                                       "The duration.", Check::NonNegative);
  return s;
}

const Schema<UniformDuration>& uniform_duration_schema() {
  static const Schema<UniformDuration> s =
      Schema<UniformDuration>("uniform", "Uniform in [min, max].")
          .quantity("min", &UniformDuration::min, Dimension::Time, std::nullopt, "Shortest.", Check::NonNegative)
          .quantity("max", &UniformDuration::max, Dimension::Time, std::nullopt, "Longest.", Check::NonNegative)
          .validate([](const YamlNode& n, const UniformDuration& u) {
            if (u.max < u.min) n.child("max")->fail("is below min", fmt::format("max >= {} s", u.min));
          });
  return s;
}

const Schema<ExponentialDuration>& exponential_duration_schema() {
  static const Schema<ExponentialDuration> s =
      Schema<ExponentialDuration>("exponential", "floor + an exponential draw of the given mean.")
          .quantity("mean", &ExponentialDuration::mean, Dimension::Time, std::nullopt,
                    "Mean of the exponential part.", Check::Positive)
          .quantity("floor", &ExponentialDuration::floor, Dimension::Time, "0s", "Added to every draw.",
                    Check::NonNegative);
  return s;
}

const Schema<LognormalDuration>& lognormal_duration_schema() {
  static const Schema<LognormalDuration> s =
      Schema<LognormalDuration>("lognormal", "Log-normal with the given mean, clipped below at min.")
          .quantity("mean", &LognormalDuration::mean, Dimension::Time, std::nullopt, "Mean of the draws.",
                    Check::Positive)
          .number("sigma", &LognormalDuration::sigma, std::nullopt, "Standard deviation of log(duration).",
                  Check::NonNegative)
          .quantity("min", &LognormalDuration::min, Dimension::Time, "0s", "Lower clip.", Check::NonNegative);
  return s;
}

}  // namespace

double duration_lower_bound(const DurationDistribution& d) {
  return std::visit(
      [](const auto& x) -> double {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, FixedDuration>) return x.value;
        if constexpr (std::is_same_v<T, UniformDuration>) return x.min;
        if constexpr (std::is_same_v<T, ExponentialDuration>) return x.floor;
        if constexpr (std::is_same_v<T, LognormalDuration>) return x.min;
      },
      d);
}

const VariantSchema<DurationDistribution>& duration_distribution_schema() {
  static const VariantSchema<DurationDistribution> s = VariantSchema<DurationDistribution>("duration distribution", "dist")
                                                           .alternative("fixed", fixed_duration_schema())
                                                           .alternative("uniform", uniform_duration_schema())
                                                           .alternative("exponential", exponential_duration_schema())
                                                           .alternative("lognormal", lognormal_duration_schema());
  return s;
}

const Schema<SessionWorkload>& session_workload_schema() {
  static const Schema<SessionWorkload> s =
      Schema<SessionWorkload>("sessions",
                              "Agentic sessions: multi-turn conversations whose prompts extend the previous context, "
                              "with a tool call on a CPU host and a think time between turns. workload.requests "
                              "counts sessions here.")
          .variant("arrivals", &SessionWorkload::arrivals, arrival_process_schema(), std::nullopt,
                   "Arrival process of session starts, e.g. {process: poisson, rate: 0.5}.")
          .variant("turns", &SessionWorkload::turns, length_distribution_schema(), std::nullopt,
                   "Turns per session, e.g. {dist: uniform, min: 2, max: 8}.")
          .variant("first_input_tokens", &SessionWorkload::first_input_tokens, length_distribution_schema(),
                   std::nullopt, "Prompt of the first turn (system prompt + task).")
          .variant("turn_input_tokens", &SessionWorkload::turn_input_tokens, length_distribution_schema(),
                   std::nullopt,
                   "Tokens each later turn appends to the context (tool result + user message); the prompt of turn "
                   "k+1 = prompt k + output k + these.")
          .variant("output_tokens", &SessionWorkload::output_tokens, length_distribution_schema(), std::nullopt,
                   "Tokens generated per turn.")
          .variant("tool_time", &SessionWorkload::tool_time, duration_distribution_schema(), std::nullopt,
                   "Run time of the tool call after each turn but the last, e.g. {dist: lognormal, mean: 2s, sigma: "
                   "0.8, min: 100ms}. It occupies one core of a CPU host, so calls beyond its cores slow each other.")
          .variant("think_time", &SessionWorkload::think_time, duration_distribution_schema(), "{dist: fixed, value: 0s}",
                   "Delay after the tool returns, before the next prompt arrives.")
          .text("tool_host", &SessionWorkload::tool_host, "auto",
                "Where tool calls run: auto (the platform's CPU hosts, one per session in turn; a pure delay when it "
                "has none), none (a pure delay), or a host name.")
          .boolean("sticky", &SessionWorkload::sticky, true,
                   "Later turns go to the replica that served the previous turn while it is alive (its prefix cache "
                   "holds the context), like a KV-aware router would; false routes each turn afresh.")
          .integer<std::int64_t>("prefix_block_tokens", &SessionWorkload::prefix_block_tokens, 64,
                                 "Tokens per prefix-cache block of a session's context (full blocks are reused).",
                                 Check::Positive, 1 << 20);
  return s;
}

}  // namespace tokenfab
