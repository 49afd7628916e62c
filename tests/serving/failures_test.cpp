// Injected failures: requests are never lost, a failed rack's load moves to the others, and the
// fast-forward shortcut stays exact around failure instants.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

#include "tests/support/test_platforms.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

struct Out {
  nlohmann::json summary;
  std::vector<std::vector<std::string>> rows;
  std::string summary_text, csv_text;
};

Out run(const std::string& tag, const std::string& deployment, const std::string& events, const std::string& router,
        bool fast_forward = true, const std::string& extra = "") {
  const std::string dir = test::temp_dir(tag);
  const std::string platform = test::write_file(dir + "/p.xml", test::two_racks(4, "400Gbps", "800Gbps"));
  const std::string text = fmt::format(
      "name: {}\nseed: 9\nplatform: {}\nmodel: llama-3.1-70b\ndeployment:\n{}\nserving: {{router: {}}}\n"
      "simulation: {{fast_forward: {}{}}}\nevents:\n{}\nworkload:\n  requests: 500\n  synthetic:\n"
      "    arrivals: {{process: poisson, rate: 8}}\n    input_tokens: {{dist: uniform, min: 200, max: 3000}}\n"
      "    output_tokens: {{dist: uniform, min: 20, max: 400}}\n",
      tag, platform, deployment, router, fast_forward ? "true" : "false", extra, events);
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;  // exit 3 would mean an end-of-run invariant failed
  Out o;
  o.summary_text = test::read_file(dir + "/out/summary.json");
  o.csv_text = test::read_file(dir + "/out/requests.csv");
  o.summary = nlohmann::json::parse(o.summary_text);
  o.rows = test::csv_rows(o.csv_text);
  return o;
}

const char* kFourReplicas = "  replicas: 4\n  tp: 2";

void expect_conserved(const Out& o) {
  const auto& q = o.summary["requests"];
  EXPECT_EQ(q["arrived"].get<int>(), 500);
  EXPECT_EQ(q["arrived"].get<int>(),
            q["completed"].get<int>() + q["rejected"].get<int>() + q["in_flight"].get<int>());
  EXPECT_EQ(o.rows.size(), 500u);
}

TEST(Failures, FailedRackLoadMovesToTheOtherRack) {
  const Out o = run("rack", kFourReplicas, "  - {at: 20s, fail: r0}", "round_robin");
  expect_conserved(o);
  EXPECT_EQ(o.summary["requests"]["completed"].get<int>(), 500);  // the other rack serves everything
  EXPECT_EQ(o.summary["failures"]["replicas_failed"].get<int>(), 2);
  EXPECT_GT(o.summary["failures"]["requests_retried"].get<int>(), 0);
  // After the failure, only the replicas of rack r1 (2 and 3) serve.
  int after = 0;
  for (const auto& row : o.rows) {
    if (std::stod(row[1]) <= 20.0) continue;
    ++after;
    EXPECT_TRUE(row[5] == "2" || row[5] == "3") << "request " << row[0] << " on replica " << row[5];
  }
  EXPECT_GT(after, 300);
  // Half the replicas were down from 20 s to the end.
  const double t = o.summary["time"]["sim_time_s"].get<double>();
  EXPECT_NEAR(o.summary["failures"]["capacity_lost_fraction"].get<double>(), 0.5 * (t - 20) / t, 1e-9);
}

TEST(Failures, RecoveredReplicaServesAgain) {
  const Out o = run("recover", kFourReplicas, "  - {at: 10s, fail: gpu0, recover: 30s}", "least_outstanding");
  expect_conserved(o);
  bool served_after = false;
  for (const auto& row : o.rows) {
    const double arrival = std::stod(row[1]);
    if (arrival > 10.0 && arrival < 30.0) {
      EXPECT_NE(row[5], "0") << "request " << row[0] << " went to a failed replica";
    }
    served_after = served_after || (arrival > 30.0 && row[5] == "0");
  }
  EXPECT_TRUE(served_after);
}

TEST(Failures, EverythingDownRejectsWithAReason) {
  const Out o = run("all", kFourReplicas, "  - {at: 15s, fail: r0}\n  - {at: 15s, fail: r1}", "round_robin");
  expect_conserved(o);
  EXPECT_GT(o.summary["requests"]["rejected"].get<int>(), 300);
  for (const auto& row : o.rows) {
    if (row[4] == "rejected") {
      EXPECT_NE(row[15].find("failed"), std::string::npos);
    }
  }
}

TEST(Failures, DecodeReplicaFailureRestartsItsRequests) {
  const Out o = run("pd", "  pools:\n    prefill: {replicas: 1, tp: 4}\n    decode: {replicas: 2, tp: 2}",
                    "  - {at: 25s, fail: gpu4, recover: 40s}", "round_robin");
  expect_conserved(o);
  EXPECT_EQ(o.summary["requests"]["completed"].get<int>(), 500);
  EXPECT_GT(o.summary["failures"]["requests_retried"].get<int>(), 0);
}

TEST(Failures, FastForwardIsExactAroundFailures) {
  for (const char* router : {"round_robin", "least_outstanding"}) {
    const std::string events = "  - {at: 12s, fail: r0, recover: 35s}\n  - {at: 50s, fail: gpu6}";
    const Out step = run(fmt::format("step-{}", router), kFourReplicas, events, router, false);
    const Out fast = run(fmt::format("fast-{}", router), kFourReplicas, events, router, true);
    EXPECT_EQ(step.csv_text, fast.csv_text) << router;
    // Equal but for the scenario's name and platform path, which differ between the two runs.
    auto a = step.summary, b = fast.summary;
    a.erase("scenario");
    b.erase("scenario");
    EXPECT_EQ(a.dump(), b.dump()) << router;
  }
}

TEST(Failures, UnknownTargetIsAConfigError) {
  const std::string dir = test::temp_dir("bad");
  const std::string text = fmt::format(
      "platform: {}\nmodel: llama-3.1-70b\ndeployment: {{tp: 8}}\nevents:\n  - {{at: 5s, fail: rack9}}\n"
      "workload:\n  requests: 5\n  synthetic:\n    arrivals: {{process: poisson, rate: 1}}\n"
      "    input_tokens: {{dist: fixed, value: 10}}\n    output_tokens: {{dist: fixed, value: 10}}\n",
      test::source_path("platforms/hgx-h100.xml"));
  const auto r = test::run_cli("validate " + test::write_file(dir + "/s.yaml", text));
  // validate does not start the engine; run does, and refuses before simulating.
  const auto run = test::run_cli("run -q " + dir + "/s.yaml -o " + dir + "/out");
  EXPECT_EQ(run.exit_code, 2);
  // One line, naming the key and listing what could have been named.
  EXPECT_NE(run.err.find("events[0].fail: no deployed GPU, rack, NVLink domain, link or storage node is named "
                         "'rack9' (expected a GPU host (gpu0, gpu1, gpu2, gpu3, ... 4 more), rack (rack0), NVLink "
                         "domain (nvl0), link ("),
            std::string::npos)
      << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  (void)r;
}

}  // namespace
}  // namespace tokenfab
