// The decode router of a disaggregated run (deployment.pools.decode_router): kv_aware prefers the
// decode replica whose KV path from the prefill replica is fastest at equal load, goes elsewhere
// when that replica cannot hold the prompt's KV, and so cuts the KV transfer time against
// round_robin. The far decode replica has the lower index, so that index order (round_robin's
// first pick, least_outstanding's ties) would pick it.
#include "sim/serving/decode_router.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

// Domain d0: a0 (H100, far decode). Domain d1: b0 (H200, the prefill replica) and b1 (H100, near
// decode) on NVLink, 450 GB/s; between domains each GPU's 50 GB/s NIC and a wide fabric link.
const char* kPlatform = R"(<?xml version="1.0"?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1"><zone id="t" routing="Full">
<host id="a0" speed="1Tf"><prop id="tokenfab:role" value="gpu"/><prop id="tokenfab:device" value="h100-sxm"/><prop id="tokenfab:domain" value="d0"/><prop id="tokenfab:rack" value="r0"/></host>
<host id="b0" speed="1Tf"><prop id="tokenfab:role" value="gpu"/><prop id="tokenfab:device" value="h200-sxm"/><prop id="tokenfab:domain" value="d1"/><prop id="tokenfab:rack" value="r1"/></host>
<host id="b1" speed="1Tf"><prop id="tokenfab:role" value="gpu"/><prop id="tokenfab:device" value="h100-sxm"/><prop id="tokenfab:domain" value="d1"/><prop id="tokenfab:rack" value="r1"/></host>
<host id="fe" speed="1Tf"><prop id="tokenfab:role" value="frontend"/></host>
<link id="nvl_b0" bandwidth="450GBps" latency="0.25us" sharing_policy="SPLITDUPLEX"/>
<link id="nvl_b1" bandwidth="450GBps" latency="0.25us" sharing_policy="SPLITDUPLEX"/>
<link id="nic_a0" bandwidth="50GBps" latency="1us" sharing_policy="SPLITDUPLEX"/>
<link id="nic_b0" bandwidth="50GBps" latency="1us" sharing_policy="SPLITDUPLEX"/>
<link id="fabric" bandwidth="10TBps" latency="2us" sharing_policy="SPLITDUPLEX"/>
<route src="b0" dst="b1" symmetrical="NO"><link_ctn id="nvl_b0" direction="UP"/><link_ctn id="nvl_b1" direction="DOWN"/></route>
<route src="b0" dst="a0" symmetrical="NO"><link_ctn id="nic_b0" direction="UP"/><link_ctn id="fabric" direction="UP"/><link_ctn id="nic_a0" direction="DOWN"/></route>
</zone></platform>
)";

constexpr int kFar = 1, kNear = 2;  // replica indices (0 is the prefill replica)

struct RouteRun {
  nlohmann::json summary;
  std::vector<int> decode_replica;  // per request, in id order
};

// Llama-3.1-8B FP8, one prefill replica (H200) and two decode replicas (H100) of TP=1.
RouteRun run(const std::string& tag, const std::string& router, const std::string& workload, const std::string& extra = "") {
  const std::string dir = test::temp_dir(tag);
  const std::string text = fmt::format(
      "name: {}\nseed: 4\nplatform: {}\nmodel: llama-3.1-8b\ndeployment:\n  pools:\n"
      "    prefill: {{replicas: 1, tp: 1, device: h200-sxm}}\n    decode: {{replicas: 2, tp: 1, device: h100-sxm}}\n"
      "    decode_router: {}\n  precision: {{weights: fp8}}\n{}\n{}\n",
      tag, test::write_file(dir + "/p.xml", kPlatform), router, extra, workload);
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  RouteRun out{nlohmann::json::parse(test::read_file(dir + "/out/summary.json")), {}};
  for (const auto& f : test::csv_rows(test::read_file(dir + "/out/requests.csv")))
    out.decode_replica.push_back(f.at(12).empty() ? -1 : std::stoi(f.at(12)));
  return out;
}

std::string trace(const std::string& tag, const std::string& rows) {
  const std::string path =
      test::write_file(test::temp_dir(tag + "-trace") + "/t.csv", "arrival_time,input_tokens,output_tokens\n" + rows);
  return fmt::format("workload:\n  trace: {{path: {}}}", path);
}

TEST(DecodeRouting, KvAwarePicksTheDecodeReplicaInThePrefillDomainAtEqualLoad) {
  // Each request finishes before the next arrives: both decode replicas are empty every time.
  const std::string w = trace("equal", "0,4000,20\n1,4000,20\n2,4000,20\n");
  const RouteRun aware = run("equal-kv", "kv_aware", w);
  const RouteRun least = run("equal-lo", "least_outstanding", w);
  EXPECT_EQ(aware.decode_replica, (std::vector<int>{kNear, kNear, kNear}));
  EXPECT_EQ(least.decode_replica, (std::vector<int>{kFar, kFar, kFar}));  // ties to the lowest index
  // NVLink against the 50 GB/s NIC: 9x the bandwidth, so about a ninth of the transfer time.
  const double near = aware.summary["latency_s"]["kv_transfer"]["mean"].get<double>();
  const double far = least.summary["latency_s"]["kv_transfer"]["mean"].get<double>();
  EXPECT_NEAR(far / near, 9.0, 1.0) << near << " s near, " << far << " s far";
}

TEST(DecodeRouting, KvAwareGoesAcrossTheFabricWhenTheNearReplicaCannotHoldTheKv) {
  // memory_reserve 0.82 leaves each H100 decode replica 112,352 KV tokens. The first request
  // (72,000 tokens of KV) decodes on the near replica for a while; the second (45,020) would not
  // fit beside it there, so it goes to the far one.
  const std::string w = trace("full", "0,70000,2000\n0.1,45000,20\n");
  const RouteRun aware = run("full-kv", "kv_aware", w, "serving: {memory_reserve: 0.82}");
  EXPECT_EQ(aware.decode_replica, (std::vector<int>{kNear, kFar}));
  EXPECT_EQ(aware.summary["requests"]["completed"].get<int>(), 2);
}

TEST(DecodeRouting, KvAwareCutsTheTransferTimeAgainstRoundRobin) {
  const std::string w =
      "workload:\n  requests: 120\n  synthetic:\n    arrivals: {process: poisson, rate: 4}\n"
      "    input_tokens: {dist: uniform, min: 1000, max: 6000}\n"
      "    output_tokens: {dist: uniform, min: 20, max: 200}";
  const RouteRun rr = run("load-rr", "round_robin", w);
  const RouteRun aware = run("load-kv", "kv_aware", w);
  ASSERT_EQ(rr.summary["requests"]["completed"].get<int>(), 120);
  ASSERT_EQ(aware.summary["requests"]["completed"].get<int>(), 120);
  const double t_rr = rr.summary["latency_s"]["kv_transfer"]["mean"].get<double>();
  const double t_kv = aware.summary["latency_s"]["kv_transfer"]["mean"].get<double>();
  // Round robin sends half the prompts over the 9x slower path: about (1 + 9) / 2 = 5x the near
  // path's time on average. At this light load kv_aware keeps (nearly) all of them near.
  EXPECT_LT(t_kv * 3, t_rr) << t_kv << " s kv_aware, " << t_rr << " s round_robin";
  int near = 0;
  for (int d : aware.decode_replica) near += d == kNear ? 1 : 0;
  EXPECT_GE(near, 110);
}

// The router on its own: candidates built by hand.
DecodeCandidate candidate(double transfer_s, std::int64_t held, std::int64_t need, std::int64_t total = 1000) {
  DecodeCandidate c;
  c.transfer_s = transfer_s;
  c.held_blocks = held;
  c.need_blocks = need;
  c.total_blocks = total;
  return c;
}

TEST(DecodeRouting, KvAwareScoreTradesLoadAgainstThePathsSlowness) {
  auto router = make_decode_router("kv_aware", 1.0);
  ASSERT_TRUE(router->kv_view());
  const Request r{0, 0.0, 160, 0};
  // Far (9x slower) first, near second. Equal load: near.
  EXPECT_EQ(router->route(r, {candidate(9e-3, 100, 10), candidate(1e-3, 100, 10)}), 1u);
  // The slowness costs weight x need x (9 - 1) = 80 blocks: near wins while it holds fewer than
  // 80 blocks more than far ...
  EXPECT_EQ(router->route(r, {candidate(9e-3, 100, 10), candidate(1e-3, 179, 10)}), 1u);
  // ... and loses beyond.
  EXPECT_EQ(router->route(r, {candidate(9e-3, 100, 10), candidate(1e-3, 181, 10)}), 0u);
  // A replica that cannot hold the prompt now ranks behind every one that can.
  EXPECT_EQ(router->route(r, {candidate(9e-3, 900, 10), candidate(1e-3, 995, 10)}), 0u);
  // If none can, the same cost decides among them.
  EXPECT_EQ(router->route(r, {candidate(9e-3, 995, 10), candidate(1e-3, 995, 10)}), 1u);
  // Failed replicas are skipped; none alive: no replica.
  auto dead = candidate(1e-3, 0, 10);
  dead.alive = false;
  EXPECT_EQ(router->route(r, {candidate(9e-3, 500, 10), dead}), 0u);
  dead = candidate(9e-3, 0, 10);
  dead.alive = false;
  auto dead2 = dead;
  EXPECT_EQ(router->route(r, {dead, dead2}), kNoReplica);
  // Weight 0: load only (ties to the lowest index).
  auto load_only = make_decode_router("kv_aware", 0.0);
  EXPECT_EQ(load_only->route(r, {candidate(9e-3, 100, 10), candidate(1e-3, 100, 10)}), 0u);
  EXPECT_EQ(load_only->route(r, {candidate(9e-3, 101, 10), candidate(1e-3, 100, 10)}), 1u);
}

TEST(DecodeRouting, UnknownDecodeRouterIsAConfigError) {
  const auto r = test::run_cli("run -q " + test::write_file(test::temp_dir("bad-router") + "/s.yaml",
                                                              "name: x\nplatform: p.xml\nmodel: llama-3.1-8b\n"
                                                              "deployment:\n  pools:\n    decode_router: nearest\n"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("decode_router"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("kv_aware"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tokenfab
