// Offload tiers of the prefix cache (serving.offload): blocks evicted from HBM are demoted to host
// CPU memory and then to storage nodes; hits there are reloaded, counted per tier, and cost time.
#include "sim/serving/prefix_cache.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "tests/support/test_platforms.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

TEST(OffloadTiers, EvictionDemotesAndAHitPromotes) {
  PrefixCache c(2, 2, 4);
  c.insert({1, 2, 3, 4, 5, 6});  // HBM keeps 6, 5; CPU 4, 3; storage 2, 1
  EXPECT_EQ(c.size(CacheTier::Hbm), 2);
  EXPECT_EQ(c.size(CacheTier::Cpu), 2);
  EXPECT_EQ(c.size(CacheTier::Storage), 2);
  EXPECT_EQ(c.peek({6, 5}), 2);
  EXPECT_EQ(c.peek({6, 3}), 1);  // 3 is in the CPU tier: not an HBM overlap
  const PrefixMatch m = c.match({1, 2, 3, 9});
  EXPECT_EQ(m.blocks, 3);
  EXPECT_EQ(m.by_tier[static_cast<std::size_t>(CacheTier::Storage)], 2);
  EXPECT_EQ(m.by_tier[static_cast<std::size_t>(CacheTier::Cpu)], 1);
  EXPECT_EQ(m.by_tier[static_cast<std::size_t>(CacheTier::Hbm)], 0);
  // Promoted into HBM in order 1, 2, 3 (the last two stay there); each promotion demotes HBM's
  // least recent block to the CPU tier and the CPU's to storage: HBM 3 2, CPU 1 6, storage 5 4.
  EXPECT_EQ(c.peek({3, 2}), 2);
  EXPECT_EQ(c.peek({1}), 0);
  EXPECT_EQ(c.size(CacheTier::Storage), 2);
  EXPECT_EQ(c.match({5}).by_tier[static_cast<std::size_t>(CacheTier::Storage)], 1);
  EXPECT_EQ(c.size(CacheTier::Hbm) + c.size(CacheTier::Cpu) + c.size(CacheTier::Storage), 6);
  EXPECT_EQ(c.hit_blocks(), 4);
  EXPECT_EQ(c.hit_blocks(CacheTier::Storage), 3);
  EXPECT_EQ(c.hit_blocks(CacheTier::Cpu), 1);
  EXPECT_EQ(c.looked_up_blocks(), 5);
}

TEST(OffloadTiers, AnEmptyTierIsSkipped) {
  PrefixCache c(1, 0, 10);  // HBM straight to storage
  c.insert({1, 2});
  const PrefixMatch m = c.match({1});
  EXPECT_EQ(m.by_tier[static_cast<std::size_t>(CacheTier::Storage)], 1);
}

// One rack of 8 Rubin packages with Vera CPUs (1.5 TB LPDDR5X each, 2 packages per CPU), a
// Spectrum-X fabric and two BlueField-4 storage nodes of two NVMe drives.
std::string platform_spec() { return test::vera_rubin_spec("vr-mini", 1, 2, "host: cpu0"); }

nlohmann::json run(const std::string& tag, int n, const std::string& offload) {
  const std::string dir = test::temp_dir(tag);
  test::write_file(dir + "/t.jsonl", test::prefix_reuse_trace(n));
  test::write_file(dir + "/vr-mini.yaml", platform_spec());
  const std::string text = fmt::format(
      "platform: vr-mini.yaml\nmodel: llama-3.1-70b\ndeployment: {{tp: 8}}\n"
      "serving: {{prefix_cache_tokens: 4096, offload: {{{}}}}}\n"
      "workload:\n  trace: {{path: t.jsonl, format: mooncake}}\n",
      offload);
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
}

TEST(OffloadTiers, LowerTiersCatchWhatHbmEvicts) {
  const int n = 100;
  const int reuses = (n - 20) * 3;  // system-prompt blocks seen before
  // HBM only: every prompt is evicted before it comes back.
  const auto hbm = run("hbm", n, "");
  EXPECT_EQ(hbm["prefix_cache"]["hit_blocks"].get<int>(), 0);
  EXPECT_FALSE(hbm["prefix_cache"].contains("tiers"));
  // A CPU tier of 0.2% of the Vera memory (143 blocks of 512 tokens at 20 KB per token per
  // package) holds the whole working set: every reuse is a CPU hit.
  const auto cpu = run("cpu", n, "cpu_memory_fraction: 0.002");
  const auto& ct = cpu["prefix_cache"]["tiers"];
  EXPECT_EQ(ct["cpu"]["capacity_blocks"].get<int>(), 143);
  EXPECT_EQ(ct["cpu"]["hit_blocks"].get<int>(), reuses);
  EXPECT_EQ(ct["hbm"]["hit_blocks"].get<int>(), 0);
  EXPECT_DOUBLE_EQ(ct["cpu"]["hit_rate"].get<double>(), reuses / (n * 4.0));
  EXPECT_DOUBLE_EQ(cpu["prefix_cache"]["hit_rate"].get<double>(), reuses / (n * 4.0));
  // A CPU tier too small (7 blocks) passes the blocks on to storage, where they are found.
  const auto sto = run("storage", n, "cpu_memory_fraction: 0.0001, storage_fraction: 0.002");
  const auto& st = sto["prefix_cache"]["tiers"];
  EXPECT_EQ(st["cpu"]["capacity_blocks"].get<int>(), 7);
  EXPECT_EQ(st["storage"]["hit_blocks"].get<int>(), reuses);
  EXPECT_EQ(st["cpu"]["hit_blocks"].get<int>(), 0);
  // Reloads cost time, storage (disks and the network) more than the C2C link; hits still save
  // prefill against no offload at all.
  const double cpu_reload = cpu["prefix_cache"]["reload_s"].get<double>();
  const double sto_reload = sto["prefix_cache"]["reload_s"].get<double>();
  EXPECT_GT(cpu_reload, 0);
  EXPECT_GT(sto_reload, 5 * cpu_reload);
  EXPECT_LT(cpu["latency_s"]["ttft"]["mean"].get<double>(), hbm["latency_s"]["ttft"]["mean"].get<double>());
}

TEST(OffloadTiers, StorageNeedsStorageNodesAndOffloadNeedsTheHbmCache) {
  const std::string dir = test::temp_dir("no-storage");
  test::write_file(dir + "/t.jsonl", test::prefix_reuse_trace(4));
  auto check = [&](const std::string& serving, const std::string& message) {
    const std::string text = fmt::format(
        "platform: {}\nmodel: llama-3.1-70b\ndeployment: {{tp: 8}}\nserving: {}\n"
        "workload:\n  trace: {{path: t.jsonl, format: mooncake}}\n",
        test::source_path("platforms/hgx-h100.xml"), serving);
    const auto r = test::run_cli("validate " + test::write_file(dir + "/s.yaml", text));
    EXPECT_EQ(r.exit_code, 2) << serving;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  };
  check("{prefix_cache_tokens: 4096, offload: {storage_fraction: 0.1}}", "no storage hosts");
  check("{prefix_cache_tokens: 4096, offload: {cpu_memory_fraction: 0.1}}", "no catalog CPU");
  check("{offload: {cpu_memory_fraction: 0.1}}", "need the HBM prefix cache");
}

}  // namespace
}  // namespace tokenfab
