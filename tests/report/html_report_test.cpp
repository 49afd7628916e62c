// report.html: written from a run's output folder (and from several runs), self-contained, and
// rendered by headless Chromium with every chart drawn and no error on the page.
#include "sim/report/html_report.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "tests/report/report_test_util.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

namespace fs = std::filesystem;

#define SKIP_WITHOUT_VEGA()                                                                                     \
  if (!test::vega_installed())                                                                                  \
  GTEST_SKIP() << "Debian's libjs-vega is not installed (/usr/share/javascript/vega): scripts/install-deps.sh " \
                  "(run by make test) installs it"

#define SKIP_WITHOUT_CHROMIUM()                                                                                 \
  if (test::chromium_path().empty())                                                                            \
  GTEST_SKIP() << "Chromium is not installed: scripts/install-deps.sh (run by make test) installs it; the "    \
                  "report's rendering is not checked"

// One run: summary.json, requests.csv and the engine's timeseries.csv.
std::string make_run(const std::string& dir) {
  const std::string out = dir + "/run";
  test::run_small(dir, "report-small", 3.0, 150, out);
  EXPECT_TRUE(fs::exists(out + "/timeseries.csv"));
  return out;
}

TEST(HtmlReport, RunFolderGivesOneSelfContainedDeterministicFile) {
  SKIP_WITHOUT_VEGA();
  const std::string dir = test::temp_dir("run");
  const std::string run = make_run(dir);
  const auto r = test::run_cli("report " + run);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string path = run + "/report.html";
  EXPECT_NE(r.out.find(path), std::string::npos) << r.out;
  const std::string html = test::read_file(path);
  // Throughput, requests, power, utilisation and queues over time (every column of the engine's
  // timeseries.csv charted); TTFT and TPOT CDFs; goodput per class.
  EXPECT_EQ(test::chart_count(html), 8);
  EXPECT_NE(html.find("From timeseries.csv"), std::string::npos);
  EXPECT_EQ(html.find("columns not charted"), std::string::npos);
  // Nothing is loaded from elsewhere: no external scripts, styles or frames.
  for (const char* external : {"src=\"http", "src='http", "<link", "@import", "<iframe"})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  EXPECT_NE(html.find("tfVegaModules['vega-view']"), std::string::npos);
  // The figures of summary.json appear: the scenario name and the extrapolation label.
  EXPECT_NE(html.find("report-small"), std::string::npos);
  EXPECT_NE(html.find("Extrapolation"), std::string::npos);
  // Same inputs, same bytes.
  ASSERT_EQ(test::run_cli("report " + run + " -o " + dir + "/again.html").exit_code, 0);
  EXPECT_EQ(test::read_file(dir + "/again.html"), html);
}

TEST(HtmlReport, WithoutTimeSeriesThroughputComesFromRequests) {
  SKIP_WITHOUT_VEGA();
  const std::string dir = test::temp_dir("plain");
  test::run_small(dir, "plain", 3.0, 60, dir + "/run");
  fs::remove(dir + "/run/timeseries.csv");
  const std::string html = run_report_html(dir + "/run");
  EXPECT_EQ(test::chart_count(html), 4);  // derived throughput, two CDFs, goodput
  EXPECT_NE(html.find("Derived from requests.csv"), std::string::npos);
  EXPECT_NE(html.find("No timeseries.csv"), std::string::npos);
}

TEST(HtmlReport, RendersEveryChartInHeadlessChromium) {
  SKIP_WITHOUT_VEGA();
  SKIP_WITHOUT_CHROMIUM();
  const std::string dir = test::temp_dir("chromium");
  const std::string run = make_run(dir);
  const std::string path = write_html_report(run);
  const auto b = test::open_in_chromium(path, dir, dir + "/report.png");
  ASSERT_EQ(b.exit_code, 0) << b.stderr_text;
  const auto problems = test::report_dom_problems(b.dom, test::chart_count(test::read_file(path)));
  for (const auto& p : problems) ADD_FAILURE() << p;
  EXPECT_TRUE(fs::exists(dir + "/report.png") && fs::file_size(dir + "/report.png") > 0) << "no screenshot";
}

TEST(HtmlReport, ComparisonOfASweepFolderRendersParetoFrontiers) {
  SKIP_WITHOUT_VEGA();
  SKIP_WITHOUT_CHROMIUM();
  const std::string dir = test::temp_dir("sweep");
  // A sweep's output: one folder per point. Higher load: more tokens per MW, less speed per user.
  for (const double rate : {1.0, 4.0, 8.0}) {
    test::run_small(dir, fmt::format("rate-{}", rate), rate, 80, fmt::format("{}/sweep/rate-{}", dir, rate));
  }
  const auto r = test::run_cli("report " + dir + "/sweep");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string path = dir + "/sweep/report.html";
  const std::string html = test::read_file(path);
  // Pareto per MW and per GPU, factory output, goodput per class and run, power by class and run.
  EXPECT_EQ(test::chart_count(html), 5);
  for (const char* name : {"rate-1", "rate-4", "rate-8"}) EXPECT_NE(html.find(name), std::string::npos) << name;
  const auto b = test::open_in_chromium(path, dir, dir + "/comparison.png");
  ASSERT_EQ(b.exit_code, 0) << b.stderr_text;
  for (const auto& p : test::report_dom_problems(b.dom, 5)) ADD_FAILURE() << p;
}

TEST(HtmlReport, SeveralFoldersNeedAnOutputFile) {
  const std::string dir = test::temp_dir("needs-o");
  test::write_file(dir + "/a/summary.json", "{}");
  test::write_file(dir + "/b/summary.json", "{}");
  const auto r = test::run_cli("report " + dir + "/a " + dir + "/b");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("-o FILE.html"), std::string::npos) << r.err;
}

TEST(HtmlReport, MissingSummaryIsOneClearLine) {
  const std::string dir = test::temp_dir("missing");
  const auto r = test::run_cli("report " + dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no summary.json here"), std::string::npos) << r.err;
}

TEST(HtmlReport, MalformedRequestsCsvNamesFileLineAndColumn) {
  SKIP_WITHOUT_VEGA();
  const std::string dir = test::temp_dir("bad-csv");
  test::write_file(dir + "/summary.json", R"({"time": {"sim_time_s": 10}})");
  test::write_file(dir + "/requests.csv",
                   "id,arrival_s,input_tokens,output_tokens,outcome,replica,first_scheduled_s,first_token_s,"
                   "completion_s,ttft_s,tpot_s,e2e_s,reason\n"
                   "0,0.1,10,5,completed,0,0.1,0.2,0.5,0.1,0.075,0.4,\n"
                   "1,0.2,10,5,completed,0,0.2,0.3,0.6,abc,0.075,0.4,\n");
  const auto r = test::run_cli("report " + dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("requests.csv:3:36: ttft_s:"), std::string::npos) << r.err;  // the 36th character
  EXPECT_NE(r.err.find(": ttft_s: 'abc' is not a number"), std::string::npos) << r.err;
}

TEST(HtmlReport, MissingVegaSaysWhichPackage) {
  const std::string dir = test::temp_dir("no-vega");
  test::write_file(dir + "/summary.json", R"({"scenario": {"name": "x"}})");
  const auto r = test::run_cli("report " + dir + " --vega-dir " + dir + "/nowhere");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("libjs-vega"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tokenfab
