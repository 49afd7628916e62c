// Fast-forward on a shortened version of the Kyber pod benchmark (bench/scale_pod.sh, issue 9):
// Llama-3.1-70B with a prefill pool filling rack 0 and a decode pool on rack 1 of the 8-rack pod,
// so that every prompt's KV crosses the Spectrum-X fabric as SimGrid communications, and a
// stateful decode router. The outputs equal the step-by-step run byte for byte.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

struct PodRun {
  std::string requests, summary, log;
};

PodRun run_pod(bool fast_forward) {
  const std::string dir = test::temp_dir(fmt::format("ffpod-{}", fast_forward));
  const std::string file = test::write_file(dir + "/s.yaml", fmt::format(R"(name: ffpod
seed: 3
platform: {}
model: llama-3.1-70b
deployment:
  pools:
    prefill: {{replicas: 18, tp: 8}}
    decode: {{replicas: 6, tp: 8}}
    decode_router: least_outstanding
simulation: {{fast_forward: {}}}
workload:
  requests: 600
  synthetic:
    arrivals: {{process: poisson, rate: 400}}
    input_tokens: {{dist: lognormal, mean: 1155, sigma: 1.0, max: 16000}}
    output_tokens: {{dist: lognormal, mean: 211, sigma: 0.9, max: 2000}}
)",
                                                                         test::source_path("platforms/kyber-nvl144-pod8-cpo.xml"),
                                                                         fast_forward ? "true" : "false"));
  const auto r = test::run_cli("run -v " + file + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return {test::read_file(dir + "/out/requests.csv"), test::read_file(dir + "/out/summary.json"), r.err};
}

// SimGrid activities the replicas issued, summed over their "replica N done: I iterations in M
// SimGrid activities" debug lines.
long activities(const std::string& log) {
  long total = 0;
  const std::string key = " SimGrid activities";
  for (std::size_t pos = log.find(key); pos != std::string::npos; pos = log.find(key, pos + 1)) {
    const std::size_t line = log.rfind('\n', pos) + 1;  // npos + 1 = 0 on the first line
    if (log.substr(line, pos - line).find("replica ") == std::string::npos)
      continue;  // not a replica's line (e.g. the run's total)
    const std::size_t b = log.rfind(' ', pos - 1) + 1;
    total += std::stol(log.substr(b, pos - b));
  }
  return total;
}

TEST(PodFastForward, DisaggregatedAcrossRacksEqualsStepByStep) {
  const PodRun step = run_pod(false);
  const PodRun fast = run_pod(true);
  ASSERT_FALSE(step.requests.empty());
  EXPECT_EQ(step.requests, fast.requests);
  EXPECT_EQ(step.summary, fast.summary);
  // The prompts went from rack 0 to rack 1 (over the fabric), every one of them.
  EXPECT_NE(fast.summary.find("\"rack0-gpu0\""), std::string::npos);
  EXPECT_NE(fast.summary.find("\"rack1-gpu0\""), std::string::npos);
  EXPECT_NE(fast.summary.find("\"kv_transfer\": {\n      \"count\": 600"), std::string::npos);
  // And the shortcut was taken: far fewer SimGrid activities than the step-by-step run's one per
  // iteration (measured: 5,123 against 11,696).
  EXPECT_LT(activities(fast.log) * 3, activities(step.log) * 2);
}

}  // namespace
}  // namespace tokenfab
