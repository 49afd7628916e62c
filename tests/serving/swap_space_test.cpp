// Swap space (serving.swap_memory_fraction): swapped-out KV is bounded by the replica's share of
// its host CPUs' memory; a preemption whose KV does not fit falls back to recompute, and those
// fallbacks are counted.
#include "sim/serving/batch_scheduler.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_platforms.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

struct SchedRun {
  std::vector<RequestRecord> done;
  BatchScheduler::Counters counters;
  std::int64_t tokens_emitted = 0;
  std::int64_t peak_swapped = 0;
};

// Three requests of 32 + 80 tokens in 10 KV blocks of 16 (as in preemption_test.cpp): all three
// start on their prompts and the youngest is preempted while decoding as the KV grows. Runs to
// the end at 1 s per iteration, checking that KV and the swap space stay within bounds.
SchedRun drive(Preemption mode, std::int64_t swap_tokens, int requests = 3, std::int64_t kv_blocks = 10) {
  SchedRun run;
  SchedulerLimits lim;
  lim.preemption = mode;
  lim.swap_capacity_tokens = swap_tokens;
  lim.cpu_link = TierLink{1e-3, 1e-5};
  BatchScheduler s(lim, KvCache(kv_blocks, 16), 0, [&run](RequestRecord&& r) { run.done.push_back(std::move(r)); });
  for (int i = 0; i < requests; ++i)
    s.enqueue(Request{static_cast<std::uint64_t>(i), 0.0, 32 + (i * 7) % 40, 80 + (i * 13) % 60});
  double t = 0;
  for (int it = 0; !s.idle() && it < 100000; ++it) {
    EXPECT_GT(s.plan(t).new_tokens, 0) << "stalled at iteration " << it;
    EXPECT_LE(s.kv().used_blocks(), s.kv().total_blocks());
    if (swap_tokens >= 0) {
      EXPECT_LE(s.swapped_tokens(), swap_tokens);
    }
    run.peak_swapped = std::max(run.peak_swapped, s.swapped_tokens());
    s.complete(t += 1);
  }
  run.counters = s.counters();
  run.tokens_emitted = s.tokens_emitted();
  EXPECT_EQ(s.kv().used_blocks(), 0);
  EXPECT_EQ(s.swapped_tokens(), 0);
  return run;
}

TEST(SwapSpace, NoRoomMakesEveryPreemptionARecompute) {
  const SchedRun recompute = drive(Preemption::Recompute, -1);
  const SchedRun swap = drive(Preemption::Swap, 0);
  ASSERT_GT(recompute.counters.preemptions, 0);
  // Every preemption here is of a decoding sequence (32-token prompts finish in one iteration),
  // and none finds room: each is a fallback, and the run is the recompute run exactly.
  EXPECT_EQ(swap.counters.swap_fallbacks, swap.counters.preemptions);
  EXPECT_EQ(swap.counters.preemptions, recompute.counters.preemptions);
  EXPECT_EQ(swap.counters.recomputed_tokens, recompute.counters.recomputed_tokens);
  EXPECT_EQ(swap.counters.swapped_out_tokens, 0);
  EXPECT_EQ(swap.counters.swap_seconds, 0);
  ASSERT_EQ(swap.done.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(swap.done[i].outcome, Outcome::Completed);
    EXPECT_EQ(swap.done[i].request.id, recompute.done[i].request.id);
    EXPECT_EQ(swap.done[i].completion, recompute.done[i].completion);
  }
  EXPECT_EQ(recompute.counters.swap_fallbacks, 0);  // only swap counts fallbacks
}

TEST(SwapSpace, AmpleRoomGivesNoFallbacks) {
  const SchedRun unbounded = drive(Preemption::Swap, -1);
  const SchedRun large = drive(Preemption::Swap, 1'000'000);
  ASSERT_GT(large.counters.preemptions, 0);
  EXPECT_EQ(large.counters.swap_fallbacks, 0);
  EXPECT_EQ(large.counters.recomputed_tokens, 0);
  EXPECT_GT(large.counters.swapped_out_tokens, 0);
  // Nothing changes against unbounded swap.
  EXPECT_EQ(large.counters.preemptions, unbounded.counters.preemptions);
  EXPECT_EQ(large.counters.swapped_out_tokens, unbounded.counters.swapped_out_tokens);
  EXPECT_EQ(large.counters.swap_seconds, unbounded.counters.swap_seconds);
  EXPECT_EQ(large.peak_swapped, unbounded.peak_swapped);
}

TEST(SwapSpace, PartialRoomSwapsWhatFitsAndRecomputesTheRest) {
  // Many requests in little KV: several sequences are swapped out at once when room allows.
  const SchedRun unbounded = drive(Preemption::Swap, -1, 24, 40);
  ASSERT_GT(unbounded.peak_swapped, 0);
  const std::int64_t room = unbounded.peak_swapped / 2;
  const SchedRun half = drive(Preemption::Swap, room, 24, 40);
  EXPECT_GT(half.counters.swap_fallbacks, 0);
  EXPECT_GT(half.counters.swapped_out_tokens, 0);
  EXPECT_LE(half.peak_swapped, room);
  EXPECT_GT(half.counters.recomputed_tokens, 0);
  ASSERT_EQ(half.done.size(), 24u);
  std::int64_t outputs = 0;
  for (const auto& r : half.done) {
    EXPECT_EQ(r.outcome, Outcome::Completed);
    outputs += r.request.output_tokens;
  }
  EXPECT_EQ(half.tokens_emitted, outputs);  // no token lost or counted twice
}

// One rack of 8 Rubin packages with Vera CPUs (1.5 TB LPDDR5X each, catalog), 2 packages per CPU.
std::string vera_platform() { return test::vera_rubin_spec("vr-swap", 1, 0, "host: cpu0"); }

struct CliRun {
  int exit_code = 0;
  std::string err;
  nlohmann::json summary;
};

CliRun run_swap(const std::string& tag, const std::string& serving, std::string* csv = nullptr,
               bool fast_forward = true) {
  const std::string dir = test::temp_dir(tag);
  test::write_file(dir + "/vr-swap.yaml", vera_platform());
  const std::string text = fmt::format(
      "platform: vr-swap.yaml\nmodel: llama-3.1-70b\ndeployment: {{tp: 8}}\n"
      "simulation: {{fast_forward: {}}}\n"
      "serving: {{memory_reserve: 0.968, preemption: swap{}}}\n"
      "workload:\n  requests: 48\n  synthetic:\n    arrivals: {{process: poisson, rate: 200}}\n"
      "    input_tokens: {{dist: fixed, value: 1000}}\n    output_tokens: {{dist: fixed, value: 1200}}\n",
      fast_forward ? "true" : "false", serving);
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  CliRun out{r.exit_code, r.err, {}};
  if (r.exit_code == 0) out.summary = nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
  if (csv && r.exit_code == 0) *csv = test::read_file(dir + "/out/requests.csv");
  return out;
}

TEST(SwapSpace, WholeRunCountsFallbacksInTheSummary) {
  const CliRun ample = run_swap("ample", "");
  ASSERT_EQ(ample.exit_code, 0) << ample.err;  // 3 would mean a broken invariant
  const auto& a = ample.summary["preemption"];
  ASSERT_GT(a["preemptions"].get<int>(), 0);
  EXPECT_EQ(a["swap_fallbacks"].get<int>(), 0);
  EXPECT_GT(a["swapped_out_tokens"].get<int>(), 0);
  // Default 0.5 of each Vera's 1.5 TB (catalog), split between its 2 packages, over a package's
  // 20,480 B of KV per token (Llama-3.1-70B at TP 8).
  EXPECT_EQ(a["swap_space_tokens"].get<std::int64_t>(), static_cast<std::int64_t>(0.5 * 1.5e12 / 2 / 20480));

  const CliRun tiny = run_swap("tiny", ", swap_memory_fraction: 0.0000001");
  ASSERT_EQ(tiny.exit_code, 0) << tiny.err;
  const auto& t = tiny.summary["preemption"];
  EXPECT_LT(t["swap_space_tokens"].get<std::int64_t>(), 1000);  // less than any preempted context
  ASSERT_GT(t["preemptions"].get<int>(), 0);
  EXPECT_EQ(t["swap_fallbacks"].get<int>(), t["preemptions"].get<int>());
  EXPECT_EQ(t["swapped_out_tokens"].get<int>(), 0);
  EXPECT_GT(t["recomputed_tokens"].get<int>(), 0);
  EXPECT_EQ(tiny.summary["requests"]["completed"].get<int>(), 48);
}

TEST(SwapSpace, FastForwardStaysExactWithFallbacks) {
  // Fallbacks are decided inside the scheduler from its own state: fast-forward changes nothing.
  std::string fast_csv, step_csv;
  const CliRun fast = run_swap("ff-fast", ", swap_memory_fraction: 0.0000001", &fast_csv, true);
  const CliRun step = run_swap("ff-step", ", swap_memory_fraction: 0.0000001", &step_csv, false);
  ASSERT_EQ(fast.exit_code, 0) << fast.err;
  ASSERT_EQ(step.exit_code, 0) << step.err;
  EXPECT_GT(fast.summary["preemption"]["swap_fallbacks"].get<int>(), 0);
  EXPECT_EQ(fast_csv, step_csv);
  EXPECT_EQ(fast.summary["preemption"], step.summary["preemption"]);
  EXPECT_EQ(fast.summary["latency_s"], step.summary["latency_s"]);
}

TEST(SwapSpace, SwapAndCpuTierMayNotOversubscribeTheHostMemory) {
  const CliRun r = run_swap("over", ", swap_memory_fraction: 0.6, prefix_cache_tokens: 4096, "
                                    "offload: {cpu_memory_fraction: 0.5}");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("serving.swap_memory_fraction: 0.6 + offload.cpu_memory_fraction 0.5 exceeds the host CPUs' "
                       "memory (expected swap_memory_fraction + offload.cpu_memory_fraction <= 1)"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace tokenfab
