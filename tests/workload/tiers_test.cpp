// Service tiers: the table and its amendments, tier metrics against hand-computed records, and a
// whole run with a tier mix.
#include "sim/workload/tiers.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/config/scenario.hpp"
#include "sim/metrics/summary.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

std::vector<TierSpec> table_of(const std::string& yaml) {
  const YamlNode doc = YamlNode::load_string(yaml, "t.yaml");
  return read_tier_table(doc.child("tiers"));
}

TEST(Tiers, DefaultsAreTheFiveKeynoteTiersInPriceOrder) {
  const auto& t = default_tiers();
  ASSERT_EQ(t.size(), 5u);
  const std::vector<std::string> names = {"free", "mid", "premium", "high_speed", "ultra_high_speed"};
  const std::vector<double> prices = {0, 3, 6, 45, 150};  // GTC 2026 keynote as reported (docs/workloads.md)
  for (std::size_t i = 0; i < t.size(); ++i) {
    EXPECT_EQ(t[i].name, names[i]);
    EXPECT_EQ(t[i].price_per_mtok, prices[i]);
    if (i > 0) {
      // Faster tiers promise more tokens/s per user and a shorter TTFT.
      EXPECT_GT(t[i].output_speed, t[i - 1].output_speed);
      EXPECT_LT(t[i].ttft, t[i - 1].ttft);
    }
  }
  EXPECT_EQ(table_of("x: 1"), t);
}

TEST(Tiers, EntriesAmendDefaultsOrAddTiers) {
  const auto t = table_of(R"(tiers:
  - {name: Premium, ttft: 1500ms}
  - {name: batch, price: 1, output_speed: 5, ttft: 1min}
)");
  ASSERT_EQ(t.size(), 6u);
  const int premium = find_tier(t, "premium");
  EXPECT_DOUBLE_EQ(t[premium].ttft, 1.5);
  EXPECT_DOUBLE_EQ(t[premium].price_per_mtok, 6);  // untouched fields keep the default
  EXPECT_EQ(t[5].name, "batch");
  EXPECT_DOUBLE_EQ(t[5].ttft, 60);
  EXPECT_EQ(find_tier(t, "Ultra-High-Speed"), 4);
}

TEST(Tiers, BadEntriesAreConfigErrors) {
  try {
    table_of("tiers:\n  - {name: batch, price: 1}\n");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key_path(), "tiers[0].output_speed");
    EXPECT_NE(e.problem().find("missing for the new tier 'batch'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(table_of("tiers:\n  - {name: free}\n  - {name: FREE, price: 1}\n"), ConfigError);
  EXPECT_THROW(table_of("tiers:\n  - {name: free, output_speed: 0}\n"), ConfigError);
  EXPECT_THROW(table_of("tiers:\n  - {name: free, speed: 3}\n"), ConfigError);  // unknown key
}

RequestRecord record(int tier, double arrival, double first_token, double completion, std::int64_t out,
                     Outcome outcome = Outcome::Completed) {
  RequestRecord r;
  r.request.tier = tier;
  r.request.arrival = arrival;
  r.request.input_tokens = 100;
  r.request.output_tokens = out;
  r.outcome = outcome;
  r.first_token = first_token;
  r.completion = completion;
  return r;
}

TEST(Tiers, SummaryCountsTargetsMetGoodputAndRevenue) {
  // premium: TTFT <= 2 s and >= 100 tokens/s (TPOT <= 10 ms).
  const auto& t = default_tiers();
  const int premium = find_tier(t, "premium"), freet = find_tier(t, "free");
  const std::vector<RequestRecord> records = {
      record(premium, 0, 1.0, 1.0 + 0.009 * 99, 100),  // meets both
      record(premium, 0, 3.0, 3.0 + 0.005 * 99, 100),  // TTFT too long
      record(premium, 0, 0.5, 0.5 + 0.020 * 99, 100),  // too slow
      record(premium, 0, 0.1, 0.1, 1),                 // one token: no TPOT, meets TTFT
      record(premium, 0, -1, -1, 50, Outcome::Rejected),
      record(freet, 0, 9.0, 9.0 + 0.04 * 9, 10),       // free: 10 s, 20 tokens/s
      record(kNoTier, 0, 1, 2, 10),                    // not counted in any tier
  };
  const auto s = summarize_tiers(records, t, 100.0);
  ASSERT_EQ(s.size(), 2u);  // only tiers with arrivals, in table order
  EXPECT_EQ(s[0].name, "free");
  EXPECT_EQ(s[0].met, 1u);
  const TierSummary& p = s[1];
  EXPECT_EQ(p.arrived, 5u);
  EXPECT_EQ(p.completed, 4u);
  EXPECT_EQ(p.rejected, 1u);
  EXPECT_EQ(p.met, 2u);
  EXPECT_DOUBLE_EQ(p.attainment, 2.0 / 5);
  EXPECT_EQ(p.good_output_tokens, 101);
  EXPECT_DOUBLE_EQ(p.goodput_tokens_per_s, 1.01);
  EXPECT_DOUBLE_EQ(p.revenue_per_hour, 6.0 * 1.01 * 3600 / 1e6);
  EXPECT_EQ(p.ttft.count, 4u);
  EXPECT_EQ(p.tpot.count, 3u);
}

TEST(Tiers, RunReportsPerTierMetrics) {
  const std::string dir = test::temp_dir("tiers");
  const std::string text = fmt::format(R"(platform: {}
model: llama-3.1-70b
seed: 5
deployment: {{tp: 8}}
tiers:
  - {{name: premium, ttft: 3s}}
workload:
  requests: 120
  tier_mix: {{free: 0.5, premium: 0.3, high_speed: 0.2}}
  synthetic:
    arrivals: {{process: poisson, rate: 6}}
    input_tokens: {{dist: uniform, min: 64, max: 1024}}
    output_tokens: {{dist: uniform, min: 2, max: 200}}
)",
                                       test::source_path("platforms/hgx-h100.xml"));
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("high_speed"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
  ASSERT_TRUE(j.contains("tiers"));
  EXPECT_FALSE(j.contains("workload"));  // not a trace
  std::uint64_t arrived = 0;
  for (const auto& t : j["tiers"]) {
    arrived += t["arrived"].get<std::uint64_t>();
    EXPECT_LE(t["met"].get<std::uint64_t>(), t["completed"].get<std::uint64_t>());
    if (t["name"] == "premium") {
      EXPECT_DOUBLE_EQ(t["ttft_limit_s"].get<double>(), 3.0);
    }
  }
  EXPECT_EQ(j["tiers"].size(), 3u);
  EXPECT_EQ(arrived, j["requests"]["arrived"].get<std::uint64_t>());
  // requests.csv names each request's tier, then its preemptions (none in this run).
  const std::string csv = test::read_file(dir + "/out/requests.csv");
  EXPECT_NE(csv.find(",tier,preemptions\n"), std::string::npos);
  EXPECT_NE(csv.find(",premium,0\n"), std::string::npos);
}

}  // namespace
}  // namespace tokenfab
