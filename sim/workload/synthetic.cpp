#include "sim/workload/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tokenfab {
namespace {

std::int64_t clip(double v, std::int64_t lo, std::int64_t hi) {
  const double r = std::round(v);
  if (r < static_cast<double>(lo)) return lo;
  if (r > static_cast<double>(hi)) return hi;
  return static_cast<std::int64_t>(r);
}

constexpr double kNever = std::numeric_limits<double>::infinity();

}  // namespace

LengthSampler::LengthSampler(LengthDistribution d, std::int64_t max_context)
    : dist_(std::move(d)), max_context_(max_context) {
  if (const auto* e = std::get_if<EmpiricalLength>(&dist_)) table_ = EmpiricalTable::load(*e);
}

std::int64_t LengthSampler::sample(Rng& rng) const {
  // The first four alternatives draw exactly as they always have: scenarios keep their streams.
  return std::visit(
      [&](const auto& x) -> std::int64_t {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, FixedLength>) {
          return x.value;
        } else if constexpr (std::is_same_v<T, UniformLength>) {
          return rng.integer(x.min, x.max);
        } else if constexpr (std::is_same_v<T, NormalLength>) {
          return clip(rng.normal(x.mean, x.stddev), x.min, x.max > 0 ? x.max : max_context_);
        } else if constexpr (std::is_same_v<T, LognormalLength>) {
          // log(L) ~ N(mu, sigma) with E[L] = exp(mu + sigma^2/2) = mean.
          const double mu = std::log(x.mean) - x.sigma * x.sigma / 2;
          return clip(std::exp(rng.normal(mu, x.sigma)), x.min, x.max > 0 ? x.max : max_context_);
        } else {
          const std::int64_t v = table_->sample(rng);
          return max_context_ > 0 ? std::min(v, max_context_) : v;
        }
      },
      dist_);
}

double LengthSampler::nominal_mean() const {
  return std::visit(
      [&](const auto& x) -> double {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, FixedLength>) {
          return static_cast<double>(x.value);
        } else if constexpr (std::is_same_v<T, UniformLength>) {
          return (static_cast<double>(x.min) + static_cast<double>(x.max)) / 2;
        } else if constexpr (std::is_same_v<T, EmpiricalLength>) {
          return table_->mean();
        } else {
          return x.mean;
        }
      },
      dist_);
}

ArrivalGenerator::ArrivalGenerator(ArrivalProcess process, Rng rng) : process_(std::move(process)), rng_(rng) {}

double ArrivalGenerator::next() {
  const bool first = first_;
  first_ = false;
  std::visit(
      [&](const auto& p) {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, PoissonArrivals>) {
          clock_ += rng_.exponential(p.rate);  // the first request arrives after one gap
        } else if constexpr (std::is_same_v<T, ConstantArrivals>) {
          if (!first) clock_ += 1.0 / p.rate;  // the first request arrives at t = 0
        } else if constexpr (std::is_same_v<T, GammaArrivals>) {
          // Gamma gaps with mean 1/rate and CV cv: shape 1/cv^2, scale cv^2/rate.
          const double shape = 1.0 / (p.cv * p.cv);
          clock_ += rng_.gamma(shape, 1.0 / (p.rate * shape));
        } else if constexpr (std::is_same_v<T, OnOffArrivals>) {
          clock_ = onoff_next(p, first);
        } else {
          clock_ = diurnal_next(p);
        }
      },
      process_);
  return clock_;
}

double ArrivalGenerator::onoff_next(const OnOffArrivals& p, bool first) {
  auto period = [&](double mean) { return p.exponential ? rng_.exponential(1.0 / mean) : mean; };
  if (first) state_end_ = period(p.on);  // starts ON at t = 0
  double t = clock_;
  while (true) {
    // Exponential gaps are memoryless: a candidate past the period's end is discarded and the
    // draw restarts at the boundary with the next state's rate.
    const double rate = on_ ? p.rate : p.off_rate;
    const double candidate = rate > 0 ? t + rng_.exponential(rate) : kNever;
    if (candidate < state_end_) return candidate;
    // Periods with almost no arrivals (a tiny rate) could cycle for ever: past the horizon the
    // boundary itself is returned, and make_request_source refuses it with a clear error.
    if (state_end_ > kArrivalHorizon) return state_end_;
    t = state_end_;
    on_ = !on_;
    state_end_ = t + period(on_ ? p.on : p.off);
  }
}

double ArrivalGenerator::diurnal_next(const DiurnalArrivals& p) {
  // Thinning (Lewis and Shedler): candidates at the peak rate, each kept with rate(t) / peak rate.
  const double peak_rate = p.rate * (1 + p.amplitude);
  double t = clock_;
  while (true) {
    t += rng_.exponential(peak_rate);
    if (t > kArrivalHorizon) return t;  // refused by make_request_source, as for on/off
    const double rate = p.rate * (1 + p.amplitude * std::cos(2 * M_PI * (t - p.peak) / p.period));
    if (rng_.uniform() * peak_rate < rate) return t;
  }
}

SyntheticSource::SyntheticSource(SyntheticWorkload config, std::uint64_t seed, std::int64_t max_context,
                                 const std::vector<TierSpec>& tiers, const std::vector<TierShare>& mix)
    : arrivals_(std::move(config.arrivals), Rng(mix_seed(seed, 1))),
      input_(std::move(config.input_tokens), max_context),
      output_(std::move(config.output_tokens), max_context),
      inputs_(mix_seed(seed, 2)),
      outputs_(mix_seed(seed, 3)),
      tiers_(tiers, mix, seed) {}

std::optional<Request> SyntheticSource::next() {
  Request r;
  r.id = next_id_++;
  r.arrival = arrivals_.next();
  r.input_tokens = input_.sample(inputs_);
  r.output_tokens = output_.sample(outputs_);
  r.tier = tiers_.draw();
  return r;
}

}  // namespace tokenfab
