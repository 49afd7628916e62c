// Generators against their parameters, within statistical tolerance for a fixed seed (bounds are
// 5 standard errors of the estimate, from the distribution's own moments).
#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "sim/workload/synthetic.hpp"
#include "tests/support/test_support.hpp"
#include "tests/workload/workload_test_util.hpp"

namespace tokenfab {
namespace {

std::vector<double> arrivals(const ArrivalProcess& p, std::size_t n, std::uint64_t seed = 17) {
  ArrivalGenerator g(p, Rng(mix_seed(seed, 1)));
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(g.next());
  return out;
}

struct GapStats {
  double mean = 0, cv = 0;
};
GapStats gaps(const std::vector<double>& t) {
  double m = 0, m2 = 0;
  const auto n = static_cast<double>(t.size() - 1);
  for (std::size_t i = 1; i < t.size(); ++i) m += t[i] - t[i - 1];
  m /= n;
  for (std::size_t i = 1; i < t.size(); ++i) m2 += std::pow(t[i] - t[i - 1] - m, 2);
  return {m, std::sqrt(m2 / (n - 1)) / m};
}

TEST(Generators, PoissonRateAndUnitCv) {
  const std::size_t n = 20000;
  const auto g = gaps(arrivals(PoissonArrivals{5}, n));
  // Exponential gaps: the mean gap's relative standard error is 1/sqrt(n), the CV's about the same.
  EXPECT_NEAR(1 / g.mean, 5.0, 5 * 5.0 / std::sqrt(n));
  EXPECT_NEAR(g.cv, 1.0, 5 / std::sqrt(n));
}

TEST(Generators, GammaRateAndCv) {
  for (const double cv : {0.5, 2.0}) {
    const std::size_t n = 50000;
    const auto g = gaps(arrivals(GammaArrivals{4, cv}, n));
    // Mean gap: relative SE cv/sqrt(n). Sample CV: relative SE ~ sqrt((kurtosis - 1) / n) / 2 with
    // kurtosis 3 + 6 cv^2 for Gamma(1/cv^2) gaps.
    EXPECT_NEAR(g.mean, 0.25, 5 * 0.25 * cv / std::sqrt(n)) << cv;
    EXPECT_NEAR(g.cv, cv, 5 * cv * std::sqrt((2 + 6 * cv * cv) / static_cast<double>(n)) / 2) << cv;
  }
}

TEST(Generators, OnOffMeanRateAndBurstiness) {
  // 20/s for 2 s on average, 1/s for 6 s: mean rate (20 x 2 + 1 x 6) / 8 = 5.75/s.
  const OnOffArrivals p{20, 1, 2, 6, true};
  const auto t = arrivals(p, 400000);
  const double rate = static_cast<double>(t.size() - 1) / (t.back() - t.front());
  // ~8700 cycles. The ON share f of the time varies with the exponential period lengths: by the
  // delta method var(f) = (0.75^2 x 4 + 0.25^2 x 36) / (64 cycles), so the rate 1 + 19 f has a
  // standard error of about 0.054/s (~1%); Poisson noise adds 0.2%. Allow 5%.
  EXPECT_NEAR(rate, 5.75, 0.05 * 5.75);
  EXPECT_GT(gaps(t).cv, 1.3);  // burstier than Poisson
}

TEST(Generators, OnOffFixedPeriodsHaveSilentOffPeriods) {
  const OnOffArrivals p{50, 0, 1, 3, false};  // ON [0,1), OFF [1,4), ON [4,5), ...
  const auto t = arrivals(p, 5000);
  for (const double x : t) EXPECT_LT(std::fmod(x, 4.0), 1.0) << x;
  // 50/s within the ON seconds: ~100 periods of ~50 arrivals (Poisson: 1.4% SE on the total).
  const double on_rate = static_cast<double>(t.size()) / (std::floor(t.back() / 4) + 1);
  EXPECT_NEAR(on_rate, 50.0, 0.08 * 50);
}

TEST(Generators, DiurnalRateFollowsTheCycle) {
  const DiurnalArrivals p{10, 0.8, 1000, 250};
  auto t = arrivals(p, 500000);
  const double periods = std::floor(t.back() / 1000);
  while (t.back() >= periods * 1000) t.pop_back();
  EXPECT_NEAR(static_cast<double>(t.size()) / (periods * 1000), 10.0, 5 * std::sqrt(10.0 / (periods * 1000)));
  // Counts in the 100 s around the peak and the trough against the integral of rate(t).
  auto expected = [&](double a, double b) {
    const double w = 2 * M_PI / p.period;
    return periods * p.rate * ((b - a) + p.amplitude / w * (std::sin(w * (b - p.peak)) - std::sin(w * (a - p.peak))));
  };
  double peak = 0, trough = 0;
  for (const double x : t) {
    const double phase = std::fmod(x, 1000.0);
    peak += phase >= 200 && phase < 300;
    trough += phase >= 700 && phase < 800;
  }
  EXPECT_NEAR(peak, expected(200, 300), 5 * std::sqrt(expected(200, 300)));
  EXPECT_NEAR(trough, expected(700, 800), 5 * std::sqrt(expected(700, 800)));
  EXPECT_GT(peak, 5 * trough);
}

double sample_mean(const LengthDistribution& d, std::size_t n, double* sd = nullptr) {
  LengthSampler s(d, 1'000'000);
  Rng rng(mix_seed(23, 2));
  double sum = 0, sum2 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto v = static_cast<double>(s.sample(rng));
    sum += v;
    sum2 += v * v;
  }
  const double m = sum / static_cast<double>(n);
  if (sd) *sd = std::sqrt(sum2 / static_cast<double>(n) - m * m);
  return m;
}

TEST(Generators, LengthMeansMatchTheirParameters) {
  const std::size_t n = 50000;
  const double se = 5 / std::sqrt(static_cast<double>(n));
  EXPECT_EQ(sample_mean(FixedLength{300}, 100), 300.0);
  EXPECT_NEAR(sample_mean(UniformLength{10, 90}, n), 50.0, se * std::sqrt((81.0 * 81 - 1) / 12));
  double sd = 0;
  EXPECT_NEAR(sample_mean(NormalLength{500, 100, 1, 0}, n, &sd), 500.0, se * 100);
  EXPECT_NEAR(sd, 100.0, 3.0);
  // Log-normal with mean 1024, sigma 0.8: standard deviation 1024 sqrt(e^0.64 - 1).
  const double lsd = 1024 * std::sqrt(std::exp(0.64) - 1);
  EXPECT_NEAR(sample_mean(LognormalLength{1024, 0.8, 1, 0}, n), 1024.0, se * lsd);
  // Empirical: resampling {10, 20, 20, 50} (mean 25, standard deviation 15).
  EmpiricalLength e;
  e.values = {10, 20, 20, 50};
  EXPECT_NEAR(sample_mean(e, n), 25.0, se * 15);
}

TEST(Generators, EmpiricalFromATraceResamplesItsLengths) {
  const auto requests = test::generated(2000);
  const std::string path = test::write_trace(test::temp_dir("emp") + "/t.jsonl", requests, TraceFormat::Mooncake);
  double mean = 0, m2 = 0;
  for (const auto& r : requests) mean += static_cast<double>(r.output_tokens) / 2000;
  for (const auto& r : requests) m2 += std::pow(static_cast<double>(r.output_tokens) - mean, 2) / 2000;
  EmpiricalLength e;
  e.path = path;
  e.output = true;
  LengthSampler s(e, 1'000'000);
  EXPECT_NEAR(s.nominal_mean(), mean, 1e-9);
  EXPECT_NEAR(sample_mean(e, 50000), mean, 5 * std::sqrt(m2 / 50000));
  // Every drawn value is one of the trace's.
  Rng rng(1);
  for (int i = 0; i < 200; ++i) {
    const auto v = s.sample(rng);
    EXPECT_TRUE(std::any_of(requests.begin(), requests.end(), [&](const Request& r) { return r.output_tokens == v; }));
  }
}

// The quickstart's processes draw exactly as before: recomputed here from the engine and the
// formulas (exponential by inversion, Box-Muller with the second value dropped), not through Rng.
TEST(Generators, PoissonAndLognormalStreamsAreUnchanged) {
  SyntheticWorkload w;
  w.arrivals = PoissonArrivals{4};
  w.input_tokens = LognormalLength{1024, 0.8, 1, 8192};
  w.output_tokens = FixedLength{7};
  SyntheticSource source(w, 42, 131072);
  std::mt19937_64 arrivals(mix_seed(42, 1)), inputs(mix_seed(42, 2));
  auto u = [](std::mt19937_64& e) { return static_cast<double>(e() >> 11) * 0x1.0p-53; };
  double clock = 0;
  for (int i = 0; i < 200; ++i) {
    clock += -std::log(1.0 - u(arrivals)) / 4;
    const double u1 = 1.0 - u(inputs), u2 = u(inputs);
    const double mu = std::log(1024.0) - 0.32;
    const double x = std::exp(mu + 0.8 * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2));
    const auto len = static_cast<std::int64_t>(std::clamp(std::round(x), 1.0, 8192.0));
    const auto r = source.next();
    EXPECT_EQ(r->arrival, clock) << i;
    EXPECT_EQ(r->input_tokens, len) << i;
    EXPECT_EQ(r->output_tokens, 7);
  }
}

TEST(Generators, ConstantArrivalsStartAtZero) {
  const auto t = arrivals(ConstantArrivals{4}, 5);
  EXPECT_EQ(t, (std::vector<double>{0, 0.25, 0.5, 0.75, 1.0}));
}

TEST(Generators, TierMixSharesAndSeparateStream) {
  const std::vector<TierShare> mix = {{"free", 0.7}, {"premium", 0.2}, {"ultra_high_speed", 0.1}};
  const std::size_t n = 100000;
  const auto with = test::generated(n, 5, 3, mix);
  const auto without = test::generated(n, 5, 3);
  std::map<int, double> count;
  for (std::size_t i = 0; i < n; ++i) {
    ++count[with[i].tier];
    // Adding a mix leaves arrivals and lengths as they were.
    ASSERT_EQ(with[i].arrival, without[i].arrival);
    ASSERT_EQ(with[i].input_tokens, without[i].input_tokens);
    ASSERT_EQ(without[i].tier, kNoTier);
  }
  for (const auto& s : mix) {
    const double p = s.fraction;
    EXPECT_NEAR(count[find_tier(default_tiers(), s.tier)] / n, p, 5 * std::sqrt(p * (1 - p) / n)) << s.tier;
  }
  EXPECT_EQ(count.size(), 3u);
}

}  // namespace
}  // namespace tokenfab
