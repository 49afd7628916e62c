// summary.json's goodput and economics sections for a small scenario, recomputed here from the
// run's own requests.csv, its throughput and the catalog, independently of the code under test.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "models/catalog.hpp"
#include "tests/report/report_test_util.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

using Json = nlohmann::json;

struct SmallRun {
  std::string dir;
  Json summary;
};

SmallRun small_run(const std::string& name) {
  SmallRun r;
  r.dir = test::temp_dir(name) + "/run";
  test::run_small(test::temp_dir(name + "-scenario"), "sections", 3.0, 120, r.dir);
  r.summary = Json::parse(test::read_file(r.dir + "/summary.json"));
  return r;
}

TEST(SummarySections, GoodputMatchesACountOverRequestsCsv) {
  const SmallRun run = small_run("goodput");
  // The scenario's untiered SLO: TTFT <= 400 ms and TPOT <= 40 ms (one-token answers: TTFT only).
  std::ifstream csv(run.dir + "/requests.csv");
  std::string line;
  std::getline(csv, line);
  std::uint64_t arrived = 0, good = 0;
  double good_tokens = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> c;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) c.push_back(cell);
    ++arrived;
    // Columns: id, arrival_s, input_tokens, output_tokens, outcome, replica, first_scheduled_s,
    // first_token_s, completion_s, ttft_s, tpot_s, ...
    if (c[4] != "completed") continue;
    const bool ttft_ok = std::stod(c[9]) <= 0.4;
    const bool tpot_ok = c[10].empty() || std::stod(c[10]) <= 0.04;
    if (ttft_ok && tpot_ok) {
      ++good;
      good_tokens += std::stod(c[3]);
    }
  }
  const Json& overall = run.summary["goodput"]["overall"];
  EXPECT_EQ(overall["arrived"].get<std::uint64_t>(), arrived);
  EXPECT_EQ(overall["good"].get<std::uint64_t>(), good);
  EXPECT_GT(good, 0u);
  const double window = run.summary["time"]["window_s"].get<double>();
  EXPECT_NEAR(overall["good_output_tokens_per_s"].get<double>(), good_tokens / window, 1e-9);
  EXPECT_NEAR(overall["attainment"].get<double>(), static_cast<double>(good) / static_cast<double>(arrived), 1e-12);
  // Goodput never exceeds throughput.
  EXPECT_LE(overall["good_output_tokens_per_s"].get<double>(),
            run.summary["throughput"]["output_tokens_per_s"].get<double>());
}

TEST(SummarySections, CostPerMillionTokensEqualsTheHandComputation) {
  const SmallRun run = small_run("cost");
  const Json& s = run.summary;
  const Json& e = s["economics"];
  const DeviceSpec gpu = Catalog().device("h100-sxm");
  const double gpus = 8;  // one TP=8 replica on HGX H100
  // Power: the GPUs' plugin energy (idle + busy fraction x (max - idle) each); peak = nameplate.
  // HGX H100's spec gives its host CPU (the frontend) no catalog model, and the node has no
  // scale-out network or storage: IT power is the GPUs', the baseboard's 4 NVSwitch chips, the
  // server's fans and its power supplies' loss (tests/report/static_power_test.cpp covers the
  // other classes).
  const Catalog catalog;
  const double busy = s["utilisation"]["gpu_busy_fraction"].get<double>();
  const double gpu_avg = gpus * (gpu.power.idle->value + busy * (gpu.power.max->value - gpu.power.idle->value));
  EXPECT_NEAR(e["power"]["by_class"]["accelerators"]["average_w"].get<double>(), gpu_avg, 1e-5 * gpu_avg);
  const double nvswitch = 4 * catalog.device("nvswitch-gen3").power.max->value;
  const DeviceSpec fans = catalog.device("hgx-8gpu-fans");
  const double fan_avg = fans.power.idle->value + busy * (fans.power.max->value - fans.power.idle->value);
  const double loss = 1 / catalog.device("titanium-server-psu").efficiency->value - 1;
  if (e["power"].contains("notes")) EXPECT_EQ(e["power"]["notes"].dump().find("rack"), std::string::npos);
  const double it_avg = e["power"]["it_average_w"].get<double>();
  const double acc_avg = e["power"]["by_class"]["accelerators"]["average_w"].get<double>();
  EXPECT_NEAR(it_avg, (acc_avg + nvswitch + fan_avg) * (1 + loss), 1e-9 * it_avg);
  const double it_peak = (gpus * gpu.power.max->value + nvswitch + fans.power.max->value) * (1 + loss);
  EXPECT_NEAR(e["power"]["it_peak_w"].get<double>(), it_peak, 1e-9 * it_peak);
  // Defaults: 4 years, 0.08 USD/kWh, PUE 1.2, provisioned at peak, 1 GW budget.
  const double capex = gpus * gpu.price_usd->value;
  const double capex_per_hour = capex / (4 * 8766.0);
  const double energy_per_hour = it_avg * 1.2 / 1000 * 0.08;
  const double cost_per_hour = capex_per_hour + energy_per_hour;
  const double tokens_per_s = s["throughput"]["output_tokens_per_s"].get<double>();
  const double per_mtok = cost_per_hour / (tokens_per_s * 3600 / 1e6);
  EXPECT_NEAR(e["cost"]["capex_usd"].get<double>(), capex, 1e-6);
  EXPECT_NEAR(e["cost"]["total_per_hour"].get<double>(), cost_per_hour, 1e-9);
  EXPECT_NEAR(e["cost"]["per_mtok_output"].get<double>(), per_mtok, per_mtok * 1e-10);  // summary.json keeps 12 significant digits
  // Revenue: good output tokens at 6 USD per million.
  const double good = s["goodput"]["overall"]["good_output_tokens_per_s"].get<double>();
  EXPECT_NEAR(e["revenue"]["total_per_hour"].get<double>(), good * 3600 / 1e6 * 6, 1e-9);
  // Factory: whole pods of peak facility power in 1 GW.
  const double pod_w = it_peak * 1.2;
  EXPECT_EQ(e["factory"]["pods"].get<std::int64_t>(), static_cast<std::int64_t>(1e9 / pod_w));
  EXPECT_NEAR(e["efficiency"]["output_tokens_per_s_per_mw"].get<double>(), tokens_per_s / (pod_w / 1e6), 1e-6);
}

}  // namespace
}  // namespace tokenfab
