#include "sim/workload/workload_config.hpp"

namespace tokenfab {
namespace {

constexpr std::int64_t kMaxTokens = 100'000'000;  // longer than any model context

const Schema<FixedLength>& fixed_schema() {
  static const Schema<FixedLength> s = Schema<FixedLength>("fixed", "Every request has the same length.")
                                           .integer<std::int64_t>("value", &FixedLength::value, std::nullopt,
                                                                  "Tokens.", Check::Positive, kMaxTokens);
  return s;
}

const Schema<UniformLength>& uniform_schema() {
  static const Schema<UniformLength> s =
      Schema<UniformLength>("uniform", "Uniform integer lengths in [min, max].")
          .integer<std::int64_t>("min", &UniformLength::min, std::nullopt, "Smallest length.", Check::Positive, kMaxTokens)
          .integer<std::int64_t>("max", &UniformLength::max, std::nullopt, "Largest length.", Check::Positive, kMaxTokens)
          .validate([](const YamlNode& n, const UniformLength& u) {
            if (u.max < u.min) n.child("max")->fail("is below min", fmt::format("max >= {}", u.min));
          });
  return s;
}

template <class D>
void check_clip(const YamlNode& n, const D& d) {
  if (d.max != 0 && d.max < d.min) n.child("max")->fail("is below min", fmt::format("max >= {} (or 0 for no cap)", d.min));
}

const Schema<NormalLength>& normal_schema() {
  static const Schema<NormalLength> s =
      Schema<NormalLength>("normal", "Normal lengths, rounded and clipped to [min, max].")
          .number("mean", &NormalLength::mean, std::nullopt, "Mean, tokens.", Check::Positive, "tokens")
          .number("stddev", &NormalLength::stddev, std::nullopt, "Standard deviation, tokens.", Check::NonNegative,
                  "tokens")
          .integer<std::int64_t>("min", &NormalLength::min, 1, "Lower clip.", Check::Positive, kMaxTokens)
          .integer<std::int64_t>("max", &NormalLength::max, 0, "Upper clip (0 = the model's context).",
                                 Check::NonNegative, kMaxTokens)
          .validate(check_clip<NormalLength>);
  return s;
}

const Schema<LognormalLength>& lognormal_schema() {
  static const Schema<LognormalLength> s =
      Schema<LognormalLength>("lognormal", "Log-normal lengths with a given mean, rounded and clipped to [min, max].")
          .number("mean", &LognormalLength::mean, std::nullopt, "Mean of the lengths, tokens.", Check::Positive,
                  "tokens")
          .number("sigma", &LognormalLength::sigma, std::nullopt, "Standard deviation of log(length).",
                  Check::NonNegative)
          .integer<std::int64_t>("min", &LognormalLength::min, 1, "Lower clip.", Check::Positive, kMaxTokens)
          .integer<std::int64_t>("max", &LognormalLength::max, 0, "Upper clip (0 = the model's context).",
                                 Check::NonNegative, kMaxTokens)
          .validate(check_clip<LognormalLength>);
  return s;
}

const VariantSchema<LengthDistribution>& length_schema() {
  static const VariantSchema<LengthDistribution> s = VariantSchema<LengthDistribution>("length distribution", "dist")
                                                         .alternative("fixed", fixed_schema())
                                                         .alternative("uniform", uniform_schema())
                                                         .alternative("normal", normal_schema())
                                                         .alternative("lognormal", lognormal_schema());
  return s;
}

const Schema<PoissonArrivals>& poisson_schema() {
  static const Schema<PoissonArrivals> s =
      Schema<PoissonArrivals>("poisson", "Poisson arrivals (exponential gaps).")
          .number("rate", &PoissonArrivals::rate, std::nullopt, "Mean arrival rate.", Check::Positive, "requests/s");
  return s;
}

const Schema<ConstantArrivals>& constant_schema() {
  static const Schema<ConstantArrivals> s =
      Schema<ConstantArrivals>("constant", "Evenly spaced arrivals.")
          .number("rate", &ConstantArrivals::rate, std::nullopt, "Arrival rate.", Check::Positive, "requests/s");
  return s;
}

const VariantSchema<ArrivalProcess>& arrivals_schema() {
  static const VariantSchema<ArrivalProcess> s = VariantSchema<ArrivalProcess>("arrival process", "process")
                                                     .alternative("poisson", poisson_schema())
                                                     .alternative("constant", constant_schema());
  return s;
}

const Schema<SyntheticWorkload>& synthetic_schema() {
  static const Schema<SyntheticWorkload> s =
      Schema<SyntheticWorkload>("synthetic", "Seeded synthetic traffic.")
          .variant("arrivals", &SyntheticWorkload::arrivals, arrivals_schema(), std::nullopt,
                   "Arrival process, e.g. {process: poisson, rate: 4}.")
          .variant("input_tokens", &SyntheticWorkload::input_tokens, length_schema(), std::nullopt,
                   "Prompt lengths, e.g. {dist: lognormal, mean: 1024, sigma: 0.6}.")
          .variant("output_tokens", &SyntheticWorkload::output_tokens, length_schema(), std::nullopt,
                   "Output lengths, e.g. {dist: fixed, value: 256}.");
  return s;
}

const Schema<TraceWorkload>& trace_schema() {
  static const Schema<TraceWorkload> s =
      Schema<TraceWorkload>("trace", "Replay a CSV trace with columns arrival_time (s), input_tokens, output_tokens.")
          .text("path", &TraceWorkload::path, std::nullopt, "Trace file, relative to the scenario file.")
          .number("time_scale", &TraceWorkload::time_scale, 1.0, "Multiplies arrival times (0.5 = twice the rate).");
  return s;
}

}  // namespace

const Schema<WorkloadConfig>& workload_schema() {
  static const Schema<WorkloadConfig> s =
      Schema<WorkloadConfig>("workload", "Where requests come from: exactly one of synthetic or trace.")
          .optional_section("synthetic", &WorkloadConfig::synthetic, synthetic_schema(), "Generated traffic.")
          .optional_section("trace", &WorkloadConfig::trace, trace_schema(), "Replayed traffic.")
          .integer<std::int64_t>("requests", &WorkloadConfig::requests, 0,
                                 "Stop after this many arrivals (0 = no limit).", Check::NonNegative)
          .optional_quantity("duration", &WorkloadConfig::duration, Dimension::Time,
                             "Stop arrivals after this simulated time.")
          .validate([](const YamlNode& n, const WorkloadConfig& w) {
            if (w.synthetic.has_value() == w.trace.has_value())
              n.fail(w.synthetic ? "both synthetic and trace are given" : "neither synthetic nor trace is given",
                     "exactly one of synthetic or trace");
            if (w.synthetic && w.requests == 0 && !w.duration)
              n.fail("synthetic traffic has no end", "requests > 0 or a duration");
          });
  return s;
}

}  // namespace tokenfab
