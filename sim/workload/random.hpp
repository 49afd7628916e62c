// Seeded random numbers with sampling written out here, so that a seed gives the same stream on
// every standard library (std::*_distribution are implementation-defined).
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace tokenfab {

// splitmix64: derives independent stream seeds from one scenario seed.
inline std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe for log().
  double uniform_open0() { return 1.0 - uniform(); }
  double exponential(double rate) { return -std::log(uniform_open0()) / rate; }
  // Box-Muller, one value per call (the second is discarded to keep the stream simple).
  double normal(double mean, double stddev) {
    const double u1 = uniform_open0();
    const double u2 = uniform();
    return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  // Gamma(shape, scale), mean shape x scale (Marsaglia and Tsang's squeeze method; shapes below 1
  // through Gamma(shape + 1) x U^(1/shape)). Written out, like the others, for portability.
  double gamma(double shape, double scale) {
    if (shape < 1) {
      const double g = gamma(shape + 1, 1.0);
      return scale * g * std::pow(uniform_open0(), 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    while (true) {
      const double x = normal(0, 1);
      const double t = 1.0 + c * x;
      if (t <= 0) continue;
      const double v = t * t * t;
      const double u = uniform_open0();
      if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return scale * d * v;
    }
  }
  // Integer uniform in [lo, hi].
  std::int64_t integer(std::int64_t lo, std::int64_t hi) {
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(static_cast<std::uint64_t>(uniform() * static_cast<double>(span)) % span);
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace tokenfab
