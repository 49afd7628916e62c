// Transformations of a replayed trace, each against what it must do to the generated rows.
#include "sim/workload/trace_source.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "sim/workload/trace_stats.hpp"
#include "tests/support/test_support.hpp"
#include "tests/workload/workload_test_util.hpp"

namespace tokenfab {
namespace {

std::string csv_of(const std::vector<Request>& requests, const std::string& name = "t.csv") {
  return test::write_trace(test::temp_dir("src") + "/" + name, requests, TraceFormat::Csv);
}

TEST(TraceSource, WindowKeepsItsRowsAndStartsAtZero) {
  const auto requests = test::generated(400, 10);  // ~40 s
  auto config = test::trace_at(csv_of(requests));
  config.window = {10.0, 20.0};
  WorkloadCounters c;
  const auto back = test::replay(config, 1, {}, &c);
  std::vector<const Request*> expected;
  for (const auto& r : requests) {
    // Written with 6 decimals: compare the window on the written values.
    const double t = std::round(r.arrival * 1e6) / 1e6;
    if (t >= 10.0 && t < 20.0) expected.push_back(&r);
  }
  ASSERT_EQ(back.size(), expected.size());
  ASSERT_GT(back.size(), 50u);
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_NEAR(back[i].arrival, expected[i]->arrival - 10.0, 1e-6);
    EXPECT_EQ(back[i].input_tokens, expected[i]->input_tokens);
  }
  EXPECT_EQ(c.outside_window, static_cast<std::uint64_t>(std::count_if(
                                  requests.begin(), requests.end(), [](const Request& r) { return r.arrival < 10.0; })));
  // The replay stops at the window's end: rows after it are not even read.
  EXPECT_EQ(c.rows, c.outside_window + back.size() + 1);
}

TEST(TraceSource, SpeedupAndTimeScaleDivideAndMultiplyTimes) {
  const auto requests = test::generated(50);
  auto config = test::trace_at(csv_of(requests));
  config.speedup = 4.0;
  auto fast = test::replay(config);
  config.speedup.reset();
  config.time_scale = 2.0;
  auto slow = test::replay(config);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    EXPECT_NEAR(fast[i].arrival, requests[i].arrival / 4, 1e-6);
    EXPECT_NEAR(slow[i].arrival, requests[i].arrival * 2, 1e-5);
  }
}

TEST(TraceSource, TargetRateSetsTheMeanRateOfTheReplayedRows) {
  const auto requests = test::generated(500, 3);
  auto config = test::trace_at(csv_of(requests));
  config.target_rate = 40.0;
  config.sample = 0.5;  // the rate is measured on the rows that are replayed
  const auto back = test::replay(config, 9);
  ASSERT_GT(back.size(), 150u);
  const double rate = static_cast<double>(back.size() - 1) / (back.back().arrival - back.front().arrival);
  EXPECT_NEAR(rate, 40.0, 1e-6);
  // Only time is rescaled: the same rows in the same order as without a target rate.
  config.target_rate.reset();
  const auto unscaled = test::replay(config, 9);
  ASSERT_EQ(unscaled.size(), back.size());
  const double f = back.back().arrival / unscaled.back().arrival;
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].input_tokens, unscaled[i].input_tokens);
    EXPECT_NEAR(back[i].arrival, unscaled[i].arrival * f, 1e-9);
  }
}

TEST(TraceSource, SamplingKeepsTheFractionAndIsSeeded) {
  const auto requests = test::generated(4000, 50);
  auto config = test::trace_at(csv_of(requests));
  config.sample = 0.25;
  WorkloadCounters c;
  const auto a = test::replay(config, 5, {}, &c);
  // Binomial(4000, 0.25): standard deviation 27.4; allow 5 of them.
  EXPECT_NEAR(static_cast<double>(a.size()), 1000.0, 5 * std::sqrt(4000 * 0.25 * 0.75));
  EXPECT_EQ(c.sampled_out + a.size(), 4000u);
  const auto b = test::replay(config, 5);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].arrival, b[i].arrival);
  // Another seed keeps another set of rows.
  const auto other = test::replay(config, 6);
  bool differs = other.size() != a.size();
  for (std::size_t i = 0; !differs && i < a.size(); ++i) differs = other[i].arrival != a[i].arrival;
  EXPECT_TRUE(differs);
}

TEST(TraceSource, LengthCapsCutAndCount) {
  const auto requests = test::generated(300);
  auto config = test::trace_at(csv_of(requests));
  config.max_input_tokens = 512;
  config.max_output_tokens = 100;
  WorkloadCounters c;
  const auto back = test::replay(config, 1, {}, &c);
  std::uint64_t long_in = 0, long_out = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    long_in += requests[i].input_tokens > 512;
    long_out += requests[i].output_tokens > 100;
    EXPECT_EQ(back[i].input_tokens, std::min<std::int64_t>(requests[i].input_tokens, 512));
    EXPECT_EQ(back[i].output_tokens, std::min<std::int64_t>(requests[i].output_tokens, 100));
  }
  EXPECT_GT(long_in, 0u);
  EXPECT_EQ(c.capped_input, long_in);
  EXPECT_EQ(c.capped_output, long_out);
}

TEST(TraceSource, BurstGptModelFilterAndFailedRows) {
  // BurstGPT marks failed requests with 0 response tokens: dropped and counted, not replayed.
  const std::string path = test::write_file(test::temp_dir("bg") + "/b.csv",
                                            "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
                                            "5,ChatGPT,472,18,490,Conversation log\n"
                                            "45,ChatGPT,1087,230,1317,Conversation log\n"
                                            "118,GPT-4,417,276,693,Conversation log\n"
                                            "1106,ChatGPT,0,0,0,Conversation log\n"
                                            "1200,GPT-4,10,0,10,API log\n"
                                            "1300,GPT-4,11,12,23,API log\n");
  auto config = test::trace_at(path);
  config.filters = {{"Model", {"GPT-4"}, false}};
  WorkloadCounters c;
  auto back = test::replay(config, 1, {}, &c);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_DOUBLE_EQ(back[0].arrival, 118);  // numeric timestamps count from 0
  EXPECT_EQ(back[1].input_tokens, 11);
  EXPECT_EQ(c.zero_token_rows, 2u);
  EXPECT_EQ(c.filtered, 2u);
  EXPECT_EQ(c.format, "burstgpt");
  config.filters = {{"Log Type", {"API log"}, true}, {"Model", {"ChatGPT", "GPT-4"}, false}};
  back = test::replay(config);
  EXPECT_EQ(back.size(), 3u);
}

TEST(TraceSource, TierColumnAndUnknownTiers) {
  const std::string path = test::write_file(test::temp_dir("tier") + "/t.csv",
                                            "arrival_time,input_tokens,output_tokens,tier\n"
                                            "0,10,1,free\n"
                                            "1,10,1,High-Speed\n"
                                            "2,10,1,gold\n");
  auto config = test::trace_at(path);
  config.columns.tier = "tier";
  try {
    test::replay(config);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where().line, 4);
    EXPECT_EQ(e.where().column, 8);
    EXPECT_EQ(e.key_path(), "tier");
    EXPECT_NE(e.problem().find("no tier named 'gold'"), std::string::npos);
  }
  config.skip_bad_rows = true;
  WorkloadCounters c;
  const auto back = test::replay(config, 1, {}, &c);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].tier, find_tier(default_tiers(), "free"));
  EXPECT_EQ(back[1].tier, find_tier(default_tiers(), "high_speed"));
  EXPECT_EQ(c.bad_rows, 1u);
}

TEST(TraceSource, CappedPromptsKeepOnlyTheirPrefixBlocks) {
  const std::string path = test::write_file(
      test::temp_dir("mc") + "/m.jsonl",
      R"({"timestamp": 0, "input_length": 1500, "output_length": 3, "hash_ids": [7, 8, 9]})"
      "\n");
  auto config = test::trace_at(path);
  config.max_input_tokens = 600;
  const auto back = test::replay(config);
  EXPECT_EQ(back[0].prefix_blocks, (std::vector<std::uint64_t>{7, 8}));
}

TEST(TraceStats, MatchIndependentlyComputedFigures) {
  const auto requests = test::generated(1000, 8);
  const std::string path = csv_of(requests);
  auto reader = TraceReader::open(path, {});
  const TraceStats s = compute_trace_stats(*reader);
  EXPECT_EQ(s.requests, 1000u);
  // Mean rate = 1 / mean gap; CV of the gaps; mean lengths, all from the generated requests.
  const double span = requests.back().arrival - requests.front().arrival;
  EXPECT_NEAR(s.mean_rate, 999 / span, 1e-6);
  double m = 0, m2 = 0, in = 0;
  for (std::size_t i = 1; i < requests.size(); ++i) m += requests[i].arrival - requests[i - 1].arrival;
  m /= 999;
  for (std::size_t i = 1; i < requests.size(); ++i) m2 += std::pow(requests[i].arrival - requests[i - 1].arrival - m, 2);
  for (const auto& r : requests) in += static_cast<double>(r.input_tokens);
  EXPECT_NEAR(s.gap_cv, std::sqrt(m2 / 998) / m, 1e-4);
  EXPECT_NEAR(s.input.mean, in / 1000, 1e-9);
  std::vector<double> lengths;
  for (const auto& r : requests) lengths.push_back(static_cast<double>(r.output_tokens));
  std::sort(lengths.begin(), lengths.end());
  EXPECT_DOUBLE_EQ(s.output.p50, (lengths[499] + lengths[500]) / 2);  // numpy's median of 1000 values
  EXPECT_DOUBLE_EQ(s.output.max, lengths.back());
}

}  // namespace
}  // namespace tokenfab
