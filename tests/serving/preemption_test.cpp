// Preemption when KV runs out (serving.preemption): recompute and swap let more requests run at
// once than whole-length reservation, every request still completes, no token is lost or counted
// twice, and KV stays within capacity.
#include "sim/serving/batch_scheduler.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

struct Harness {
  std::vector<RequestRecord> done;
  BatchScheduler make(SchedulerLimits limits, std::int64_t kv_blocks, int block = 16) {
    return BatchScheduler(limits, KvCache(kv_blocks, block), 0, [this](RequestRecord&& r) { done.push_back(std::move(r)); });
  }
};

Request req(std::uint64_t id, std::int64_t in, std::int64_t out) { return Request{id, 0.0, in, out}; }

struct Drive {
  int iterations = 0;
  std::size_t peak_running = 0;
  double extra_seconds = 0;
};

// Runs the scheduler to the end (1 s per iteration), checking KV bounds at every step.
Drive drive(BatchScheduler& s) {
  Drive d;
  double t = 0;
  while (!s.idle() && d.iterations < 100000) {
    EXPECT_GT(s.plan(t).new_tokens, 0) << "stalled at iteration " << d.iterations;
    d.peak_running = std::max(d.peak_running, s.running());
    d.extra_seconds += s.pending_extra_seconds();
    EXPECT_LE(s.kv().used_blocks(), s.kv().total_blocks());
    s.complete(t += 1);
    ++d.iterations;
  }
  return d;
}

// Three requests of 112 tokens (7 blocks of 16) each in 10 blocks of KV: with whole-length
// reservation they run one at a time; under preemption all three start on their 2-block prompts
// and the youngest is preempted as the decodes grow.
void load(BatchScheduler& s) {
  for (std::uint64_t i = 0; i < 3; ++i) s.enqueue(req(i, 32, 80));
}

TEST(Preemption, NoneReservesTheWholeLengthAndRunsOneAtATime) {
  Harness h;
  auto s = h.make(SchedulerLimits{}, 10);
  load(s);
  const Drive d = drive(s);
  EXPECT_EQ(d.peak_running, 1u);
  EXPECT_EQ(s.counters().preemptions, 0);
  ASSERT_EQ(h.done.size(), 3u);
}

TEST(Preemption, RecomputeRunsMoreAtOnceAndEveryRequestCompletes) {
  Harness none_h;
  auto none = none_h.make(SchedulerLimits{}, 10);
  load(none);
  const Drive base = drive(none);

  Harness h;
  SchedulerLimits lim;
  lim.preemption = Preemption::Recompute;
  auto s = h.make(lim, 10);
  load(s);
  const Drive d = drive(s);
  EXPECT_EQ(d.peak_running, 3u);
  EXPECT_GT(s.counters().preemptions, 0);
  EXPECT_GT(s.counters().recomputed_tokens, 0);
  ASSERT_EQ(h.done.size(), 3u);
  int preempted = 0;
  for (const auto& r : h.done) {
    EXPECT_EQ(r.outcome, Outcome::Completed);
    EXPECT_LE(r.first_token, r.completion);
    preempted += r.preemptions;
  }
  EXPECT_EQ(preempted, s.counters().preemptions);
  // Tokens: exactly the outputs (a recomputed prefill does not emit its generated tokens again).
  EXPECT_EQ(s.tokens_emitted(), 3 * 80);
  EXPECT_EQ(s.kv().used_blocks(), 0);
  EXPECT_FALSE(s.kv().overflowed());
  EXPECT_EQ(s.outstanding_tokens(), 0);
  // The oldest request never waits for the others' reservations: the second starts at once.
  EXPECT_LT(h.done[1].first_token, none_h.done[1].first_token);
  EXPECT_LT(d.iterations, base.iterations);
}

TEST(Preemption, SwapMovesKvOverTheHostLinkAndBack) {
  Harness h;
  SchedulerLimits lim;
  lim.preemption = Preemption::Swap;
  lim.cpu_link = TierLink{1e-3, 1e-5};  // 1 ms per token, 10 us per move
  auto s = h.make(lim, 10);
  load(s);
  const Drive d = drive(s);
  EXPECT_GT(s.counters().preemptions, 0);
  EXPECT_GT(s.counters().swapped_out_tokens, 0);
  EXPECT_EQ(s.counters().recomputed_tokens, 0);  // decoding sequences keep their KV
  // Out and back: each swap-out of n tokens is matched by a swap-in of n, at 1 ms per token.
  const double expected = 2 * (1e-3 * static_cast<double>(s.counters().swapped_out_tokens) +
                               1e-5 * static_cast<double>(s.counters().preemptions));
  EXPECT_NEAR(s.counters().swap_seconds, expected, 1e-9);
  EXPECT_NEAR(d.extra_seconds, expected, 1e-9);
  ASSERT_EQ(h.done.size(), 3u);
  for (const auto& r : h.done) EXPECT_EQ(r.outcome, Outcome::Completed);
  EXPECT_EQ(s.tokens_emitted(), 3 * 80);
  EXPECT_EQ(s.kv().used_blocks(), 0);
  EXPECT_FALSE(s.kv().overflowed());
}

TEST(Preemption, ManyMixedRequestsFinishUnderBothModes) {
  for (const Preemption mode : {Preemption::Recompute, Preemption::Swap}) {
    Harness h;
    SchedulerLimits lim;
    lim.max_batched_tokens = 256;
    lim.max_num_seqs = 8;
    lim.preemption = mode;
    lim.cpu_link = TierLink{1e-6, 0};
    auto s = h.make(lim, 40, 16);
    std::int64_t outputs = 0;
    for (std::uint64_t i = 0; i < 40; ++i) {
      const std::int64_t out = 1 + static_cast<std::int64_t>(i * 37 % 200);
      s.enqueue(req(i, 20 + static_cast<std::int64_t>(i) * 7 % 300, out));
      outputs += out;
    }
    drive(s);
    ASSERT_EQ(h.done.size(), 40u) << preemption_name(mode);
    for (const auto& r : h.done) EXPECT_EQ(r.outcome, Outcome::Completed);
    EXPECT_GT(s.counters().preemptions, 0) << preemption_name(mode);
    EXPECT_EQ(s.tokens_emitted(), outputs) << preemption_name(mode);
    EXPECT_EQ(s.kv().used_blocks(), 0) << preemption_name(mode);
    EXPECT_FALSE(s.kv().overflowed());
  }
}

// Whole runs: a burst whose KV does not fit at once, on a replica with little KV left
// (memory_reserve 0.88: 70,480 tokens of KV on 8 H100s).
nlohmann::json run(const std::string& tag, const std::string& mode, std::string* csv = nullptr,
                   bool fast_forward = true) {
  const std::string dir = test::temp_dir(tag);
  const std::string text = fmt::format(
      "platform: {}\nmodel: llama-3.1-70b\ndeployment: {{tp: 8}}\n"
      "simulation: {{fast_forward: {}}}\n"
      "serving: {{memory_reserve: 0.88, preemption: {}}}\n"
      "workload:\n  requests: 48\n  synthetic:\n    arrivals: {{process: poisson, rate: 200}}\n"
      "    input_tokens: {{dist: fixed, value: 1000}}\n    output_tokens: {{dist: fixed, value: 1200}}\n",
      test::source_path("platforms/hgx-h100.xml"), fast_forward ? "true" : "false", mode);
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;  // exit code 3 would mean a broken invariant
  if (csv) *csv = test::read_file(dir + "/out/requests.csv");
  return nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
}

TEST(Preemption, RecomputeRunFinishesTheBurstWithPreemptionsCounted) {
  std::string csv;
  const auto s = run("recompute", "recompute", &csv);
  const auto base = run("none", "none");
  EXPECT_FALSE(base.contains("preemption"));
  ASSERT_TRUE(s.contains("preemption"));
  const auto& p = s["preemption"];
  EXPECT_EQ(p["mode"], "recompute");
  EXPECT_GT(p["preemptions"].get<int>(), 0);
  EXPECT_GT(p["recomputed_tokens"].get<int>(), 0);
  // Conservation: everything arrived completed.
  EXPECT_EQ(s["requests"]["arrived"].get<int>(), 48);
  EXPECT_EQ(s["requests"]["completed"].get<int>(), 48);
  // requests.csv: the preemptions column sums to the summary's count.
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line.substr(line.rfind(',') + 1), "preemptions");
  int sum = 0, preempted = 0;
  while (std::getline(in, line)) {
    const int n = std::stoi(line.substr(line.rfind(',') + 1));
    sum += n;
    preempted += n > 0 ? 1 : 0;
  }
  EXPECT_EQ(sum, p["preemptions"].get<int>());
  EXPECT_EQ(preempted, p["requests_preempted"].get<int>());
  // Admitting on the prompt's KV starts requests sooner than whole-length reservation.
  EXPECT_LT(s["latency_s"]["ttft"]["mean"].get<double>(), base["latency_s"]["ttft"]["mean"].get<double>());
}

TEST(Preemption, FastForwardStaysExact) {
  // Swaps are priced inside iterations (no new event source): fast-forward changes nothing.
  std::string fast_csv, slow_csv;
  const auto fast = run("ff-on", "swap", &fast_csv, true);
  const auto slow = run("ff-off", "swap", &slow_csv, false);
  EXPECT_EQ(fast_csv, slow_csv);
  EXPECT_EQ(fast["preemption"], slow["preemption"]);
  EXPECT_EQ(fast["latency_s"], slow["latency_s"]);
}

// Preemption with failures (evicted requests, swapped KV included, restart elsewhere) and on a
// decode replica (a preempted request redoes its prefill there): the run's invariants hold
// (exit code 0, else 3) and every request completes; fast-forward stays exact around failures.
TEST(Preemption, WithFailuresAndOnDecodeReplicas) {
  const std::string dir = test::temp_dir("pf");
  auto run_text = [&](const std::string& name, const std::string& text) {
    const auto r = test::run_cli("run -q " + test::write_file(dir + "/" + name + ".yaml", text) + " -o " + dir + "/" + name);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(test::read_file(dir + "/" + name + "/summary.json"));
  };
  const std::string failures = fmt::format(
      "seed: 3\nplatform: {}\nmodel: llama-3.1-70b\ndeployment: {{replicas: 4, tp: 2}}\n"
      "serving: {{router: least_outstanding, preemption: swap, memory_reserve: 0.56}}\n"
      "events:\n  - {{at: 20s, fail: gpu0, recover: 40s}}\n"
      "workload:\n  duration: 60s\n  synthetic:\n    arrivals: {{process: poisson, rate: 6}}\n"
      "    input_tokens: {{dist: lognormal, mean: 1024, sigma: 0.8, max: 8192}}\n"
      "    output_tokens: {{dist: lognormal, mean: 2000, sigma: 0.6, max: 8192}}\n",
      test::source_path("platforms/hgx-h100.xml"));
  const auto f = run_text("fail", failures);
  EXPECT_GT(f["preemption"]["preemptions"].get<int>(), 0);
  EXPECT_GT(f["failures"]["requests_retried"].get<int>(), 0);
  EXPECT_EQ(f["requests"]["completed"], f["requests"]["arrived"]);
  const auto slow = run_text("fail-slow", failures + "simulation: {fast_forward: false}\n");
  EXPECT_EQ(test::read_file(dir + "/fail/requests.csv"), test::read_file(dir + "/fail-slow/requests.csv"));
  const auto d = run_text(
      "pd", fmt::format("seed: 2\nplatform: {}\nmodel: llama-3.1-70b\n"
                        "deployment:\n  pools:\n    prefill: {{replicas: 1, tp: 4}}\n    decode: {{replicas: 1, tp: 4}}\n"
                        "serving: {{preemption: recompute, memory_reserve: 0.77}}\n"
                        "workload:\n  requests: 150\n  synthetic:\n    arrivals: {{process: poisson, rate: 10}}\n"
                        "    input_tokens: {{dist: fixed, value: 1000}}\n"
                        "    output_tokens: {{dist: uniform, min: 1000, max: 4000}}\n",
                        test::source_path("platforms/hgx-h100.xml")));
  EXPECT_GT(d["preemption"]["preemptions"].get<int>(), 0);
  EXPECT_EQ(d["requests"]["completed"].get<int>(), 150);
}

TEST(Preemption, SwapRunPricesTheHostLink) {
  const auto s = run("swap", "swap");
  const auto& p = s["preemption"];
  EXPECT_GT(p["preemptions"].get<int>(), 0);
  EXPECT_GT(p["swapped_out_tokens"].get<int>(), 0);
  EXPECT_GT(p["swap_s"].get<double>(), 0);
  EXPECT_EQ(s["requests"]["completed"].get<int>(), 48);
}

}  // namespace
}  // namespace tokenfab
