// Prefix caching: the hit rate equals the analytic value of a workload built to have it, and hits
// remove prefill work.
#include "sim/serving/prefix_cache.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

TEST(PrefixCache, LruKeepsTheMostRecentBlocks) {
  PrefixCache c(3);
  c.insert({1, 2, 3});
  EXPECT_EQ(c.match({1, 2, 3}).blocks, 3);  // 1 most recent now... order 3,2,1 -> touched 1,2,3
  c.insert({4});                     // evicts the least recently used: 1
  EXPECT_EQ(c.match({1, 2}).blocks, 0);
  EXPECT_EQ(c.match({2, 3, 4}).blocks, 3);
  EXPECT_EQ(c.looked_up_blocks(), 3 + 2 + 3);
  EXPECT_EQ(c.hit_blocks(), 6);
  EXPECT_EQ(c.size(), 3);
}

// Mooncake-style JSONL: request i reuses system prompt i % 5 (3 blocks of 512 tokens) and adds
// one block of its own. With a cache large enough, only the first use of each system prompt and
// every own block miss: hits = (N - 5) x 3 of N x 4 looked-up blocks.
std::string trace(int n) {
  std::ostringstream out;
  for (int i = 0; i < n; ++i) {
    const int p = i % 5;
    out << fmt::format(R"({{"timestamp": {}, "input_length": 2048, "output_length": 8, "hash_ids": [{}, {}, {}, {}]}})",
                       i * 1000, p * 10, p * 10 + 1, p * 10 + 2, 1000 + i)
        << "\n";
  }
  return out.str();
}

nlohmann::json run(const std::string& tag, int n, const std::string& cache_tokens) {
  const std::string dir = test::temp_dir(tag);
  test::write_file(dir + "/t.jsonl", trace(n));
  const std::string text = fmt::format(
      "platform: {}\nmodel: llama-3.1-70b\ndeployment: {{tp: 8}}\nserving: {{prefix_cache_tokens: {}}}\n"
      "workload:\n  trace: {{path: t.jsonl, format: mooncake}}\n",
      test::source_path("platforms/hgx-h100.xml"), cache_tokens);
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
}

TEST(PrefixCache, HitRateMatchesTheAnalyticValue) {
  const int n = 200;
  const auto s = run("hits", n, "1000000");
  const auto& c = s["prefix_cache"];
  EXPECT_EQ(c["looked_up_blocks"].get<int>(), n * 4);
  EXPECT_EQ(c["hit_blocks"].get<int>(), (n - 5) * 3);
  EXPECT_DOUBLE_EQ(c["hit_rate"].get<double>(), (n - 5) * 3.0 / (n * 4.0));
  EXPECT_EQ(c["prefill_tokens_saved"].get<int>(), (n - 5) * 3 * 512);
  // Hits remove prefill work: TTFT drops against the same run without a cache.
  const auto off = run("off", n, "0");
  EXPECT_FALSE(off.contains("prefix_cache"));
  EXPECT_LT(s["latency_s"]["ttft"]["mean"].get<double>(), 0.6 * off["latency_s"]["ttft"]["mean"].get<double>());
}

TEST(PrefixCache, TooSmallACacheEvicts) {
  // Room for 8 blocks (4096 tokens): five 3-block system prompts plus own blocks do not fit, so
  // the LRU order decides; the hit rate is below the unlimited one.
  const auto s = run("small", 100, "4096");
  EXPECT_LT(s["prefix_cache"]["hit_rate"].get<double>(), (100 - 5) * 3.0 / 400.0);
}

}  // namespace
}  // namespace tokenfab
