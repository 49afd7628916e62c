// The fast-forward shortcut (iterations priced back to back between events) gives the same
// outputs as the step-by-step run, for stateless and stateful routing, drained or stopped early.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

std::string scenario(bool fast_forward, const std::string& router, int replicas, int tp, const std::string& extra) {
  return fmt::format(R"(name: ff
seed: 5
platform: {}
model: llama-3.1-70b
deployment: {{replicas: {}, tp: {}}}
serving: {{router: {}, max_batched_tokens: 2048, max_num_seqs: 64}}
simulation: {{fast_forward: {}{}}}
workload:
  requests: 400
  synthetic:
    arrivals: {{process: poisson, rate: 12}}
    input_tokens: {{dist: lognormal, mean: 900, sigma: 0.9, max: 6000}}
    output_tokens: {{dist: lognormal, mean: 200, sigma: 0.7, max: 1500}}
)",
                     test::source_path("platforms/hgx-h100.xml"), replicas, tp, router, fast_forward ? "true" : "false",
                     extra);
}

struct Outputs {
  std::string summary, requests, err;
};

Outputs run(bool ff, const std::string& router, int replicas, int tp, const std::string& extra = "") {
  const std::string dir = test::temp_dir(fmt::format("ff{}-{}-{}", ff, router, replicas));
  const std::string file = test::write_file(dir + "/s.yaml", scenario(ff, router, replicas, tp, extra));
  const auto r = test::run_cli("run -v " + file + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return {test::read_file(dir + "/out/summary.json"), test::read_file(dir + "/out/requests.csv"), r.err};
}

// Sums "N iterations in M SimGrid activities" over the replicas' debug lines.
std::pair<long, long> activity_counts(const std::string& log) {
  long iterations = 0, activities = 0;
  const std::string key = " iterations in ";
  for (std::size_t pos = log.find(key); pos != std::string::npos; pos = log.find(key, pos + 1)) {
    std::size_t b = log.rfind(' ', pos - 1) + 1;
    iterations += std::stol(log.substr(b, pos - b));
    activities += std::stol(log.substr(pos + key.size()));
  }
  return {iterations, activities};
}

void expect_same(const Outputs& step, const Outputs& fast) {
  EXPECT_FALSE(step.requests.empty());
  EXPECT_EQ(step.requests, fast.requests);
  EXPECT_EQ(step.summary, fast.summary);
  // The shortcut was really taken: step-by-step issues one SimGrid activity per iteration (at
  // most), the fast run far fewer for the same iterations.
  const auto [step_it, step_act] = activity_counts(step.err);
  const auto [fast_it, fast_act] = activity_counts(fast.err);
  EXPECT_GT(step_it, 100);
  EXPECT_EQ(step_it, fast_it);
  EXPECT_GE(step_act, step_it - 8);  // an iteration cut by the stop time may end with it
  EXPECT_LT(fast_act * 2, fast_it);
}

TEST(FastForward, SingleReplicaEqualsStepByStep) {
  const Outputs step = run(false, "round_robin", 1, 8);
  const Outputs fast = run(true, "round_robin", 1, 8);
  expect_same(step, fast);
}

TEST(FastForward, StatelessRoutingOverReplicasEqualsStepByStep) {
  expect_same(run(false, "round_robin", 4, 2), run(true, "round_robin", 4, 2));
}

TEST(FastForward, StatefulRoutingEqualsStepByStep) {
  expect_same(run(false, "least_outstanding", 4, 2), run(true, "least_outstanding", 4, 2));
}

TEST(FastForward, EarlyStopEqualsStepByStep) {
  expect_same(run(false, "round_robin", 2, 4, ", max_time: 15s"), run(true, "round_robin", 2, 4, ", max_time: 15s"));
  expect_same(run(false, "least_outstanding", 2, 4, ", max_time: 15s"),
              run(true, "least_outstanding", 2, 4, ", max_time: 15s"));
}

}  // namespace
}  // namespace tokenfab
