// Layer-wise KV streaming (deployment.pools.kv_transfer: layerwise): the KV of each layer group
// leaves while the prompt's last prefill iteration computes the next layers, so only the last
// group's transfer remains after prefill ends (the exposed time that kv_transfer reports).
#include "sim/serving/kv_stream.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "tests/support/test_platforms.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

struct LwRun {
  nlohmann::json summary;
  std::vector<std::vector<std::string>> rows;
  std::string requests_csv, summary_text;
};

// Llama-3.1-70B FP8, one prefill and one decode replica of TP=4 (HGX H100 unless `platform_xml`).
LwRun run(const std::string& tag, const std::string& pools_extra, const std::string& workload,
        const std::string& platform_xml = "", const std::string& extra = "") {
  const std::string dir = test::temp_dir(tag);
  const std::string platform = platform_xml.empty() ? test::source_path("platforms/hgx-h100.xml")
                                                    : test::write_file(dir + "/p.xml", platform_xml);
  const std::string text = fmt::format(
      "name: {}\nseed: 3\nplatform: {}\nmodel: llama-3.1-70b\ndeployment:\n  pools:\n"
      "    prefill: {{replicas: 1, tp: 4}}\n    decode: {{replicas: 1, tp: 4}}\n{}\n{}\n{}\n",
      tag, platform, pools_extra, extra, workload);
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  LwRun out;
  out.summary_text = test::read_file(dir + "/out/summary.json");
  out.summary = nlohmann::json::parse(out.summary_text);
  out.requests_csv = test::read_file(dir + "/out/requests.csv");
  out.rows = test::csv_rows(out.requests_csv);
  return out;
}

std::string one_prompt(const std::string& tag) {
  // 8,000 tokens: one prefill iteration (the token budget is 8,192).
  const std::string path = test::write_file(test::temp_dir(tag + "-trace") + "/t.csv",
                                            "arrival_time,input_tokens,output_tokens\n0,8000,4\n");
  return fmt::format("workload:\n  trace: {{path: {}}}", path);
}

double kv_time(const LwRun& r) { return std::stod(r.rows.at(0).at(13)); }
// The prefill iteration: first token - first scheduled.
double prefill_time(const LwRun& r) { return std::stod(r.rows.at(0).at(7)) - std::stod(r.rows.at(0).at(6)); }

TEST(LayerwiseKv, GroupsAreConsecutiveLayersReadyAsTheirLastLayerEnds) {
  // 10 layers in 4 groups of 2, 3, 2, 3 layers; the iteration runs [1, 3), its last 1.5 s compute.
  const auto g = layer_groups(100.0, 10, 4, 1.0, 3.0, 1.5);
  ASSERT_EQ(g.size(), 4u);
  EXPECT_DOUBLE_EQ(g[0].bytes, 20.0);
  EXPECT_DOUBLE_EQ(g[1].bytes, 30.0);
  EXPECT_DOUBLE_EQ(g[2].bytes, 20.0);
  EXPECT_DOUBLE_EQ(g[3].bytes, 30.0);
  EXPECT_DOUBLE_EQ(g[0].ready, 1.5 + 1.5 * 2 / 10);
  EXPECT_DOUBLE_EQ(g[1].ready, 1.5 + 1.5 * 5 / 10);
  EXPECT_DOUBLE_EQ(g[3].ready, 3.0);
  // More groups than layers: one per layer. The bound: the last group can only leave at 3.
  EXPECT_EQ(layer_groups(100.0, 10, 50, 1.0, 3.0, 1.5).size(), 10u);
  EXPECT_DOUBLE_EQ(earliest_arrival(g, 2, 0.5, 10.0), std::max(3.0 + 0.5 + 30.0 / 2 / 10, 1.8 + 0.5 + 100.0 / 2 / 10));
}

TEST(LayerwiseKv, OnlyTheLastLayerGroupIsExposedWhenTheLinkKeepsUp) {
  const LwRun after = run("after", "    kv_transfer: after_prefill", one_prompt("after"));
  const LwRun g8 = run("g8", "    kv_transfer: layerwise\n    kv_layer_groups: 8", one_prompt("g8"));
  const LwRun g80 = run("g80", "    kv_transfer: layerwise", one_prompt("g80"));  // one group per layer (80)
  const double t = kv_time(after), e8 = kv_time(g8), e80 = kv_time(g80);
  // Prefill is unchanged; the transfer moves 1.3 GB over NVLink in under a millisecond against a
  // prefill iteration of about half a second, so every group but the last is done before prefill ends.
  EXPECT_EQ(after.rows[0][7], g8.rows[0][7]);
  EXPECT_GT(prefill_time(after), 100 * t);
  EXPECT_NEAR(e8 / t, 1.0 / 8, 0.02) << e8 << " s of " << t << " s exposed";
  EXPECT_LT(e80 / t, 1.0 / 20) << e80 << " s of " << t << " s exposed";
  // Exposed = the path's (fixed) latency + 1/groups of the bandwidth part: the latency and the
  // bandwidth part solved from the two layerwise runs give back the whole transfer.
  const double bandwidth_part = (e8 - e80) / (1.0 / 8 - 1.0 / 80);
  const double latency = e80 - bandwidth_part / 80;
  EXPECT_GT(latency, 0.0);
  EXPECT_NEAR(latency + bandwidth_part, t, 0.02 * t);
  // Decode starts when the last byte has arrived: the request completes earlier by the overlap.
  const double saved = std::stod(after.rows[0][8]) - std::stod(g8.rows[0][8]);
  EXPECT_NEAR(saved, t - e8, 0.05 * t);
}

TEST(LayerwiseKv, ASlowLinkLeavesTheTransferMinusThePrefillOverlap) {
  // Across racks through 0.1 GB/s NICs: moving the KV takes seconds, the prefill half a second.
  const std::string platform = test::two_racks(4, "0.1GBps", "10TBps");
  const LwRun after = run("slow-after", "    kv_transfer: after_prefill", one_prompt("slow-after"), platform);
  const LwRun lw = run("slow-lw", "    kv_transfer: layerwise", one_prompt("slow-lw"), platform);
  const double t = kv_time(after), e = kv_time(lw), d = prefill_time(after);
  ASSERT_GT(t, 5 * d);
  // The link is busy from the first layer's end on: it carries the same bytes, starting
  // d x (1 - 1/80) earlier than after prefill.
  EXPECT_NEAR(e, t - d * (1 - 1.0 / 80), 0.01 * t) << e << " s exposed, " << t << " s after prefill, prefill " << d;
}

const char* kLoad =
    "workload:\n  requests: 150\n  synthetic:\n    arrivals: {process: poisson, rate: 2}\n"
    "    input_tokens: {dist: uniform, min: 200, max: 12000}\n"
    "    output_tokens: {dist: uniform, min: 1, max: 200}";

TEST(LayerwiseKv, ConservesRequestsAndExposesLessUnderLoad) {
  const LwRun after = run("load-after", "    kv_transfer: after_prefill", kLoad);
  const LwRun lw = run("load-lw", "    kv_transfer: layerwise\n    kv_layer_groups: 10", kLoad);
  for (const LwRun* r : {&after, &lw}) {
    const auto& q = r->summary["requests"];
    EXPECT_EQ(q["arrived"].get<int>(), 150);
    EXPECT_EQ(q["completed"].get<int>() + q["rejected"].get<int>() + q["in_flight"].get<int>(), 150);
    EXPECT_EQ(q["completed"].get<int>(), 150);
  }
  // One-token answers end at prefill: no transfer. Every other request has one.
  int transfers = 0;
  for (const auto& row : lw.rows) transfers += std::stoi(row[3]) > 1 ? 1 : 0;
  EXPECT_EQ(lw.summary["latency_s"]["kv_transfer"]["count"].get<int>(), transfers);
  // Chunked prompts (above 8,192 tokens) send their earlier chunks' KV with the last iteration's
  // layer groups, so the exposed share is about 1/10 of the bytes.
  const double t = after.summary["latency_s"]["kv_transfer"]["mean"].get<double>();
  const double e = lw.summary["latency_s"]["kv_transfer"]["mean"].get<double>();
  EXPECT_LT(e, 0.2 * t) << e << " s layerwise, " << t << " s after prefill";
}

// Two prefill and two decode replicas of TP=4 over two racks of 12 GPUs (prefill and one decode
// replica on rack 0, the other on rack 1), kv_aware decode routing: at the start of each prompt's
// last iteration (layerwise) or at its end (after_prefill). Fast-forward gives the step-by-step
// outputs byte for byte.
void expect_fast_forward_exact(const std::string& tag, const std::string& pools) {
  const std::string platform = test::two_racks(12, "50GBps", "100GBps");
  const std::string platform_file = test::write_file(test::temp_dir(tag + "-platform") + "/p.xml", platform);
  auto with = [&](bool ff) {
    const std::string dir = test::temp_dir(fmt::format("{}-{}", tag, ff));
    const std::string text = fmt::format(
        "name: lwff\nseed: 9\nplatform: {}\nmodel: llama-3.1-70b\ndeployment:\n  pools:\n"
        "    prefill: {{replicas: 2, tp: 4}}\n    decode: {{replicas: 2, tp: 4}}\n{}\n"
        "simulation: {{fast_forward: {}}}\n{}\n",
        platform_file, pools, ff ? "true" : "false", kLoad);
    const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return std::make_pair(test::read_file(dir + "/out/summary.json"), test::read_file(dir + "/out/requests.csv"));
  };
  const auto step = with(false);
  const auto fast = with(true);
  ASSERT_FALSE(step.second.empty());
  EXPECT_EQ(step.second, fast.second);
  EXPECT_EQ(step.first, fast.first);
  // Both decode replicas (2 and 3) took prompts.
  std::istringstream csv(fast.second);
  std::string line;
  std::getline(csv, line);
  int near = 0, far = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    std::string v;
    while (std::getline(ls, v, ',')) f.push_back(v);
    near += f.at(12) == "2" ? 1 : 0;
    far += f.at(12) == "3" ? 1 : 0;
  }
  EXPECT_GT(near, 0);
  EXPECT_GT(far, 0);
}

TEST(LayerwiseKv, FastForwardEqualsStepByStepWithKvAwareDecodeRouting) {
  expect_fast_forward_exact("lw-ff", "    decode_router: kv_aware\n    kv_transfer: layerwise\n    kv_layer_groups: 4");
}

TEST(DecodeRouting, KvAwareAfterPrefillFastForwardEqualsStepByStep) {
  expect_fast_forward_exact("kv-ff", "    decode_router: kv_aware");
}

}  // namespace
}  // namespace tokenfab
