// timeseries.csv from whole runs: its intervals add up to summary.json's totals (tokens, requests,
// busy time, device energy), fractions stay in [0, 1], reruns are byte-identical, and fast_forward
// (iterations applied ahead of SimGrid time) gives the step-by-step run's series.
#include <filesystem>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

struct Series {
  std::vector<std::string> columns;
  std::vector<std::map<std::string, double>> rows;
  double sum(const std::string& column, bool times_interval) const {
    double s = 0;
    for (const auto& r : rows) s += r.at(column) * (times_interval ? r.at("interval_s") : 1.0);
    return s;
  }
};

Series parse(const std::string& text) {
  Series s;
  std::istringstream in(text);
  std::string line, cell;
  std::getline(in, line);
  std::stringstream header(line);
  while (std::getline(header, cell, ',')) s.columns.push_back(cell);
  while (std::getline(in, line)) {
    std::stringstream ls(line);
    std::map<std::string, double> row;
    for (const auto& c : s.columns) {
      std::getline(ls, cell, ',');
      row[c] = std::stod(cell);
    }
    s.rows.push_back(row);
  }
  return s;
}

struct SeriesRun {
  nlohmann::json summary;
  std::string csv;
  Series series;
};

// Llama-3.1-70B on one HGX H100 node; `deployment` and `extra` YAML complete the scenario.
std::string scenario(const std::string& tag, const std::string& deployment, const std::string& extra) {
  return fmt::format(R"(name: series-{}
seed: 5
platform: {}
model: llama-3.1-70b
deployment: {}
workload:
  requests: 150
  synthetic:
    arrivals: {{process: poisson, rate: 6}}
    input_tokens: {{dist: uniform, min: 64, max: 4096}}
    output_tokens: {{dist: uniform, min: 1, max: 300}}
{})",
                     tag, test::source_path("platforms/hgx-h100.xml"), deployment, extra);
}

SeriesRun run(const std::string& tag, const std::string& deployment, const std::string& extra = "") {
  const std::string dir = test::temp_dir(tag);
  const std::string text = scenario(tag, deployment, extra);
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  SeriesRun out;
  out.summary = nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
  out.csv = test::read_file(dir + "/out/timeseries.csv");
  out.series = parse(out.csv);
  return out;
}

// The checks every run must pass, for the device classes `groups` with `devices` each.
void expect_consistent(const SeriesRun& r, const std::map<std::string, int>& groups) {
  const auto& s = r.summary;
  ASSERT_FALSE(r.series.rows.empty());
  // Every request completes in these runs, so tokens produced equal tokens of completed requests.
  ASSERT_EQ(s["requests"]["completed"].get<std::uint64_t>(), s["requests"]["arrived"].get<std::uint64_t>());
  EXPECT_NEAR(r.series.sum("output_tokens_per_s", true), s["throughput"]["output_tokens"].get<double>(), 1e-3);
  // Prompt tokens computed: those of the requests less what a prefix cache saved.
  const double saved = s.contains("prefix_cache") ? s["prefix_cache"]["prefill_tokens_saved"].get<double>() : 0.0;
  EXPECT_NEAR(r.series.sum("input_tokens_per_s", true), s["throughput"]["input_tokens"].get<double>() - saved, 1e-3);
  EXPECT_EQ(r.series.sum("requests_arrived", false), s["requests"]["arrived"].get<double>());
  EXPECT_EQ(r.series.sum("requests_completed", false), s["requests"]["completed"].get<double>());
  const double joules = s["energy"]["device_joules"].get<double>();
  // summary.json rounds energy to 6 significant digits.
  EXPECT_NEAR(r.series.sum("device_power_w", true), joules, 1e-5 * joules);
  // The rows cover the run (no max_time here, so sim_time_s is where the engine ended).
  EXPECT_NEAR(r.series.sum("interval_s", false), s["time"]["sim_time_s"].get<double>(), 1e-6);
  double busy_device_s = 0;
  int devices = 0;
  for (const auto& [group, n] : groups) {
    devices += n;
    for (const char* q : {"busy_fraction_", "mfu_", "mem_bw_util_", "kv_occupancy_"}) {
      for (const auto& row : r.series.rows) {
        const double v = row.at(q + group);
        EXPECT_GE(v, 0.0) << q << group;
        EXPECT_LE(v, 1.0) << q << group << " at " << row.at("time_s");
      }
    }
    // MFU cannot exceed the busy fraction times the roofline's efficiency (here below 1).
    for (const auto& row : r.series.rows) EXPECT_LE(row.at("mfu_" + group), row.at("busy_fraction_" + group));
    busy_device_s += r.series.sum("busy_fraction_" + group, true) * n;
  }
  const double busy = s["utilisation"]["gpu_busy_fraction"].get<double>() * devices * s["time"]["sim_time_s"].get<double>();
  EXPECT_NEAR(busy_device_s, busy, 1e-6 * busy);
}

TEST(TimeSeriesEngine, UnifiedRunAddsUpToTheSummary) {
  const SeriesRun r = run("unified", "{tp: 8}", "output: {timeseries_interval: 500ms}");
  expect_consistent(r, {{"unified", 8}});
  EXPECT_GT(r.series.rows.size(), 40u);
  EXPECT_DOUBLE_EQ(r.series.rows[1].at("time_s"), 0.5);
  double peak_mfu = 0, peak_queue = 0;
  for (const auto& row : r.series.rows) {
    peak_mfu = std::max(peak_mfu, row.at("mfu_unified"));
    peak_queue = std::max(peak_queue, row.at("running_unified"));
  }
  EXPECT_GT(peak_mfu, 0.0);
  EXPECT_GT(peak_queue, 1.0);
}

TEST(TimeSeriesEngine, DisaggregatedRunHasAColumnPerPool) {
  const SeriesRun r = run("pools", "{pools: {prefill: {replicas: 1, tp: 4}, decode: {replicas: 1, tp: 4}}}");
  expect_consistent(r, {{"prefill", 4}, {"decode", 4}});
  // Prefill computes prompts, decode holds long-lived KV: the pools differ.
  EXPECT_GT(r.series.sum("mfu_prefill", true), r.series.sum("mfu_decode", true));
  EXPECT_GT(r.series.sum("kv_occupancy_decode", true), 0.0);
}

TEST(TimeSeriesEngine, RerunsAreByteIdenticalAndFastForwardChangesNothing) {
  const SeriesRun a = run("again-a", "{tp: 8}");
  const SeriesRun b = run("again-b", "{tp: 8}");
  EXPECT_EQ(a.csv, b.csv);
  const SeriesRun step = run("step", "{tp: 8}", "simulation: {fast_forward: false}");
  ASSERT_EQ(step.series.rows.size(), a.series.rows.size());
  for (std::size_t k = 0; k < a.series.rows.size(); ++k)
    for (const auto& c : a.series.columns)
      EXPECT_NEAR(step.series.rows[k].at(c), a.series.rows[k].at(c), 1e-6 * (1 + std::abs(a.series.rows[k].at(c))))
          << c << " row " << k;
}

TEST(TimeSeriesEngine, ZeroIntervalWritesNoFile) {
  const std::string dir = test::temp_dir("series-off");
  const std::string text = scenario("off", "{tp: 8}", "output: {timeseries_interval: 0s}");
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir + "/out/summary.json"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/out/timeseries.csv"));
}

TEST(TimeSeriesEngine, NegativeIntervalIsAConfigError) {
  const std::string dir = test::temp_dir("series-bad");
  const std::string text = scenario("bad", "{tp: 8}", "output: {timeseries_interval: -1s}");
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("output.timeseries_interval"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tokenfab
