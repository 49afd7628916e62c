// Absurd but well-formed input (issue 10, "limits"): each gives a clear one-line error (exit 2)
// or a correct empty result, within bounded time and memory (kMaxSeconds, kMaxRssMb).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim/config/scenario.hpp"
#include "tests/robustness/robustness_util.hpp"

namespace tokenfab {
namespace {

using test::kMaxRssMb;
using test::kMaxSeconds;

int count_lines(const std::string& s) {
  int n = 0;
  for (const char c : s) n += c == '\n';
  return n;
}

// A refused input: exit code 2, one line naming the file, and the expected words.
void expect_clear_error(const test::BoundedRun& b, const std::string& words) {
  EXPECT_EQ(b.result.exit_code, 2) << b.result.err;
  EXPECT_EQ(count_lines(b.result.err), 1) << b.result.err;
  EXPECT_NE(b.result.err.find(words), std::string::npos) << b.result.err;
  EXPECT_LT(b.seconds, kMaxSeconds);
  EXPECT_LT(b.peak_rss_mb, kMaxRssMb);
}

nlohmann::json summary_of(const std::string& out_dir) {
  return nlohmann::json::parse(test::read_file(out_dir + "/summary.json"));
}

const char* kFixedLengths =
    "    input_tokens: {dist: fixed, value: 100}\n"
    "    output_tokens: {dist: fixed, value: 10}\n";

TEST(Limits, BillionReplicasIsARangeError) {
  const std::string dir = test::temp_dir("replicas");
  std::string file = test::small_scenario(dir, std::string("  requests: 10\n  synthetic:\n    arrivals: {process: poisson, rate: 4}\n") + kFixedLengths);
  std::string text = test::read_file(file);
  text.replace(text.find("replicas: 1,"), 12, "replicas: 1000000000,");
  test::write_file(file, text);
  expect_clear_error(test::run_bounded("validate " + file), "deployment.replicas: 1000000000 is out of range");
}

TEST(Limits, MostReplicasTheSchemaAllowsOnEightGpusIsAPlacementError) {
  const std::string dir = test::temp_dir("replicas-max");
  std::string file = test::small_scenario(dir, std::string("  requests: 10\n  synthetic:\n    arrivals: {process: poisson, rate: 4}\n") + kFixedLengths);
  std::string text = test::read_file(file);
  text.replace(text.find("{replicas: 1, tp: 8}"), 20, "{replicas: 1048576, tp: 1}");
  test::write_file(file, text);
  expect_clear_error(test::run_bounded("validate " + file), "1048576 replicas of tp 1 do not fit");
}

TEST(Limits, TenMillionTokenPromptIsRejectedWithItsReason) {
  const std::string dir = test::temp_dir("long-prompt");
  const std::string file = test::small_scenario(
      dir, "  requests: 3\n  synthetic:\n    arrivals: {process: poisson, rate: 4}\n"
           "    input_tokens: {dist: fixed, value: 10000000}\n    output_tokens: {dist: fixed, value: 10}\n");
  const auto b = test::run_bounded("run -q " + file + " -o " + dir + "/out");
  ASSERT_EQ(b.result.exit_code, 0) << b.result.err;
  EXPECT_LT(b.seconds, kMaxSeconds);
  EXPECT_LT(b.peak_rss_mb, kMaxRssMb);
  const auto s = summary_of(dir + "/out");
  EXPECT_EQ(s["requests"]["arrived"], 3);
  EXPECT_EQ(s["requests"]["completed"], 0);
  EXPECT_EQ(s["requests"]["rejected"], 3);
  const std::string csv = test::read_file(dir + "/out/requests.csv");
  EXPECT_NE(csv.find("exceeds the model context of 131072"), std::string::npos) << csv;
}

// The same prompt as one trace row: the row is read (1e7 is within the reader's [0, 1e8]) and the
// request is rejected with its reason, not truncated or run.
TEST(Limits, TenMillionTokenTraceRowIsRejectedWithItsReason) {
  const std::string dir = test::temp_dir("long-row");
  test::write_file(dir + "/t.csv", "arrival_time,input_tokens,output_tokens\n0,10000000,10\n1,100,10\n");
  const std::string file = test::small_scenario(dir, "  trace: {path: t.csv}\n");
  const auto b = test::run_bounded("run -q " + file + " -o " + dir + "/out");
  ASSERT_EQ(b.result.exit_code, 0) << b.result.err;
  EXPECT_LT(b.seconds, kMaxSeconds);
  EXPECT_LT(b.peak_rss_mb, kMaxRssMb);
  const auto s = summary_of(dir + "/out");
  EXPECT_EQ(s["requests"]["rejected"], 1);
  EXPECT_EQ(s["requests"]["completed"], 1);
  EXPECT_NE(test::read_file(dir + "/out/requests.csv").find("exceeds the model context of 131072"), std::string::npos);
}

TEST(Limits, EmptyTraceFileIsAClearError) {
  const std::string dir = test::temp_dir("empty-trace");
  test::write_file(dir + "/t.csv", "");
  const std::string file = test::small_scenario(dir, "  trace: {path: t.csv}\n");
  expect_clear_error(test::run_bounded("run -q " + file + " -o " + dir + "/out"), "t.csv:1:1: empty trace file");
}

// JSONL has no header, but a zero-length .jsonl file is refused the same way.
TEST(Limits, EmptyJsonlTraceFileIsAClearError) {
  const std::string dir = test::temp_dir("empty-jsonl");
  test::write_file(dir + "/t.jsonl", "");
  const std::string file = test::small_scenario(dir, "  trace: {path: t.jsonl}\n");
  expect_clear_error(test::run_bounded("run -q " + file + " -o " + dir + "/out"), "t.jsonl:1:1: empty trace file");
}

TEST(Limits, HeaderOnlyTraceGivesAnEmptyResult) {
  const std::string dir = test::temp_dir("header-trace");
  test::write_file(dir + "/t.csv", "arrival_time,input_tokens,output_tokens\n");
  const std::string file = test::small_scenario(dir, "  trace: {path: t.csv}\n");
  const auto b = test::run_bounded("run -q " + file + " -o " + dir + "/out");
  ASSERT_EQ(b.result.exit_code, 0) << b.result.err;
  EXPECT_LT(b.seconds, kMaxSeconds);
  const auto s = summary_of(dir + "/out");
  EXPECT_EQ(s["requests"]["arrived"], 0);
  EXPECT_EQ(s["requests"]["completed"], 0);
  // No figure of an empty run is NaN or infinite (JSON has no spelling for them: nlohmann writes
  // null, and a hand-written writer would write nan/inf).
  const std::string text = test::read_file(dir + "/out/summary.json");
  EXPECT_EQ(text.find("nan"), std::string::npos) << text;
  EXPECT_EQ(text.find("inf"), std::string::npos) << text;
  // requests.csv has its header and no rows.
  EXPECT_EQ(count_lines(test::read_file(dir + "/out/requests.csv")), 1);
}

TEST(Limits, RateZeroIsARangeError) {
  const std::string dir = test::temp_dir("rate-zero");
  const std::string file = test::small_scenario(
      dir, std::string("  requests: 10\n  synthetic:\n    arrivals: {process: poisson, rate: 0}\n") + kFixedLengths);
  expect_clear_error(test::run_bounded("validate " + file), "workload.synthetic.arrivals.rate: 0 is not positive");
}

// A trace replayed at a target rate of 0 (or a time scale of 0) is a range error too.
TEST(Limits, TraceTargetRateZeroIsARangeError) {
  const std::string dir = test::temp_dir("trace-rate-zero");
  test::write_file(dir + "/t.csv", "arrival_time,input_tokens,output_tokens\n0,100,10\n");
  const std::string file = test::small_scenario(dir, "  trace: {path: t.csv, target_rate: 0}\n");
  expect_clear_error(test::run_bounded("validate " + file), "workload.trace.target_rate: 0 is not positive");
}

// Found while testing the limits: with rate 1e-300 the arrivals land near 1e300 s, where adding a
// millisecond iteration no longer moves a double, and the run reported every latency as 0 with
// exit code 0. Arrivals past the horizon (1e10 s) are now refused.
TEST(Limits, VanishingRateStopsAtTheTimeHorizon) {
  const std::string dir = test::temp_dir("rate-tiny");
  const std::string file = test::small_scenario(
      dir, std::string("  requests: 5\n  synthetic:\n    arrivals: {process: poisson, rate: 1e-300}\n") + kFixedLengths);
  expect_clear_error(test::run_bounded("run -q " + file + " -o " + dir + "/out"), "past the simulator's horizon");
}

// The same horizon holds for a trace whose timestamps are in the wrong unit (milliseconds since
// the Unix epoch read as seconds, 1.7e12 s), while epoch seconds (1.7e9 s) still run.
TEST(Limits, TraceTimesPastTheHorizonAreRefusedEpochSecondsRun) {
  const std::string dir = test::temp_dir("epoch");
  test::write_file(dir + "/ms.csv", "arrival_time,input_tokens,output_tokens\n1700000000000,100,10\n");
  test::write_file(dir + "/s.csv", "arrival_time,input_tokens,output_tokens\n1700000000,100,10\n1700000000.5,100,10\n");
  const std::string ms = test::small_scenario(dir, "  trace: {path: ms.csv}\n");
  expect_clear_error(test::run_bounded("run -q " + ms + " -o " + dir + "/out-ms"), "past the simulator's horizon");
  const std::string s = test::small_scenario(dir, "  trace: {path: s.csv}\n");
  const auto b = test::run_bounded("run " + s + " -o " + dir + "/out-s");
  ASSERT_EQ(b.result.exit_code, 0) << b.result.err;
  const auto sum = summary_of(dir + "/out-s");
  EXPECT_EQ(sum["requests"]["completed"], 2);
}

}  // namespace
}  // namespace tokenfab
