// Host CPU energy from SimGrid's host energy plugin (sim/serving/host_cpus.hpp): the CPUs that
// serve a replica's devices idle at the catalog's power.idle and rise by
// host_cores_per_device / cores x (power.max - power.idle) per working device.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "models/catalog.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

// One TP=8 replica on Vera Rubin NVL144: its 8 Rubin packages hang off 4 Vera CPUs (2 each), and
// Vera 0 is also the frontend, so the run's CPUs are those 4.
nlohmann::json run_vr(const std::string& tag, const std::string& workload, double cores_per_device) {
  const std::string dir = test::temp_dir(tag);
  const std::string text =
      fmt::format("platform: {}\nmodel: llama-3.1-70b\ndeployment: {{tp: 8}}\nserving: {{host_cores_per_device: {}}}\n{}\n",
                  test::source_path("platforms/vr-nvl144.xml"), cores_per_device, workload);
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
}

const char* kBusy =
    "workload:\n  requests: 300\n  synthetic:\n    arrivals: {process: poisson, rate: 60}\n"
    "    input_tokens: {dist: fixed, value: 2000}\n    output_tokens: {dist: fixed, value: 200}";

double cpu_line_watts(const nlohmann::json& s, double* count) {
  double w = 0;
  for (const auto& it : s["economics"]["power"]["items"]) {
    if (it["component"] != "cpus") continue;
    w += it["average_w"].get<double>();
    *count += it["count"].get<double>();
  }
  return w;
}

TEST(CpuEnergy, PluginEnergyFollowsTheServingCores) {
  const DeviceSpec vera = Catalog().device("vera");
  const double idle = vera.power.idle->value, max = vera.power.max->value, cores = vera.cores->value;
  const auto s = run_vr("cpu-busy", kBusy, 1.0);
  const double t = s["energy"]["measured_over_s"].get<double>();
  const double busy_s = s["utilisation"]["gpu_busy_fraction"].get<double>() * t;  // the replica's busy time
  ASSERT_GT(busy_s, 0.5 * t);
  // 4 CPUs idle throughout; each of the 8 devices keeps 1 of its CPU's cores busy while busy.
  const double expected = 4 * idle * t + (max - idle) * 8 * (1.0 / cores) * busy_s;
  const double measured = s["energy"]["cpu_joules"].get<double>();
  EXPECT_NEAR(measured, expected, 1e-4 * expected);
  EXPECT_GT(measured, 4 * idle * t * 1.01);  // the load is visible above idle
  // The power breakdown's CPU line is the same model on the same busy time.
  double count = 0;
  const double line = cpu_line_watts(s, &count);
  EXPECT_EQ(count, 4);
  EXPECT_NEAR(line * t, measured, 1e-4 * measured);
}

TEST(CpuEnergy, NoServingCoresMeansIdlePower) {
  const DeviceSpec vera = Catalog().device("vera");
  const auto s = run_vr("cpu-none", kBusy, 0.0);
  const double t = s["energy"]["measured_over_s"].get<double>();
  const double idle_energy = 4 * vera.power.idle->value * t;
  EXPECT_NEAR(s["energy"]["cpu_joules"].get<double>(), idle_energy, 1e-6 * idle_energy);
}

TEST(CpuEnergy, EveryCoreBusyDrawsFullPower) {
  // 44 cores per device x 2 devices per Vera = all 88 cores while the replica works.
  const DeviceSpec vera = Catalog().device("vera");
  const auto s = run_vr("cpu-full", kBusy, 44.0);
  const double t = s["energy"]["measured_over_s"].get<double>();
  const double busy_fraction = s["utilisation"]["gpu_busy_fraction"].get<double>();
  const double expected = 4 * t * (vera.power.idle->value + (vera.power.max->value - vera.power.idle->value) * busy_fraction);
  EXPECT_NEAR(s["energy"]["cpu_joules"].get<double>(), expected, 1e-4 * expected);
}

TEST(CpuEnergy, PlatformWithoutCatalogCpusCountsNone) {
  // HGX H100's host CPU names no catalog model: no CPU energy, and the breakdown says so.
  const std::string dir = test::temp_dir("cpu-hgx");
  const std::string text = fmt::format(
      "platform: {}\nmodel: llama-3.1-70b\ndeployment: {{tp: 8}}\n{}\n", test::source_path("platforms/hgx-h100.xml"), kBusy);
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
  EXPECT_EQ(s["energy"]["cpu_joules"].get<double>(), 0.0);
  bool noted = false;
  for (const auto& n : s["economics"]["power"]["notes"]) noted = noted || n.get<std::string>().find("cpus") != std::string::npos;
  EXPECT_TRUE(noted);
}

}  // namespace
}  // namespace tokenfab
