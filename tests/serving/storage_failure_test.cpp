// A failed storage node (an event naming a host with tokenfab:role=storage): the prefix blocks
// offloaded to it are out of reach for the window (lookups that reach one are misses and the
// prompt is prefilled), blocks demoted meanwhile are dropped; requests are conserved.
#include "sim/serving/batch_scheduler.hpp"
#include "sim/serving/prefix_cache.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "tests/support/test_platforms.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

TEST(StorageFailure, AnUnreachableTierIsAMissAndTakesNoBlocks) {
  PrefixCache c(2, 0, 4);  // HBM straight to storage
  c.insert({1, 2, 3, 4});  // HBM 4 3; storage 2 1
  c.set_available(CacheTier::Storage, false);
  // 3 and 4 are in HBM, 1 in storage: the lookup stops at 1 (a miss), the blocks it would have
  // found there counted as unavailable.
  PrefixMatch m = c.match({1, 2, 9});
  EXPECT_EQ(m.blocks, 0);
  EXPECT_EQ(c.unavailable_blocks(), 2);
  m = c.match({4, 3, 2});
  EXPECT_EQ(m.blocks, 2);  // HBM hits up to the unreachable block
  EXPECT_EQ(c.unavailable_blocks(), 3);
  // Demotions while it is down are dropped (the node cannot be written).
  c.insert({5, 6});  // HBM 6 5; 4 and 3 dropped instead of going to storage
  EXPECT_EQ(c.size(CacheTier::Storage), 2);  // still 2 and 1, kept on the node's disks
  c.set_available(CacheTier::Storage, true);
  m = c.match({1, 2});
  EXPECT_EQ(m.by_tier[static_cast<std::size_t>(CacheTier::Storage)], 2);  // back with the node
  EXPECT_EQ(c.match({3}).blocks, 0);
}

// The scheduler sees the outage by its own clock: prompts A and B (4 blocks each) alternate
// every second in an HBM cache that holds only one of them, so each finds its blocks demoted to
// storage by the other; with the node down over [2.5 s, 5.5 s) no lookup planned then hits it.
TEST(StorageFailure, NoStorageHitIsPlannedInsideTheWindow) {
  SchedulerLimits lim;
  lim.prefix_block_tokens = 16;
  lim.prefix_cache_blocks = 4;
  lim.storage_cache_blocks = 100;
  std::vector<RequestRecord> done;
  BatchScheduler s(lim, KvCache(1000, 16), 0, [&done](RequestRecord&& r) { done.push_back(std::move(r)); });
  s.add_storage_outage(2.5, 5.5);
  const std::vector<std::uint64_t> a{1, 2, 3, 4}, b{11, 12, 13, 14};
  std::vector<std::int64_t> hits;  // storage hits of each second's prompt
  for (int t = 0; t < 9; ++t) {
    Request r{static_cast<std::uint64_t>(t), static_cast<double>(t), 80, 1};
    r.prefix_blocks = t % 2 == 0 ? a : b;
    const std::int64_t before = s.prefix_cache().hit_blocks(CacheTier::Storage);
    s.enqueue(r);
    double now = t;
    while (!s.idle()) {
      ASSERT_GT(s.plan(now).new_tokens, 0);
      s.complete(now += 0.1);
    }
    hits.push_back(s.prefix_cache().hit_blocks(CacheTier::Storage) - before);
  }
  // Before: A at 2 s finds its 4 blocks in storage (B pushed them there at 1 s).
  EXPECT_EQ(hits[2], 4);
  // Inside: none (B at 3 s is a miss and recomputed, its 4 blocks counted unavailable; what is
  // demoted meanwhile is dropped, not written to the node).
  EXPECT_EQ(hits[3] + hits[4] + hits[5], 0);
  EXPECT_EQ(s.prefix_cache().unavailable_blocks(), 4);
  // After: the node is back and takes demoted blocks again; storage hits resume.
  std::int64_t after = 0;
  for (int t = 6; t < 9; ++t) after += hits[static_cast<std::size_t>(t)];
  EXPECT_GT(after, 0);
  EXPECT_EQ(done.size(), 9u);
}

// One rack of 8 Rubin with Vera CPUs and two BlueField-4 storage nodes (storage0, storage1), as
// in offload_tiers_test.cpp.
std::string platform_spec() { return test::vera_rubin_spec("vr-mini", 1, 2, "host: cpu0"); }

struct Out {
  nlohmann::json summary;
  std::string csv;
};

Out run(const std::string& tag, const std::string& events, bool fast_forward = true) {
  const std::string dir = test::temp_dir(tag);
  // The 8-block HBM cache and the 7-block CPU tier pass the prompts on to storage, where every
  // reuse is found (offload_tiers_test.cpp).
  test::write_file(dir + "/t.jsonl", test::prefix_reuse_trace(100));
  test::write_file(dir + "/vr-mini.yaml", platform_spec());
  const std::string text = fmt::format(
      "platform: vr-mini.yaml\nmodel: llama-3.1-70b\ndeployment: {{tp: 8}}\n"
      "serving: {{prefix_cache_tokens: 4096, offload: {{cpu_memory_fraction: 0.0001, storage_fraction: 0.002}}}}\n"
      "simulation: {{fast_forward: {}}}\n{}"
      "workload:\n  trace: {{path: t.jsonl, format: mooncake}}\n",
      fast_forward ? "true" : "false", events.empty() ? "" : "events:\n" + events + "\n");
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return {nlohmann::json::parse(test::read_file(dir + "/out/summary.json")), test::read_file(dir + "/out/requests.csv")};
}

int storage_hits(const Out& o) { return o.summary["prefix_cache"]["tiers"]["storage"]["hit_blocks"].get<int>(); }

void expect_conserved(const Out& o) {
  const auto& q = o.summary["requests"];
  EXPECT_EQ(q["arrived"].get<int>(), 100);
  EXPECT_EQ(q["completed"].get<int>(), 100);  // nothing is lost: the prompts are prefilled instead
}

TEST(StorageFailure, StorageHitsStopWhileItsNodeIsDown) {
  const int reuses = (100 - 20) * 3;
  const Out base = run("base", "");
  EXPECT_EQ(storage_hits(base), reuses);
  // The replica's node down for the whole run: no storage hit at all (nothing could be written
  // there either, so no lookup found a block on it).
  const Out down = run("down", "  - {at: 0s, fail: storage0}");
  expect_conserved(down);
  EXPECT_EQ(storage_hits(down), 0);
  EXPECT_EQ(down.summary["prefix_cache"]["tiers"]["storage"]["hit_rate"].get<double>(), 0.0);
  const auto& f = down.summary["failures"];
  EXPECT_EQ(f["storage_nodes_failed"].get<int>(), 1);
  EXPECT_EQ(f["replicas_failed"].get<int>(), 0);
  EXPECT_EQ(f["storage_blocks_unavailable"].get<int>(), 0);
  // Recomputed prompts cost prefill: less saved than with the node up.
  EXPECT_LT(down.summary["prefix_cache"]["prefill_tokens_saved"].get<int>(),
            base.summary["prefix_cache"]["prefill_tokens_saved"].get<int>());
  // Down from 10 s to 30 s (requests 20 to 59 arrive then): hits before and after, none inside.
  const Out window = run("window", "  - {at: 10s, fail: storage0, recover: 30s}");
  expect_conserved(window);
  EXPECT_GT(storage_hits(window), 0);
  EXPECT_LT(storage_hits(window), reuses - 3 * 30);  // at least the 40 reuses inside... most of them lost
  EXPECT_GT(window.summary["failures"]["storage_blocks_unavailable"].get<int>(), 0);
  // The other node holds none of this replica's blocks: failing it changes nothing.
  const Out other = run("other", "  - {at: 0s, fail: storage1}");
  EXPECT_EQ(storage_hits(other), reuses);
  EXPECT_EQ(other.csv, base.csv);
}

TEST(StorageFailure, FastForwardIsExact) {
  const std::string events = "  - {at: 10s, fail: storage0, recover: 30s}";
  const Out step = run("step", events, false);
  const Out fast = run("fast", events, true);
  EXPECT_EQ(step.csv, fast.csv);
  auto a = step.summary, b = fast.summary;
  a.erase("scenario");
  b.erase("scenario");
  EXPECT_EQ(a.dump(), b.dump());
}

}  // namespace
}  // namespace tokenfab
