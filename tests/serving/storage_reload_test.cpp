// Reloads from the storage tier of the prefix cache are SimGrid activities: a disk read on the
// storage node, then communications to the replica's devices. A lone reload takes the disks' time
// plus the network's; two replicas reading from one node at once slow each other, from two nodes
// they do not; fast-forward still equals the step-by-step run.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <simgrid/s4u/Disk.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>

#include <sstream>

#include "models/catalog.hpp"
#include "sim/platform/loader.hpp"
#include "sim/platform/platform.hpp"
#include "tests/support/test_platforms.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

// `racks` racks of 8 Rubin packages (one TP=8 replica each) and `nodes` BlueField-4 storage nodes
// of two NVMe drives, on a non-blocking Spectrum-X fabric.
std::string platform_spec(int racks, int nodes) { return test::vera_rubin_spec("vr-storage", racks, nodes, "nic: connectx-9"); }

std::string row(double t, std::vector<int> hashes) {
  std::string ids;
  for (std::size_t i = 0; i < hashes.size(); ++i) ids += (i ? ", " : "") + std::to_string(hashes[i]);
  return fmt::format(R"({{"timestamp": {}, "input_length": 2048, "output_length": 4, "hash_ids": [{}]}})", t * 1000,
                     ids) +
         "\n";
}

// Per replica r (round-robin: request i goes to replica i mod `replicas`): at 0 s a prompt with
// the shared blocks 1, 2, 3; at 1 s one of other blocks that pushes them out of the 2-block HBM
// cache into storage; at 2 s the shared prompt again (3 storage hits: one reload of 1,536 tokens)
// on the replicas in `reloading`, an unrelated prompt on the others.
std::string trace(int replicas, const std::vector<int>& reloading) {
  std::string out;
  for (int r = 0; r < replicas; ++r) out += row(0, {1, 2, 3, 100 + r});
  for (int r = 0; r < replicas; ++r) out += row(1, {10 * (r + 2), 10 * (r + 2) + 1, 10 * (r + 2) + 2, 10 * (r + 2) + 3});
  for (int r = 0; r < replicas; ++r) {
    const bool reloads = std::find(reloading.begin(), reloading.end(), r) != reloading.end();
    out += reloads ? row(2, {1, 2, 3, 200 + r}) : row(2, {300 + r, 301 + r * 10, 302 + r * 10, 303 + r * 10});
  }
  return out;
}

// SimGrid's CM02 model without TCP-window or cross-traffic effects: a lone transfer takes exactly
// latency + bytes / bottleneck bandwidth.
const char* kExactNetwork =
    " --sg-cfg network/model:CM02 --sg-cfg network/crosstraffic:0 --sg-cfg network/TCP-gamma:0";

nlohmann::json run(const std::string& tag, int racks, int nodes, const std::string& trace_text,
                   const std::string& flags = kExactNetwork) {
  const std::string dir = test::temp_dir(tag);
  test::write_file(dir + "/t.jsonl", trace_text);
  test::write_file(dir + "/p.yaml", platform_spec(racks, nodes));
  const std::string text = fmt::format(
      "platform: p.yaml\nmodel: llama-3.1-70b\ndeployment: {{replicas: {}, tp: 8}}\n"
      "serving: {{router: round_robin, prefix_cache_tokens: 1024, offload: {{storage_fraction: 0.001}}}}\n"
      "workload:\n  trace: {{path: t.jsonl, format: mooncake}}\n",
      racks);
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out" + flags);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
  EXPECT_EQ(j["requests"]["completed"].get<int>(), 3 * racks);  // conserved, none lost
  return j;
}

double reload_s(const nlohmann::json& j) { return j["prefix_cache"]["reload_s"].get<double>(); }
std::int64_t storage_hits(const nlohmann::json& j) {
  return j["prefix_cache"]["tiers"]["storage"]["hit_blocks"].get<std::int64_t>();
}

TEST(StorageReload, LoneReloadTakesDiskReadPlusNetworkTransfer) {
  const auto j = run("lone", 1, 1, trace(1, {0}));
  ASSERT_EQ(storage_hits(j), 3);
  // The expected time from the same platform: 3 blocks of 512 tokens of Llama-3.1-70B KV (FP8,
  // the default) read from the node's two drives at once, then sent to the 8 devices, whose
  // streams share the node's port (the route's bottleneck).
  const std::string dir = test::temp_dir("lone-expect");
  const Catalog catalog(Catalog::default_root());
  const LlmSpec model = catalog.llm("llama-3.1-70b");
  const double bytes = 3 * 512 * model.kv_elements_per_token_per_layer() * model.layers * 1.0;
  std::vector<std::string> args{"test", "--log=root.thresh:critical"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  simgrid::s4u::Engine engine(&argc, argv.data());
  load_platform_file(engine, test::write_file(dir + "/p.yaml", platform_spec(1, 1)), catalog);
  const auto* node = simgrid::s4u::Host::by_name("storage0");
  double read = 0;
  for (const auto* d : node->get_disks()) read += d->get_read_bandwidth();
  const PathInfo path = path_between(node, simgrid::s4u::Host::by_name("gpu0"));  // one rack: gpu0..gpu7
  const double expected = bytes / read + path.latency + bytes / path.bandwidth;
  EXPECT_NEAR(reload_s(j), expected, 0.05 * expected) << "disk " << bytes / read << " s, network " << bytes / path.bandwidth;
  // The disks are the larger part here (28 GB/s of drives against an 800G port).
  EXPECT_GT(bytes / read, bytes / path.bandwidth);
}

TEST(StorageReload, TwoReplicasOnOneNodeSlowEachOtherNotOnTwo) {
  // One replica reloading alone, then both at once from one node, then both from their own node.
  const double alone = reload_s(run("alone", 2, 1, trace(2, {1})));
  const auto shared = run("shared", 2, 1, trace(2, {0, 1}));
  const auto disjoint = run("disjoint", 2, 2, trace(2, {0, 1}));
  ASSERT_EQ(storage_hits(shared), 6);
  ASSERT_EQ(storage_hits(disjoint), 6);
  // reload_s sums the two replicas' reloads: each took twice as long on a shared node (its drives
  // and its port are split), as long as alone on its own node.
  EXPECT_NEAR(reload_s(shared) / 2 / alone, 2.0, 0.05 * 2.0);
  EXPECT_NEAR(reload_s(disjoint) / 2 / alone, 1.0, 0.05);
  // Under SimGrid's default network model too (TCP window and cross-traffic effects).
  const double alone_default = reload_s(run("alone-d", 2, 1, trace(2, {1}), ""));
  EXPECT_NEAR(reload_s(run("shared-d", 2, 1, trace(2, {0, 1}), "")) / 2 / alone_default, 2.0, 0.1 * 2.0);
  EXPECT_NEAR(reload_s(run("disjoint-d", 2, 2, trace(2, {0, 1}), "")) / 2 / alone_default, 1.0, 0.1);
}

// Fast-forward must give the step-by-step results when iterations with storage reloads run live
// among fast-forwarded ones, for a stateless and a stateful router.
TEST(StorageReload, FastForwardEqualsStepByStep) {
  std::ostringstream t;
  for (int i = 0; i < 240; ++i) {
    const int p = i % 20;
    t << fmt::format(R"({{"timestamp": {}, "input_length": 2048, "output_length": 40, "hash_ids": [{}, {}, {}, {}]}})",
                     i * 15, p * 10, p * 10 + 1, p * 10 + 2, 1000 + i)
      << "\n";
  }
  for (const std::string router : {"round_robin", "kv_aware"}) {
    std::string out[2];
    for (int ff = 0; ff < 2; ++ff) {
      const std::string dir = test::temp_dir(fmt::format("ff-{}-{}", router, ff));
      test::write_file(dir + "/t.jsonl", t.str());
      test::write_file(dir + "/p.yaml", platform_spec(2, 1));
      const std::string text = fmt::format(
          "platform: p.yaml\nmodel: llama-3.1-70b\ndeployment: {{replicas: 2, tp: 8}}\n"
          "serving: {{router: {}, prefix_cache_tokens: 2048, offload: {{storage_fraction: 0.001}}}}\n"
          "simulation: {{fast_forward: {}}}\n"
          "workload:\n  trace: {{path: t.jsonl, format: mooncake}}\n",
          router, ff ? "true" : "false");
      const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
      ASSERT_EQ(r.exit_code, 0) << r.err;
      auto j = nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
      j["scenario"].erase("platform");  // the runs' folders differ
      out[ff] = j.dump(1) + test::read_file(dir + "/out/requests.csv");
      if (ff == 1) {
        EXPECT_GT(storage_hits(j), 100) << router;
        EXPECT_EQ(j["requests"]["completed"].get<int>(), 240);
      }
    }
    EXPECT_EQ(out[0], out[1]) << router;
  }
}

}  // namespace
}  // namespace tokenfab
