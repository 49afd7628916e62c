// Whole runs through the tokenfab binary (one SimGrid engine per process).
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "models/efficiency.hpp"
#include "models/perf/roofline.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

struct Load {
  double rate = 4;
  int requests = 200;
  std::string extra;  // appended YAML
};

std::string scenario(const Load& l) {
  return fmt::format(R"(name: engine-test
seed: 11
platform: {}
model: llama-3.1-70b
deployment: {{tp: 8}}
workload:
  requests: {}
  synthetic:
    arrivals: {{process: poisson, rate: {}}}
    input_tokens: {{dist: uniform, min: 64, max: 4096}}
    output_tokens: {{dist: uniform, min: 1, max: 400}}
{})",
                     test::source_path("platforms/hgx-h100.xml"), l.requests, l.rate, l.extra);
}

struct RunOutput {
  nlohmann::json summary;
  std::string summary_text;
  std::string requests_csv;
  std::string dir;
};

RunOutput run(const Load& l, const std::string& tag) {
  const std::string dir = test::temp_dir(tag);
  const std::string file = test::write_file(dir + "/s.yaml", scenario(l));
  const auto r = test::run_cli("run -q " + file + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  RunOutput out;
  out.dir = dir + "/out";
  out.summary_text = test::read_file(out.dir + "/summary.json");
  out.requests_csv = test::read_file(out.dir + "/requests.csv");
  out.summary = nlohmann::json::parse(out.summary_text);
  return out;
}

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    std::string x;
    while (std::getline(ls, x, ',')) f.push_back(x);
    rows.push_back(f);
  }
  return rows;
}

TEST(Engine, RequestsAreConservedWhenTheRunStopsEarly) {
  const RunOutput r = run({16, 2000, "simulation: {max_time: 20s}\n"}, "conserve");
  const auto& q = r.summary["requests"];
  const auto arrived = q["arrived"].get<std::uint64_t>();
  EXPECT_GT(arrived, 200u);
  EXPECT_GT(q["in_flight"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(arrived, q["completed"].get<std::uint64_t>() + q["rejected"].get<std::uint64_t>() +
                         q["in_flight"].get<std::uint64_t>());
  EXPECT_LE(r.summary["time"]["sim_time_s"].get<double>(), 20.0 + 1e-9);
  // Every request held by a replica has a row; outcomes match the counts.
  std::uint64_t completed = 0, in_flight = 0;
  for (const auto& row : csv_rows(r.requests_csv)) {
    completed += row[4] == "completed";
    in_flight += row[4] == "in_flight";
  }
  EXPECT_EQ(completed, q["completed"].get<std::uint64_t>());
  EXPECT_LE(in_flight, q["in_flight"].get<std::uint64_t>());
}

TEST(Engine, DrainedRunCompletesEverything) {
  const RunOutput r = run({4, 150, ""}, "drain");
  const auto& q = r.summary["requests"];
  EXPECT_EQ(q["arrived"].get<int>(), 150);
  EXPECT_EQ(q["completed"].get<int>(), 150);
  EXPECT_EQ(q["in_flight"].get<int>(), 0);
  EXPECT_GT(r.summary["utilisation"]["gpu_busy_fraction"].get<double>(), 0.0);
  EXPECT_LE(r.summary["utilisation"]["gpu_busy_fraction"].get<double>(), 1.0 + 1e-9);
}

TEST(Engine, TtftIsAtLeastThePrefillTime) {
  const RunOutput r = run({8, 200, ""}, "ttft");
  const Catalog catalog;
  ReplicaSetup s;
  s.model = catalog.llm("llama-3.1-70b");
  s.device = catalog.device("h100-sxm");
  s.tp = 8;
  s.link_bandwidth = r.summary["replicas"][0]["link_bandwidth_Bps"].get<double>();
  s.link_latency = r.summary["replicas"][0]["link_latency_s"].get<double>();
  s.efficiency = efficiency_for(catalog, "h100-sxm");
  const RooflineModel model(s);
  int checked = 0;
  for (const auto& row : csv_rows(r.requests_csv)) {
    if (row[4] != "completed") continue;
    BatchShape alone;
    alone.add(std::stoll(row[2]), 0, true);  // prompt <= 4096 < token budget: one iteration
    const double prefill = model.price(alone).seconds;
    EXPECT_GE(std::stod(row[9]), prefill - 1e-9) << "request " << row[0];
    ++checked;
  }
  EXPECT_EQ(checked, 200);
}

TEST(Engine, LatencyGrowsWithOfferedLoad) {
  double last_ttft = 0, last_e2e = 0, last_tpot = 0;
  for (const double rate : {1.0, 6.0, 12.0}) {
    const RunOutput r = run({rate, 300, ""}, fmt::format("load{}", rate));
    const double ttft = r.summary["latency_s"]["ttft"]["mean"].get<double>();
    const double e2e = r.summary["latency_s"]["e2e"]["mean"].get<double>();
    const double tpot = r.summary["latency_s"]["tpot"]["mean"].get<double>();
    EXPECT_GT(ttft, last_ttft) << "rate " << rate;
    EXPECT_GT(e2e, last_e2e) << "rate " << rate;
    EXPECT_GT(tpot, last_tpot) << "rate " << rate;
    last_ttft = ttft;
    last_e2e = e2e;
    last_tpot = tpot;
  }
}

TEST(Engine, SameInputsGiveByteIdenticalOutputs) {
  const RunOutput a = run({6, 300, ""}, "det-a");
  const RunOutput b = run({6, 300, ""}, "det-b");
  EXPECT_EQ(a.summary_text, b.summary_text);
  EXPECT_EQ(a.requests_csv, b.requests_csv);
  EXPECT_FALSE(a.requests_csv.empty());
  // A different seed changes the traffic.
  const std::string dir = test::temp_dir("det-c");
  const std::string file = test::write_file(dir + "/s.yaml", scenario({6, 300, ""}));
  ASSERT_EQ(test::run_cli("run -q --seed 12 " + file + " -o " + dir + "/out").exit_code, 0);
  EXPECT_NE(test::read_file(dir + "/out/requests.csv"), a.requests_csv);
}

TEST(Engine, ModelThatDoesNotFitIsRefusedBeforeRunning) {
  const std::string dir = test::temp_dir("fit");
  std::string text = scenario({4, 10, ""});
  text.replace(text.find("deployment: {tp: 8}"), 19, "deployment: {tp: 1, precision: {weights: bf16}}");
  const std::string file = test::write_file(dir + "/s.yaml", text);
  const auto r = test::run_cli("run -q " + file + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("does not fit"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("GB"), std::string::npos) << r.err;
}

TEST(Engine, ReplaysAPlainCsvTrace) {
  const std::string dir = test::temp_dir("trace");
  test::write_file(dir + "/t.csv",
                   "arrival_time,input_tokens,output_tokens\n0.0,100,10\n0.5,2000,1\n0.5,300,50\n2.25,64,2\n");
  const std::string text = fmt::format(R"(platform: {}
model: llama-3.1-70b
deployment: {{tp: 8}}
workload:
  trace: {{path: t.csv, time_scale: 2}}
)",
                                       test::source_path("platforms/hgx-h100.xml"));
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = csv_rows(test::read_file(dir + "/out/requests.csv"));
  ASSERT_EQ(rows.size(), 4u);
  // Arrival times are the trace's, scaled by time_scale; lengths are carried through.
  EXPECT_DOUBLE_EQ(std::stod(rows[1][1]), 1.0);
  EXPECT_DOUBLE_EQ(std::stod(rows[3][1]), 4.5);
  EXPECT_EQ(rows[1][2], "2000");
  EXPECT_EQ(rows[1][3], "1");
  for (const auto& row : rows) EXPECT_EQ(row[4], "completed");
  // A one-token answer has no TPOT.
  EXPECT_EQ(rows[1][10], "");
}

TEST(Engine, BadTraceRowNamesFileLineAndField) {
  const std::string dir = test::temp_dir("badtrace");
  test::write_file(dir + "/t.csv", "arrival_time,input_tokens,output_tokens\n0.0,100,10\n0.5,abc,1\n");
  const std::string text = fmt::format("platform: {}\nmodel: llama-3.1-70b\ndeployment: {{tp: 8}}\nworkload:\n  trace: {{path: t.csv}}\n",
                                       test::source_path("platforms/hgx-h100.xml"));
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("t.csv:3:5: input_tokens: 'abc' is not a number"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tokenfab
