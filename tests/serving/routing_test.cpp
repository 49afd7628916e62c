// Routers chosen by serving.router: kv_aware (Dynamo-style prefix overlap against load) raises
// the prefix-cache hit rate over round_robin on a workload with shared prefixes; tier_priority
// admits higher service tiers first.
#include "sim/serving/router.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

Request req(std::uint64_t id, std::int64_t in, std::int64_t out, std::vector<std::uint64_t> blocks = {}, int tier = -1) {
  Request r{id, 0.0, in, out};
  r.prefix_blocks = std::move(blocks);
  r.tier = tier;
  return r;
}

BatchScheduler scheduler(std::vector<RequestRecord>& done, std::int64_t cache_blocks) {
  SchedulerLimits l;
  l.prefix_cache_blocks = cache_blocks;
  l.prefix_block_tokens = 16;
  return BatchScheduler(l, KvCache(1000, 16), 0, [&done](RequestRecord&& r) { done.push_back(std::move(r)); });
}

TEST(Routing, KvAwareWeighsOverlapAgainstLoad) {
  std::vector<RequestRecord> done;
  auto a = scheduler(done, 100);
  auto b = scheduler(done, 100);
  // Replica b has the prompt's 4 blocks cached; a is empty.
  b.enqueue(req(0, 64, 1, {1, 2, 3, 4}));
  b.plan(0);
  b.complete(1);
  ASSERT_EQ(b.prefix_cache().peek({1, 2, 3, 4}), 4);
  const std::vector<const BatchScheduler*> views{&a, &b};
  const std::vector<bool> alive{true, true};
  auto router = make_router("kv_aware", RouterOptions{1.0});
  EXPECT_TRUE(router->stateful());
  EXPECT_EQ(router->route(req(1, 64, 1, {1, 2, 3, 4}), views, alive), 1u);  // overlap wins
  EXPECT_EQ(router->route(req(2, 64, 1, {9}), views, alive), 0u);           // no overlap: tie -> lowest
  // Load on b: 5 blocks (80 tokens) of outstanding work outweighs its 4-block overlap.
  b.enqueue(req(3, 64, 16));
  EXPECT_EQ(router->route(req(4, 64, 1, {1, 2, 3, 4}), views, alive), 0u);
  // With a small load weight the overlap wins again; a dead replica is never chosen.
  auto light = make_router("kv_aware", RouterOptions{0.1});
  EXPECT_EQ(light->route(req(5, 64, 1, {1, 2, 3, 4}), views, alive), 1u);
  EXPECT_EQ(light->route(req(6, 64, 1, {1, 2, 3, 4}), views, {true, false}), 0u);
  EXPECT_EQ(light->route(req(7, 64, 1, {1}), views, {false, false}), kNoReplica);
}

TEST(Routing, TierPriorityAdmitsHigherTiersFirst) {
  std::vector<RequestRecord> done;
  SchedulerLimits l;
  l.tier_rank = {1, 2, 3};  // tier 2 is the highest
  // KV for one request at a time: admission order is the service order.
  BatchScheduler s(l, KvCache(8, 16), 0, [&done](RequestRecord&& r) { done.push_back(std::move(r)); });
  s.enqueue(req(0, 64, 2, {}, 0));
  s.plan(0);  // request 0 is admitted before the others arrive
  s.complete(1);
  s.enqueue(req(1, 64, 2, {}, 0));
  s.enqueue(req(2, 64, 2, {}, 2));
  s.enqueue(req(3, 64, 2));  // no tier: last
  s.enqueue(req(4, 64, 2, {}, 1));
  double t = 1;
  while (!s.idle()) {
    s.plan(t);
    s.complete(t += 1);
  }
  std::vector<std::uint64_t> order;
  for (const auto& r : done) order.push_back(r.request.id);
  EXPECT_EQ(order, (std::vector<std::uint64_t>{0, 2, 4, 1, 3}));
  auto router = make_router("tier_priority");
  EXPECT_TRUE(router->tier_priority());
  EXPECT_FALSE(make_router("least_outstanding")->tier_priority());
}

// Request i reuses system prompt i % 5 (3 blocks of 512 tokens) and adds one block of its own.
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

nlohmann::json run(const std::string& tag, const std::string& router) {
  const std::string dir = test::temp_dir(tag);
  test::write_file(dir + "/t.jsonl", trace(100));
  const std::string text = fmt::format(
      "platform: {}\nmodel: llama-3.1-8b\ndeployment: {{replicas: 4, tp: 2}}\n"
      "serving: {{prefix_cache_tokens: 1000000, router: {}}}\n"
      "workload:\n  trace: {{path: t.jsonl, format: mooncake}}\n",
      test::source_path("platforms/hgx-h100.xml"), router);
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
}

TEST(Routing, KvAwareRaisesTheHitRateOverRoundRobin) {
  // Round robin sends each system prompt to every replica: 4 x 5 first uses miss. The KV-aware
  // router keeps each prompt on the replica that has it (the load is near zero between
  // arrivals): only the 5 first uses miss.
  const auto rr = run("rr", "round_robin");
  const auto kv = run("kv", "kv_aware");
  EXPECT_EQ(rr["prefix_cache"]["hit_blocks"].get<int>(), (100 - 20) * 3);
  EXPECT_EQ(kv["prefix_cache"]["hit_blocks"].get<int>(), (100 - 5) * 3);
  EXPECT_GT(kv["prefix_cache"]["hit_rate"].get<double>(), rr["prefix_cache"]["hit_rate"].get<double>());
  EXPECT_EQ(kv["requests"]["completed"].get<int>(), 100);
}

TEST(Routing, TierPriorityCutsTheTopTiersWaitUnderOverload) {
  auto run_tiers = [](const std::string& tag, const std::string& router) {
    const std::string dir = test::temp_dir(tag);
    const std::string text = fmt::format(
        "seed: 3\nplatform: {}\nmodel: llama-3.1-70b\ndeployment: {{tp: 8}}\n"
        "serving: {{router: {}, max_num_seqs: 16, max_batched_tokens: 4096}}\n"
        "workload:\n  requests: 200\n  tier_mix: {{free: 0.8, ultra_high_speed: 0.2}}\n"
        "  synthetic:\n    arrivals: {{process: poisson, rate: 50}}\n"
        "    input_tokens: {{dist: fixed, value: 1000}}\n    output_tokens: {{dist: fixed, value: 100}}\n",
        test::source_path("platforms/hgx-h100.xml"), router);
    const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
  };
  auto ttft = [](const nlohmann::json& s, const std::string& tier) {
    for (const auto& t : s["tiers"])
      if (t["name"] == tier) return t["ttft_s"]["mean"].get<double>();
    ADD_FAILURE() << "no tier " << tier;
    return 0.0;
  };
  const auto fcfs = run_tiers("fcfs", "least_outstanding");
  const auto prio = run_tiers("prio", "tier_priority");
  EXPECT_LT(ttft(prio, "ultra_high_speed"), 0.5 * ttft(fcfs, "ultra_high_speed"));
  EXPECT_GT(ttft(prio, "free"), ttft(fcfs, "free"));  // the lower tier waits longer instead
  EXPECT_EQ(prio["requests"]["completed"].get<int>(), 200);
}

}  // namespace
}  // namespace tokenfab
