// Device energy from SimGrid's host energy plugin, against idle and full power from the catalog.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "models/catalog.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

nlohmann::json run(const std::string& tag, const std::string& workload) {
  const std::string dir = test::temp_dir(tag);
  const std::string text = fmt::format("platform: {}\nmodel: llama-3.1-70b\ndeployment: {{tp: 8}}\n{}\n",
                                       test::source_path("platforms/hgx-h100.xml"), workload);
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
}

TEST(Energy, MostlyIdleRunDrawsIdlePower) {
  const std::string dir = test::temp_dir("idle-trace");
  // One one-token request at t = 60 s: the 8 GPUs idle for a minute, then work for milliseconds.
  test::write_file(dir + "/t.csv", "arrival_time,input_tokens,output_tokens\n60,16,1\n");
  const auto s = run("idle", fmt::format("workload:\n  trace: {{path: {}/t.csv}}", dir));
  const DeviceSpec h100 = Catalog().device("h100-sxm");
  const double t = s["energy"]["measured_over_s"].get<double>();
  const double busy = s["utilisation"]["gpu_busy_fraction"].get<double>() * 8 * t;
  const double idle_energy = 8 * h100.power.idle->value * t;
  const double expected = idle_energy + (h100.power.max->value - h100.power.idle->value) * busy;
  EXPECT_NEAR(s["energy"]["device_joules"].get<double>(), expected, 1e-5 * expected);
  EXPECT_NEAR(s["energy"]["device_joules"].get<double>(), idle_energy, 0.001 * idle_energy);
}

TEST(Energy, SaturatedGpusDrawFullPower) {
  const auto s = run("busy",
                     "workload:\n  requests: 300\n  synthetic:\n    arrivals: {process: poisson, rate: 40}\n"
                     "    input_tokens: {dist: fixed, value: 2000}\n    output_tokens: {dist: fixed, value: 200}");
  const DeviceSpec h100 = Catalog().device("h100-sxm");
  const double busy_fraction = s["utilisation"]["gpu_busy_fraction"].get<double>();
  EXPECT_GT(busy_fraction, 0.99);
  const double power = s["energy"]["average_power_w"].get<double>();
  const double expected = 8 * (h100.power.idle->value + (h100.power.max->value - h100.power.idle->value) * busy_fraction);
  EXPECT_NEAR(power, expected, 1e-5 * expected);
  EXPECT_NEAR(power, 8 * h100.power.max->value, 0.01 * 8 * h100.power.max->value);
  // Per-token figures follow from the same energy.
  const double joules = s["energy"]["device_joules"].get<double>();
  EXPECT_NEAR(s["energy"]["joules_per_output_token"].get<double>(),
              joules / s["throughput"]["output_tokens"].get<double>(), 1e-5 * joules);
}

}  // namespace
}  // namespace tokenfab
