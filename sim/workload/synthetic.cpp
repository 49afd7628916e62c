#include "sim/workload/synthetic.hpp"

#include <algorithm>
#include <cmath>

namespace tokenfab {
namespace {

std::int64_t clip(double v, std::int64_t lo, std::int64_t hi) {
  const double r = std::round(v);
  if (r < static_cast<double>(lo)) return lo;
  if (r > static_cast<double>(hi)) return hi;
  return static_cast<std::int64_t>(r);
}

}  // namespace

std::int64_t sample_length(const LengthDistribution& d, Rng& rng, std::int64_t max_context) {
  return std::visit(
      [&](const auto& x) -> std::int64_t {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, FixedLength>) {
          return x.value;
        } else if constexpr (std::is_same_v<T, UniformLength>) {
          return rng.integer(x.min, x.max);
        } else if constexpr (std::is_same_v<T, NormalLength>) {
          return clip(rng.normal(x.mean, x.stddev), x.min, x.max > 0 ? x.max : max_context);
        } else {
          // log(L) ~ N(mu, sigma) with E[L] = exp(mu + sigma^2/2) = mean.
          const double mu = std::log(x.mean) - x.sigma * x.sigma / 2;
          return clip(std::exp(rng.normal(mu, x.sigma)), x.min, x.max > 0 ? x.max : max_context);
        }
      },
      d);
}

SyntheticSource::SyntheticSource(SyntheticWorkload config, std::uint64_t seed, std::int64_t max_context)
    : config_(std::move(config)),
      max_context_(max_context),
      arrivals_(mix_seed(seed, 1)),
      inputs_(mix_seed(seed, 2)),
      outputs_(mix_seed(seed, 3)) {}

std::optional<Request> SyntheticSource::next() {
  const double gap = std::visit(
      [&](const auto& p) -> double {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, PoissonArrivals>) {
          return arrivals_.exponential(p.rate);
        } else {
          return 1.0 / p.rate;
        }
      },
      config_.arrivals);
  // The first request arrives at t = 0 for constant arrivals, after one gap for Poisson.
  if (next_id_ > 0 || std::holds_alternative<PoissonArrivals>(config_.arrivals)) clock_ += gap;
  Request r;
  r.id = next_id_++;
  r.arrival = clock_;
  r.input_tokens = sample_length(config_.input_tokens, inputs_, max_context_);
  r.output_tokens = sample_length(config_.output_tokens, outputs_, max_context_);
  return r;
}

}  // namespace tokenfab
