// tokenfab trace stats / synth through the binary, and a run replaying a trace.
#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.hpp"
#include "tests/workload/workload_test_util.hpp"

namespace tokenfab {
namespace {

TEST(TraceCli, SynthWritesEveryFormatAndStatsReadsItBack) {
  const std::string dir = test::temp_dir("synth");
  for (const char* format : {"csv", "jsonl", "azure", "burstgpt", "mooncake"}) {
    const std::string file = dir + "/t." + (std::string(format) == "jsonl" || std::string(format) == "mooncake" ? "jsonl" : "csv");
    auto r = test::run_cli(fmt::format("trace synth --arrivals '{{process: gamma, rate: 20, cv: 3}}' "
                                       "--input '{{dist: fixed, value: 700}}' --requests 3000 --seed 4 "
                                       "--format {} -o {}",
                                       format, file));
    ASSERT_EQ(r.exit_code, 0) << format << ": " << r.err;
    EXPECT_NE(r.out.find("wrote 3000 requests"), std::string::npos) << r.out;
    r = test::run_cli("trace stats --json " + file);
    ASSERT_EQ(r.exit_code, 0) << format << ": " << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["format"], format);
    EXPECT_EQ(j["requests"], 3000);
    EXPECT_EQ(j["input_tokens"]["mean"], 700.0);
    // Gamma gaps with CV 3 at 20/s, within statistical tolerance (Mooncake keeps whole ms).
    EXPECT_NEAR(j["mean_rate_per_s"].get<double>(), 20.0, 20.0 * 5 * 3 / std::sqrt(3000.0)) << format;
    EXPECT_NEAR(j["gap_cv"].get<double>(), 3.0, 0.9) << format;
    if (std::string(format) == "mooncake") {
      EXPECT_EQ(j["prefix_blocks"]["blocks"], 3000 * 2);
    }
  }
}

TEST(TraceCli, SynthConvertsATraceWithItsTransformations) {
  const std::string dir = test::temp_dir("conv");
  const auto requests = test::generated(200, 10);
  test::write_trace(dir + "/in.csv", requests, TraceFormat::Azure);
  test::write_file(dir + "/w.yaml",
                   "seed: 3\nworkload:\n  tier_mix: {free: 0.5, premium: 0.5}\n"
                   "  trace: {path: in.csv, speedup: 2, max_output_tokens: 50}\n");
  auto r = test::run_cli("trace synth --from " + dir + "/w.yaml -o " + dir + "/out.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = test::run_cli("trace stats --json --column tier=tier " + dir + "/out.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["requests"], 200);
  EXPECT_LE(j["output_tokens"]["max"].get<int>(), 50);
  EXPECT_NEAR(j["duration_s"].get<double>(), (requests.back().arrival - requests.front().arrival) / 2, 1e-5);
  EXPECT_EQ(j["tiers"]["free"].get<int>() + j["tiers"]["premium"].get<int>(), 200);
}

TEST(TraceCli, ErrorsExitWithCodeTwo) {
  const std::string dir = test::temp_dir("err");
  auto r = test::run_cli("trace stats " + test::write_file(dir + "/x.csv", "a,b\n1,2\n"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot tell the trace format"), std::string::npos) << r.err;
  r = test::run_cli("trace synth --requests 5 --arrivals '{process: poison, rate: 1}' -o " + dir + "/y.csv");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("did you mean 'poisson'"), std::string::npos) << r.err;
  r = test::run_cli("trace synth -o " + dir + "/z.csv");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("synthetic traffic has no end"), std::string::npos) << r.err;
  r = test::run_cli("trace stats --format azur " + dir + "/x.csv");
  EXPECT_EQ(r.exit_code, 2);
  // Arrivals past the simulator's time horizon, and bursts that almost never produce a request,
  // are refused with a reason.
  r = test::run_cli("trace synth --requests 2 --arrivals '{process: poisson, rate: 1e-12}' -o " + dir + "/h.csv");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("past the simulator's horizon"), std::string::npos) << r.err;
  r = test::run_cli("trace synth --requests 2 --arrivals '{process: onoff, rate: 1e-12, on: 1s, off: 1s}' -o " + dir +
                    "/h.csv");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("requests per ON/OFF cycle"), std::string::npos) << r.err;
  r = test::run_cli("trace synth --requests 2 --arrivals '{process: onoff, rate: 1, on: 1us, off: 1s}' -o " + dir +
                    "/h.csv");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("shorter than 1 ms"), std::string::npos) << r.err;
}

TEST(TraceCli, RunReportsWhatTheTraceSourceDropped) {
  const std::string dir = test::temp_dir("run");
  test::write_file(dir + "/b.csv",
                   "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
                   "0,ChatGPT,400,20,420,Conversation log\n"
                   "1,GPT-4,300,0,300,Conversation log\n"
                   "2,ChatGPT,oops,20,420,Conversation log\n"
                   "3,GPT-4,5000,30,5030,API log\n"
                   "4,ChatGPT,100,10,110,API log\n");
  const std::string text = fmt::format(R"(platform: {}
model: llama-3.1-70b
deployment: {{tp: 8}}
workload:
  trace:
    path: b.csv
    skip_bad_rows: true
    max_input_tokens: 1000
    filters: [{{column: Log Type, not_equals: Conversation log}}]
)",
                                       test::source_path("platforms/hgx-h100.xml"));
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
  const auto& w = j["workload"];
  EXPECT_EQ(w["format"], "burstgpt");
  EXPECT_EQ(w["rows"], 5);
  EXPECT_EQ(w["bad_rows"], 1);
  EXPECT_EQ(w["zero_token_rows"], 1);
  EXPECT_EQ(w["filtered"], 1);
  EXPECT_EQ(w["capped_input"], 1);
  EXPECT_EQ(w["emitted"], 2);
  EXPECT_NE(w["first_bad_row"].get<std::string>().find("b.csv:4:11: Request tokens: 'oops' is not a number"),
            std::string::npos);
  EXPECT_EQ(j["requests"]["arrived"], 2);
  EXPECT_NE(r.out.find("bad rows skipped"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace tokenfab
