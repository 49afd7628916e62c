// `tokenfab perf` and the scenario keys of the performance model (parallelism, speculative
// decoding, profile table, memory refusal), through the command line.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

TEST(PerfCli, PrintsIterationTimesWithTheirBound) {
  const auto r = test::run_cli("perf --device h100-sxm --model llama-3.1-70b --tp 8 --batch 1,256 --context 1024 "
                               "--prefill 8192");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("memory per device"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("memory"), std::string::npos);   // batch-1 decode
  EXPECT_NE(r.out.find("compute"), std::string::npos);  // 8k prefill
}

TEST(PerfCli, RefusesADeploymentThatDoesNotFit) {
  const auto r = test::run_cli("perf --device h100-sxm --model llama-3.1-405b --tp 1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("does not fit"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("GB"), std::string::npos) << r.err;
}

TEST(PerfCli, SearchesTheSaturatedThroughput) {
  const auto r = test::run_cli("perf --device h200-sxm --model llama-2-70b --tp 1 --throughput --devices 8 --tps 1,2 "
                               "--input 294 --output 294.45 --tpot 200ms --ttft 2s --poisson --batch 1 --context 1024");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("saturated throughput of 8 x h200-sxm"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stopped by"), std::string::npos) << r.out;
}

TEST(PerfCli, BadUnitIsAOneLineError) {
  const auto r = test::run_cli("perf --device h100-sxm --model llama-3.1-8b --link-bandwidth fast");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--link-bandwidth"), std::string::npos) << r.err;
}

// A scenario on the HGX H100 platform with the given deployment and perf_model sections.
std::string scenario(const std::string& dir, const std::string& model, const std::string& deployment,
                     const std::string& perf_model = "") {
  return test::write_file(dir + "/s.yaml", "platform: " + test::source_path("platforms/hgx-h100.xml") +
                                               "\nmodel: " + model + "\ndeployment:\n" + deployment + perf_model +
                                               "\nworkload:\n  requests: 20\n  synthetic:\n"
                                               "    arrivals: {process: poisson, rate: 4}\n"
                                               "    input_tokens: {dist: fixed, value: 512}\n"
                                               "    output_tokens: {dist: fixed, value: 64}\n");
}

TEST(PerfScenario, WideEpDeploymentValidatesAndRuns) {
  const std::string dir = test::temp_dir("wide-ep");
  const std::string file = scenario(dir, "qwen3-235b-a22b", "  tp: 1\n  dp: 8\n  ep: 8\n");
  const auto v = test::run_cli("validate " + file);
  ASSERT_EQ(v.exit_code, 0) << v.err;
  const auto r = test::run_cli("run -q " + file + " -o " + dir + "/out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto summary = nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
  EXPECT_EQ(summary["requests"]["completed"].get<int>(), 20);
}

TEST(PerfScenario, ParallelismThatDoesNotDivideIsAConfigError) {
  const std::string dir = test::temp_dir("bad-ep");
  const auto r = test::run_cli("validate " + scenario(dir, "qwen3-235b-a22b", "  tp: 1\n  dp: 8\n  ep: 3\n"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("does not divide"), std::string::npos) << r.err;
}

TEST(PerfScenario, MemoryRefusalNamesBytesNeededAndAvailable) {
  const std::string dir = test::temp_dir("no-fit");
  const auto r = test::run_cli(
      "validate " + scenario(dir, "llama-3.1-405b", "  tp: 8\n  precision: {weights: bf16, activations: bf16, kv_cache: bf16}\n"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("does not fit"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("usable"), std::string::npos) << r.err;
}

TEST(PerfScenario, SpeculativeDecodingNeedsAnAcceptanceRate) {
  const std::string dir = test::temp_dir("spec");
  const auto r = test::run_cli("validate " + scenario(dir, "llama-3.1-70b", "  tp: 8\n  speculative: {method: ngram}\n"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("acceptance_rate"), std::string::npos) << r.err;
  const auto ok = test::run_cli(
      "validate " + scenario(dir, "llama-3.1-70b", "  tp: 8\n  speculative: {method: ngram, draft_tokens: 3, acceptance_rate: 0.6}\n"));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST(PerfScenario, ProfileTableModelLoadsItsTable) {
  const std::string dir = test::temp_dir("profile");
  test::write_file(dir + "/t.csv",
                   "device,model,tp,weights,operator,tokens,context,seconds\n"
                   "h100-sxm,llama-3.1-8b,1,fp8,linear,1,0,0.0001\n"
                   "h100-sxm,llama-3.1-8b,1,fp8,attention_decode,1,1024,0.00001\n"
                   "h100-sxm,llama-3.1-8b,1,fp8,attention_prefill,512,0,0.00005\n");
  const auto ok = test::run_cli("validate " + scenario(dir, "llama-3.1-8b", "  tp: 1\n",
                                                       "perf_model: {name: profile_table, table: t.csv}\n"));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  const auto wrong = test::run_cli("validate " + scenario(dir, "llama-3.1-70b", "  tp: 8\n",
                                                          "perf_model: {name: profile_table, table: t.csv}\n"));
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("no rows for h100-sxm llama-3.1-70b tp8 fp8"), std::string::npos) << wrong.err;
}

}  // namespace
}  // namespace tokenfab
