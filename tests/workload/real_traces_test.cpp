// The readers on the real public samples in ../shared/traces (skipped where they are absent). The
// expected figures come from each dataset's SOURCE.txt (row counts, means from the repository's
// README), not from our reader.
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

#include "sim/workload/timestamp.hpp"
#include "sim/workload/trace_stats.hpp"
#include "tests/support/test_support.hpp"
#include "tests/workload/workload_test_util.hpp"

namespace tokenfab {
namespace {

std::string sample(const std::string& name) {
  const std::string path = test::shared_path("traces/" + name);
  return std::ifstream(path).good() ? path : "";
}

// First and last data lines' first fields, read without the project's CSV code.
std::pair<std::string, std::string> first_last_field(const std::string& path) {
  std::ifstream in(path);
  std::string line, first, last;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::string f = line.substr(0, line.find(','));
    if (first.empty()) first = f;
    last = f;
  }
  return {first, last};
}

TEST(RealTraces, Azure2023CodeAndConversation) {
  for (const auto& [name, rows] : {std::pair{"azure-llm-2023/AzureLLMInferenceTrace_code.csv", 8819u},
                                  std::pair{"azure-llm-2023/AzureLLMInferenceTrace_conv.csv", 19366u}}) {
    const std::string path = sample(name);
    if (path.empty()) GTEST_SKIP() << "../shared/traces not present";
    auto reader = TraceReader::open(path, {});
    EXPECT_EQ(reader->layout().format, TraceFormat::Azure);
    const TraceStats s = compute_trace_stats(*reader);
    EXPECT_EQ(s.rows, rows) << name;
    EXPECT_EQ(s.requests, rows) << name;
    EXPECT_EQ(s.bad_rows, 0u);
    // Duration from the first and last timestamps, parsed here with sscanf.
    const auto [a, b] = first_last_field(path);
    auto secs = [](const std::string& t) {
      int y, mo, d, h, mi;
      double sec;
      EXPECT_EQ(std::sscanf(t.c_str(), "%d-%d-%d %d:%d:%lf", &y, &mo, &d, &h, &mi, &sec), 6);
      return ((d * 24.0 + h) * 60 + mi) * 60 + sec;  // same month in these samples
    };
    EXPECT_NEAR(s.duration, secs(b) - secs(a), 1e-6) << name;
    EXPECT_GT(s.gap_cv, 1.0) << "production arrivals are burstier than Poisson";
  }
}

TEST(RealTraces, MooncakeConversationAndSynthetic) {
  struct Case {
    const char* name;
    std::uint64_t rows;
    double mean_in, mean_out;  // SOURCE.txt (the repository's README), rounded to whole tokens
  };
  for (const Case c : {Case{"mooncake/conversation_trace.jsonl", 12031, 12035, 343},
                       Case{"mooncake/synthetic_trace.jsonl", 3993, 15325, 149}}) {
    const std::string path = sample(c.name);
    if (path.empty()) GTEST_SKIP() << "../shared/traces not present";
    auto reader = TraceReader::open(path, {});
    EXPECT_EQ(reader->layout().format, TraceFormat::Mooncake);
    const TraceStats s = compute_trace_stats(*reader);
    EXPECT_EQ(s.requests, c.rows) << c.name;
    EXPECT_NEAR(s.input.mean, c.mean_in, 0.5) << c.name;
    EXPECT_NEAR(s.output.mean, c.mean_out, 0.5) << c.name;
    EXPECT_GT(s.block_reuse, 0.0) << "conversations share prefixes";
    // Timestamps are milliseconds: the conversation sample spans about an hour.
    if (c.rows == 12031) {
      EXPECT_NEAR(s.duration, 3600, 120);
    }
    // hash_ids: one id per 512-token block of the prompt, on every row.
    auto config = test::trace_at(path);
    TraceSource source(config, 1, default_tiers(), {});
    std::uint64_t n = 0;
    while (auto r = source.next()) {
      ++n;
      ASSERT_EQ(r->prefix_blocks.size(), static_cast<std::size_t>((r->input_tokens + 511) / 512)) << "row " << n;
    }
    EXPECT_EQ(n, c.rows);
  }
}

TEST(RealTraces, AzureWindowAndTargetRate) {
  const std::string path = sample("azure-llm-2023/AzureLLMInferenceTrace_conv.csv");
  if (path.empty()) GTEST_SKIP() << "../shared/traces not present";
  auto config = test::trace_at(path);
  config.window = {600.0, 1200.0};  // minutes 10 to 20 of the hour
  config.target_rate = 20.0;
  const auto r = test::replay(config);
  ASSERT_GT(r.size(), 100u);
  EXPECT_NEAR(static_cast<double>(r.size() - 1) / (r.back().arrival - r.front().arrival), 20.0, 1e-6);
}

}  // namespace
}  // namespace tokenfab
