// CI gates (expect:, --check, --junit) and compare, through the tokenfab binary; the JUnit XML is
// read back with libxml2's parser (xmllint).
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>

#include "sim/batch/junit.hpp"
#include "tests/batch/batch_support.hpp"

namespace tokenfab {
namespace {

using test::batch::make_sweep;
using test::batch::read_jsonl;
using test::batch::xpath;
namespace fs = std::filesystem;

// A scenario with its platform next to it.
std::string write_scenario(const std::string& dir, const std::string& name, double rate, const std::string& extra = "") {
  test::write_file(dir + "/p.xml", test::read_file(test::source_path("platforms/hgx-h100.xml")));
  return test::write_file(dir + "/" + name + ".yaml", test::batch::base_scenario(rate, 20, extra));
}

TEST(Check, RunPassesAndFailsOnItsExpectations) {
  const std::string dir = test::temp_dir("run");
  const std::string good = write_scenario(dir, "good", 4, "expect: [\"completed == 20\", \"ttft_p99 < 1h\", \"rejected <= 0\"]\n");
  const auto ok = test::run_cli("run -q --check " + good + " -o " + dir + "/good --junit " + dir + "/good.xml");
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("check: passed"), std::string::npos) << ok.out;
  EXPECT_EQ(xpath(dir + "/good.xml", "string(/testsuites/@failures)"), "0");
  EXPECT_EQ(xpath(dir + "/good.xml", "count(//testcase)"), "1");

  const std::string bad = write_scenario(dir, "bad", 4, "expect: [\"completed == 20\", \"rejected > 0\", \"ttft_p50 < 1us\"]\n");
  const auto no = test::run_cli("run -q --check " + bad + " -o " + dir + "/bad --junit " + dir + "/bad.xml");
  EXPECT_EQ(no.exit_code, 3) << no.out << no.err;
  EXPECT_NE(no.out.find("check: FAILED"), std::string::npos) << no.out;
  EXPECT_NE(no.out.find("rejected = 0, expected > 0"), std::string::npos) << no.out;
  EXPECT_NE(no.out.find("expected < 1us"), std::string::npos) << no.out;
  EXPECT_EQ(xpath(dir + "/bad.xml", "string(/testsuites/@failures)"), "1");
  EXPECT_NE(xpath(dir + "/bad.xml", "string(//failure/@message)").find("2 of 3 expectation(s) violated"), std::string::npos);
  // Without --check the same run succeeds and only reports.
  EXPECT_EQ(test::run_cli("run -q " + bad + " -o " + dir + "/bad2").exit_code, 0);
}

TEST(Check, MalformedExpectationIsAConfigErrorAtItsLine) {
  const std::string dir = test::temp_dir("malformed");
  const std::string file = write_scenario(dir, "s", 4, "expect:\n  - completed == 20\n  - ttft_p999 < 2s\n");
  const auto r = test::run_cli("validate " + file);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("s.yaml:15:5: expect[1]: unknown metric 'ttft_p999', did you mean 'ttft_p99'?"), std::string::npos)
      << r.err;
}

TEST(Check, SweepExpectationsFailWhereTheValuesSayAndJUnitCountsThem) {
  // First the values, then a threshold between them: which points must fail is computed here,
  // from the points' own summaries.
  const std::string axes = "axes:\n  workload.synthetic.arrivals.rate: [1, 3, 6, 12]\n";
  const auto probe = make_sweep("probe", axes);
  ASSERT_EQ(test::run_cli("sweep -q " + probe.sweep + " -o " + probe.dir + "/out").exit_code, 0);
  std::vector<double> e2e;
  for (const auto& row : read_jsonl(probe.dir + "/out/results.jsonl")) e2e.push_back(row["summary"]["latency_s"]["e2e"]["mean"]);
  ASSERT_EQ(e2e.size(), 4u);
  std::vector<double> sorted = e2e;
  std::sort(sorted.begin(), sorted.end());
  ASSERT_LT(sorted[1], sorted[2]);
  const double threshold_ms = std::round((sorted[1] + sorted[2]) / 2 * 1e6) / 1e3;  // between, in ms
  int must_fail = 0;
  for (const double v : e2e) must_fail += v * 1e3 >= threshold_ms ? 1 : 0;
  ASSERT_EQ(must_fail, 2);

  const auto f = make_sweep("gate", axes + fmt::format("expect: [\"e2e_mean < {}ms\", \"completed == 20\"]\n", threshold_ms),
                            "expect: [\"in_flight == 0\"]\n");
  const std::string junit = f.dir + "/junit.xml";
  const auto r = test::run_cli("sweep " + f.sweep + " -o " + f.dir + "/out --check --junit " + junit);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("check: FAILED (2 problem(s))"), std::string::npos) << r.out;
  for (const auto& row : read_jsonl(f.dir + "/out/results.jsonl")) {
    const bool fails = row["summary"]["latency_s"]["e2e"]["mean"].get<double>() * 1e3 >= threshold_ms;
    ASSERT_EQ(row["expectations"].size(), 3u);  // the base scenario's own and the sweep's
    EXPECT_EQ(row["expectations"][1]["verdict"], fails ? "fail" : "pass") << row["id"];
    const std::string line = fmt::format("{} ({}): e2e_mean = ", row["id"].get<std::string>(), row["label"].get<std::string>());
    EXPECT_EQ(r.out.find(line) != std::string::npos, fails) << line << "\n" << r.out;
  }
  bool parsed = false;
  EXPECT_EQ(xpath(junit, "count(//testcase)", &parsed), "4");
  EXPECT_TRUE(parsed);
  EXPECT_EQ(xpath(junit, "string(/testsuites/testsuite/@failures)"), std::to_string(must_fail));
  EXPECT_EQ(xpath(junit, "count(//testcase[failure])"), std::to_string(must_fail));
  EXPECT_EQ(xpath(junit, "string(/testsuites/@errors)"), "0");
  // The threshold text survives XML escaping ('<' in every message).
  EXPECT_NE(xpath(junit, "string(//testcase[failure][1]/failure/@message)").find("expected < "), std::string::npos);
  // Without --check: exit 0, the same results.
  EXPECT_EQ(test::run_cli("sweep -q " + f.sweep + " -o " + f.dir + "/out").exit_code, 0);
}

TEST(Check, JUnitEscapesAndCountsEveryOutcome) {
  using batch::JunitCase;
  const std::vector<JunitCase> cases{
      {"p0 a<b & \"c\"", "tokenfab.s", JunitCase::Outcome::Pass, "", "pass: x < 1s: ok\n"},
      {"p1", "tokenfab.s", JunitCase::Outcome::Failure, "ttft_p99 = 3s, expected < 2s", "fail: ttft_p99 < 2s\n"},
      {"p2", "tokenfab.s", JunitCase::Outcome::Error, "run failed: error: x.yaml:1:1: bad", ""},
      {"p3", "tokenfab.s", JunitCase::Outcome::Skipped, "not run", ""},
      {"p4", "tokenfab.s", JunitCase::Outcome::Failure, "a\nb", ""},
  };
  const std::string file = test::temp_dir("junit") + "/j.xml";
  ASSERT_TRUE(batch::write_junit(file, "s<1>", cases));
  bool ok = false;
  EXPECT_EQ(xpath(file, "count(//testcase)", &ok), "5");
  ASSERT_TRUE(ok) << test::read_file(file);
  EXPECT_EQ(xpath(file, "string(/testsuites/@tests)"), "5");
  EXPECT_EQ(xpath(file, "string(/testsuites/@failures)"), "2");
  EXPECT_EQ(xpath(file, "string(/testsuites/@errors)"), "1");
  EXPECT_EQ(xpath(file, "string(/testsuites/@skipped)"), "1");
  EXPECT_EQ(xpath(file, "string(//testsuite/@name)"), "s<1>");
  EXPECT_EQ(xpath(file, "string(//testcase[1]/@name)"), "p0 a<b & \"c\"");
  EXPECT_EQ(xpath(file, "string(//testcase[2]/failure/@message)"), "ttft_p99 = 3s, expected < 2s");
}

TEST(Compare, ScenariosSideBySideWithRatiosToTheFirst) {
  const std::string dir = test::temp_dir("cmp");
  const std::string a = write_scenario(dir, "slow", 2);
  const std::string b = write_scenario(dir, "fast", 6);
  const auto r = test::run_cli("compare -q " + a + " " + b + " -j 2 -o " + dir + "/out");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(test::read_file(dir + "/out/compare.json"));
  ASSERT_EQ(j["scenarios"].size(), 2u);
  EXPECT_EQ(j["baseline"], "tiny#1");  // both files are named 'tiny' inside: labels are made unique
  // Ratios against the first, recomputed from the points' own summaries.
  const auto sa = nlohmann::json::parse(test::read_file(dir + "/out/points/p0000/summary.json"));
  const auto sb = nlohmann::json::parse(test::read_file(dir + "/out/points/p0001/summary.json"));
  const double ta = sa["throughput"]["output_tokens_per_s"], tb = sb["throughput"]["output_tokens_per_s"];
  EXPECT_DOUBLE_EQ(j["scenarios"][1]["metrics"]["tokens_per_s"].get<double>(), tb);
  EXPECT_DOUBLE_EQ(j["scenarios"][1]["ratio_to_baseline"]["tokens_per_s"].get<double>(), tb / ta);
  EXPECT_DOUBLE_EQ(j["scenarios"][0]["ratio_to_baseline"]["tokens_per_s"].get<double>(), 1.0);
  // The table: a row per metric, the ratio printed beside the second column.
  EXPECT_NE(r.out.find("tokens_per_s "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(fmt::format("{:.2f}x", tb / ta)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ttft_p99"), std::string::npos);
}

TEST(Compare, OneScenarioOnSeveralPlatforms) {
  const std::string dir = test::temp_dir("cmp-plat");
  const std::string s = write_scenario(dir, "s", 4);
  test::write_file(dir + "/plats/left.xml", test::read_file(test::source_path("platforms/hgx-h100.xml")));
  test::write_file(dir + "/plats/right.xml", test::read_file(test::source_path("platforms/hgx-h100.xml")));
  const auto r = test::run_cli("compare -q " + s + " --platform " + dir + "/plats/left.xml --platform " + dir +
                               "/plats/right.xml -o " + dir + "/out");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(test::read_file(dir + "/out/compare.json"));
  EXPECT_EQ(j["scenarios"][0]["label"], "left");
  EXPECT_EQ(j["scenarios"][1]["label"], "right");
  // The same hardware gives the same result: every ratio is exactly 1.
  for (const auto& [name, ratio] : j["scenarios"][1]["ratio_to_baseline"].items()) {
    if (!ratio.is_null()) {
      EXPECT_EQ(ratio.get<double>(), 1.0) << name;
    }
  }
  // A missing platform is refused before anything runs.
  const auto bad = test::run_cli("compare " + s + " --platform " + dir + "/nope.xml -o " + dir + "/out2");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("nope.xml: --platform: platform file not found"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(dir + "/out2"));
}

}  // namespace
}  // namespace tokenfab
