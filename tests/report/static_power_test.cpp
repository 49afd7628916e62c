// The pod's static power from the platform inventory (summary.json economics.power): each class
// recomputed from the catalog's watts, and co-packaged against pluggable optics on the same pod.
#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <map>

#include <nlohmann/json.hpp>

#include "models/catalog.hpp"
#include "sim/metrics/power_breakdown.hpp"
#include "sim/report/html_page.hpp"
#include "tests/report/report_test_util.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

using Json = nlohmann::json;

// Two racks of 8 Rubin packages (4 Vera CPUs, a ConnectX-9 per package) on a rail-optimised
// Spectrum-X fabric built from `sw`, with one BlueField-4 storage node of 2 drives: small enough
// to run in well under a second, with every class of the inventory present. `rack_power` adds
// each rack's NVLink switch tray, 3 tray fan sets and its power shelf.
std::string mini_pod_spec(const std::string& dir, const std::string& sw, bool rack_power = false) {
  const std::string scale_up = rack_power ? ", switch: nvlink6-switch-tray, switches: 1" : "";
  const std::string rack_lines =
      rack_power ? "    rack_power: {shelf: orv3-hpr-power-shelf, fan: liquid-tray-fans, fans: 3}\n" : "";
  return test::write_file(dir + "/" + sw + ".yaml", fmt::format(R"(name: mini-{0}
description: 2 racks x 8 Rubin on {0}
racks:
  - kind: vr-nvl144
    count: 2
    accelerator: rubin
    per_rack: 8
    scale_up: {{kind: nvlink, domain: 8, link_latency: 0.25us{1}}}
{2}    cpus:
      model: vera
      per_rack: 4
      accelerators_per_cpu: 2
      link: {{kind: c2c, bandwidth: 900GBps, latency: 0.5us}}
    nic: {{model: connectx-9}}
scale_out:
  topology: rail-optimised
  switch: {0}
  oversubscription: 1
  switch_latency: 0.6us
  cable_latency: 0.05us
  nic_latency: 0.5us
  transceiver_power: 16W
storage:
  nodes: 1
  dpu: bluefield-4
  drive: nvme-gen5-15tb
  drives_per_node: 2
frontend:
  nic: connectx-9
)",
                                                                sw, scale_up, rack_lines));
}

// The same traffic on the mini pod built from switch `sw`: two TP=8 replicas use all 16 GPUs
// (`replicas` 1: rack 0's 8 only). `catalog` (optional) replaces the default hardware catalog.
std::string mini_pod_run(const std::string& dir, const std::string& sw, const std::string& out,
                         const std::string& catalog = "", int replicas = 2, bool rack_power = false,
                         const std::string& platform = "") {
  const std::string scenario = test::write_file(dir + "/" + sw + "-scenario.yaml", fmt::format(R"(name: {0}
seed: 5
platform: {1}
model: llama-3.1-8b
deployment: {{replicas: {2}, tp: 8}}
workload:
  requests: 60
  synthetic:
    arrivals: {{process: poisson, rate: 20}}
    input_tokens: {{dist: fixed, value: 512}}
    output_tokens: {{dist: fixed, value: 64}}
)",
                                                                                           sw,
                                                                                           platform.empty() ? mini_pod_spec(dir, sw, rack_power) : platform,
                                                                                           replicas));
  const auto r = test::run_cli("run -q " + scenario + " -o " + out + (catalog.empty() ? "" : " --catalog " + catalog));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return out;
}

Json summary(const std::string& run_dir) { return Json::parse(test::read_file(run_dir + "/summary.json")); }

const Json& item(const Json& s, const std::string& component, const std::string& prefix) {
  for (const Json& it : s["economics"]["power"]["items"]) {
    if (it["component"] == component && it["item"].get<std::string>().rfind(prefix, 0) == 0) return it;
  }
  static const Json none;
  ADD_FAILURE() << "no " << component << " item starting with " << prefix;
  return none;
}

double cls(const Json& s, const std::string& component, const char* which = "average_w") {
  return s["economics"]["power"]["by_class"][component][which].get<double>();
}

TEST(StaticPower, EveryClassIsTheInventoryAtCatalogWatts) {
  const std::string dir = test::temp_dir("static-power");
  const Json s = summary(mini_pod_run(dir, "spectrum-x-sn5600", dir + "/run"));
  const Json& p = s["economics"]["power"];
  const Catalog catalog;
  const double busy = s["utilisation"]["gpu_busy_fraction"].get<double>();
  auto load_following = [&](const std::string& name, double n) {
    const DeviceSpec d = catalog.device(name);
    return n * (d.power.idle->value + busy * (d.power.max->value - d.power.idle->value));
  };
  EXPECT_DOUBLE_EQ(p["accelerator_share"].get<double>(), 1.0);  // all 16 GPUs serve
  // CPUs: 2 racks x 4 Vera; NICs: one ConnectX-9 per GPU, one for the frontend and one per
  // storage node; storage: 2 drives; DPUs: 1 BlueField-4.
  // CPUs (sim/serving/host_cpus.hpp): idle, plus one of 88 cores per working GPU.
  const DeviceSpec vera = catalog.device("vera");
  EXPECT_DOUBLE_EQ(item(s, "cpus", "vera")["count"].get<double>(), 8);
  EXPECT_NEAR(cls(s, "cpus"),
              8 * vera.power.idle->value + (vera.power.max->value - vera.power.idle->value) * 16 * busy / vera.cores->value,
              1e-6);
  EXPECT_NEAR(cls(s, "cpus", "peak_w"), 8 * catalog.device("vera").power.max->value, 1e-6);
  EXPECT_NEAR(cls(s, "dpus"), load_following("bluefield-4", 1), 1e-6);
  EXPECT_NEAR(cls(s, "storage"), load_following("nvme-gen5-15tb", 2), 1e-6);
  const double nics = item(s, "nics", "connectx-9")["count"].get<double>();
  EXPECT_GE(nics, 16);
  EXPECT_NEAR(cls(s, "nics"), load_following("connectx-9", nics), 1e-6);
  // Switches and optics draw constantly: asic per switch, optics per port in use.
  const DeviceSpec sw = catalog.device("spectrum-x-sn5600");
  const Json& sw_item = item(s, "switches", "spectrum-x-sn5600");
  EXPECT_GT(sw_item["count"].get<double>(), 0);
  EXPECT_NEAR(cls(s, "switches"), sw_item["count"].get<double>() * sw.power.asic->value, 1e-6);
  const double ports = item(s, "optics", "spectrum-x-sn5600")["count"].get<double>();
  const double nic_side = item(s, "optics", "NIC-side")["average_w"].get<double>();
  EXPECT_NEAR(cls(s, "optics"), ports * sw.power.optics_per_port->value + nic_side, 1e-6);
  EXPECT_DOUBLE_EQ(cls(s, "optics"), cls(s, "optics", "peak_w"));
  // No rack power in this spec: those classes are 0 W, with notes.
  for (const char* c : {"scale-up switches", "fans", "power conversion"}) EXPECT_EQ(cls(s, c), 0.0) << c;
  // IT = the classes; facility = IT x PUE; cooling = the difference.
  double it = 0;
  for (const auto& c : power_classes()) it += cls(s, c);
  EXPECT_NEAR(p["it_average_w"].get<double>(), it, 1e-6 * it);
  EXPECT_NEAR(p["facility_average_w"].get<double>(), it * 1.2, 1e-6 * it);
  EXPECT_NEAR(cls(s, "cooling"), it * 0.2, 1e-6 * it);
  // Accelerators: the energy plugin's average; per-token figures use the facility power.
  EXPECT_NEAR(cls(s, "accelerators"), s["energy"]["average_power_w"].get<double>(), 1e-5 * it);
  const double tokens_per_s = s["throughput"]["output_tokens_per_s"].get<double>();
  const Json& f = s["energy"]["facility"];
  EXPECT_NEAR(f["joules_per_output_token"].get<double>(), it * 1.2 / tokens_per_s, 1e-5 * it / tokens_per_s);
  const double per_mw = tokens_per_s / (it * 1.2 / 1e6);
  EXPECT_NEAR(f["output_tokens_per_s_per_mw"].get<double>(), per_mw, 1e-5 * per_mw);  // 6 digits in energy
}

// Capital cost counts the inventory too, with the power items' counts at catalog prices; the
// NIC-side pluggable modules have no catalog price and are listed as unpriced, not dropped.
TEST(StaticPower, CapexCountsTheInventoryAtCatalogPrices) {
  const std::string dir = test::temp_dir("capex");
  const Json s = summary(mini_pod_run(dir, "spectrum-x-sn5600", dir + "/run"));
  const Catalog catalog;
  std::map<std::string, Json> lines;
  for (const auto& l : s["economics"]["capex"]) lines[l["device"].get<std::string>()] = l;
  double expected = 0;
  for (const auto& [component, name] : std::vector<std::pair<std::string, std::string>>{
           {"accelerators", "rubin"}, {"cpus", "vera"}, {"nics", "connectx-9"}, {"switches", "spectrum-x-sn5600"},
           {"dpus", "bluefield-4"}, {"storage", "nvme-gen5-15tb"}}) {
    ASSERT_TRUE(lines.count(name)) << name;
    const double count = item(s, component, name)["count"].get<double>();
    EXPECT_DOUBLE_EQ(lines[name]["count"].get<double>(), count) << name;
    const double price = catalog.device(name).price_usd->value;
    EXPECT_DOUBLE_EQ(lines[name]["total_usd"].get<double>(), count * price) << name;
    expected += count * price;
  }
  bool unpriced_modules = false;
  for (const auto& [name, l] : lines)
    if (name.find("NIC-side") != std::string::npos) unpriced_modules = l["mark"] == "unpriced";
  EXPECT_TRUE(unpriced_modules);
  EXPECT_NEAR(s["economics"]["cost"]["capex_usd"].get<double>(), expected, 1e-6 * expected);
}

TEST(StaticPower, HalfThePodCarriesHalfItsNetworkAndItsOwnRacksCpus) {
  const std::string dir = test::temp_dir("static-power-half");
  const Json s = summary(mini_pod_run(dir, "spectrum-x-sn5600", dir + "/run", "", 1));
  const Json& p = s["economics"]["power"];
  EXPECT_DOUBLE_EQ(p["accelerator_share"].get<double>(), 0.5);  // 8 of 16 GPUs
  // The replica's 8 GPUs are rack 0's: its 4 Vera CPUs are charged, rack 1's are not.
  EXPECT_DOUBLE_EQ(item(s, "cpus", "vera")["count"].get<double>(), 4.0);
  // NICs and their transceivers sit in racks too: rack 0's 8 ConnectX-9, none of rack 1's, and
  // half of the frontend's (no rack); the storage node's BlueField-4 link has transceivers only.
  EXPECT_DOUBLE_EQ(item(s, "nics", "connectx-9")["count"].get<double>(), 8 + 0.5);
  const Catalog catalog;
  const double cx9 = catalog.device("connectx-9").ports->value, bf4 = catalog.device("bluefield-4").ports->value;
  EXPECT_DOUBLE_EQ(item(s, "optics", "NIC-side")["count"].get<double>(), 8 * cx9 + 0.5 * (cx9 + bf4));
  EXPECT_DOUBLE_EQ(item(s, "optics", "NIC-side")["average_w"].get<double>(), (8 * cx9 + 0.5 * (cx9 + bf4)) * 16);
  // Network and storage outside the racks: half of the pod's.
  EXPECT_DOUBLE_EQ(item(s, "switches", "spectrum-x-sn5600")["count"].get<double>(), 5 * 0.5);
  EXPECT_DOUBLE_EQ(item(s, "dpus", "bluefield-4")["count"].get<double>(), 0.5);
}

// Each rack's NVLink switch tray and fans at catalog watts, and the power shelves' conversion loss
// on everything else: load x (1/efficiency - 1).
TEST(StaticPower, RackPowerIsSwitchTraysFansAndConversionLoss) {
  const std::string dir = test::temp_dir("static-power-rack");
  const Json s = summary(mini_pod_run(dir, "spectrum-x-sn5600", dir + "/run", "", 2, true));
  const Catalog catalog;
  const double busy = s["utilisation"]["gpu_busy_fraction"].get<double>();
  // 2 racks x 1 domain x 1 tray, drawn constantly.
  const double tray = catalog.device("nvlink6-switch-tray").power.max->value;
  EXPECT_DOUBLE_EQ(item(s, "scale-up switches", "nvlink6-switch-tray")["count"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(cls(s, "scale-up switches"), 2 * tray);
  EXPECT_DOUBLE_EQ(cls(s, "scale-up switches", "peak_w"), 2 * tray);
  // 2 racks x 3 fan sets, between idle and max by the accelerators' busy fraction.
  const DeviceSpec fan = catalog.device("liquid-tray-fans");
  EXPECT_NEAR(cls(s, "fans"), 6 * (fan.power.idle->value + busy * (fan.power.max->value - fan.power.idle->value)), 1e-9);
  EXPECT_DOUBLE_EQ(cls(s, "fans", "peak_w"), 6 * fan.power.max->value);
  // Conversion: every other class x (1/efficiency - 1), average and peak.
  const double eff = catalog.device("orv3-hpr-power-shelf").efficiency->value;
  for (const char* which : {"average_w", "peak_w"}) {
    double load = 0;
    for (const auto& c : power_classes())
      if (c != "power conversion") load += cls(s, c, which);
    EXPECT_NEAR(cls(s, "power conversion", which), load * (1 / eff - 1), 1e-9 * load) << which;
  }
  EXPECT_FALSE(s["economics"]["power"].contains("notes") &&
               s["economics"]["power"]["notes"].dump().find("rack") != std::string::npos)
      << s["economics"]["power"]["notes"].dump();
}

// A platform written before racks carried their power properties (hand-written, or generated
// before them) still loads: those classes count 0 W with a note saying why, and NICs still go by
// rack through their nic_<host> names.
TEST(StaticPower, PlatformWithoutRackPowerPropertiesLoadsWithNotes) {
  const std::string dir = test::temp_dir("static-power-old-xml");
  const std::string xml = dir + "/old.xml";
  const auto emit = test::run_cli("platform emit " + mini_pod_spec(dir, "spectrum-x-sn5600", true) + " -o " + xml);
  ASSERT_EQ(emit.exit_code, 0) << emit.err;
  std::string text = test::read_file(xml);
  for (const char* key : {"tokenfab:scale_up_switch\"", "tokenfab:scale_up_switches", "tokenfab:fan\"", "tokenfab:fans",
                          "tokenfab:power_shelf", "tokenfab:rack\" value=\"rack0\"/></link>",
                          "tokenfab:rack\" value=\"rack1\"/></link>"}) {
    const std::string k = key;
    std::size_t removed = 0;
    for (std::size_t at = text.find("<prop id=\"" + k); at != std::string::npos; at = text.find("<prop id=\"" + k)) {
      const std::size_t end = text.find("/>", at);
      text.erase(at, end + 2 - at);
      ++removed;
    }
    EXPECT_GT(removed, 0u) << key;
  }
  ASSERT_EQ(text.find("tokenfab:power_shelf"), std::string::npos);
  test::write_file(xml, text);
  const Json s = summary(mini_pod_run(dir, "spectrum-x-sn5600", dir + "/run", "", 1, false, xml));
  for (const char* c : {"scale-up switches", "fans", "power conversion"}) EXPECT_EQ(cls(s, c), 0.0) << c;
  const std::string notes = s["economics"]["power"]["notes"].dump();
  for (const char* what : {"no tokenfab:scale_up_switches property", "no tokenfab:fans property",
                           "no tokenfab:power_shelf property"})
    EXPECT_NE(notes.find(what), std::string::npos) << what << " in " << notes;
  EXPECT_DOUBLE_EQ(item(s, "nics", "connectx-9")["count"].get<double>(), 8 + 0.5);  // rack 0's, by host name
}

// The catalog's CPO switch has twice the SN5600's ports, so the generator builds a different
// fabric from it (fewer, wider switches). To compare the optics on the same ports, the test runs
// on a copy of the catalog whose CPO switch has the SN5600's 64 ports; its per-port and asic
// watts stay the catalog's.
std::string catalog_with_64_port_cpo(const std::string& dir) {
  namespace fs = std::filesystem;
  const std::string root = dir + "/catalog";
  fs::copy(test::source_path("models/catalog"), root, fs::copy_options::recursive);
  const std::string path = root + "/hardware/spectrum-x-photonics-cpo.yaml";
  std::string text = test::read_file(path);
  const std::string radix = "\nports: {value: 128";
  const auto at = text.find(radix);
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos) text.replace(at, radix.size(), "\nports: {value: 64");
  test::write_file(path, text);
  return root;
}

TEST(StaticPower, CoPackagedOpticsSaveTheCatalogsPerPortDifference) {
  const std::string dir = test::temp_dir("cpo-vs-pluggable");
  const std::string runs = dir + "/runs";
  const std::string root = catalog_with_64_port_cpo(dir);
  const Json plug = summary(mini_pod_run(dir, "spectrum-x-sn5600", runs + "/pluggable", root));
  const Json cpo = summary(mini_pod_run(dir, "spectrum-x-photonics-cpo", runs + "/cpo", root));
  const Catalog catalog(root);
  const DeviceSpec sn5600 = catalog.device("spectrum-x-sn5600"), photonics = catalog.device("spectrum-x-photonics-cpo");
  ASSERT_EQ(sn5600.optics, "pluggable");
  ASSERT_EQ(photonics.optics, "cpo");
  // Same traffic, same GPUs: the simulated work is identical.
  EXPECT_DOUBLE_EQ(plug["throughput"]["output_tokens_per_s"].get<double>(),
                   cpo["throughput"]["output_tokens_per_s"].get<double>());
  EXPECT_DOUBLE_EQ(cls(plug, "accelerators"), cls(cpo, "accelerators"));
  // Same switch radix: the same fabric, the same ports in use.
  const double ports = item(plug, "optics", "spectrum-x-sn5600")["count"].get<double>();
  ASSERT_GT(ports, 0);
  EXPECT_DOUBLE_EQ(item(cpo, "optics", "spectrum-x-photonics-cpo")["count"].get<double>(), ports);
  // Optics: ports x (pluggable - CPO watts per port), to the catalog's figures.
  const double per_port = sn5600.power.optics_per_port->value - photonics.power.optics_per_port->value;
  EXPECT_NEAR(cls(plug, "optics") - cls(cpo, "optics"), ports * per_port, 1e-9 * ports);
  // Network = NICs + switches + optics; the switches' own power differs by the asic figures.
  const double switches = item(plug, "switches", "spectrum-x-sn5600")["count"].get<double>();
  EXPECT_DOUBLE_EQ(item(cpo, "switches", "spectrum-x-photonics-cpo")["count"].get<double>(), switches);
  const double asic = switches * (sn5600.power.asic->value - photonics.power.asic->value);
  const double network_diff = plug["economics"]["power"]["network_average_w"].get<double>() -
                              cpo["economics"]["power"]["network_average_w"].get<double>();
  EXPECT_NEAR(network_diff, ports * per_port + asic, 1e-6);
  // Tokens/s per MW follow the facility power: same tokens, less (or more) power.
  const double plug_w = plug["economics"]["power"]["facility_average_w"].get<double>();
  const double cpo_w = cpo["economics"]["power"]["facility_average_w"].get<double>();
  EXPECT_NEAR(plug_w - cpo_w, network_diff * 1.2, 1e-6);
  const double plug_mw = plug["energy"]["facility"]["output_tokens_per_s_per_mw"].get<double>();
  const double cpo_mw = cpo["energy"]["facility"]["output_tokens_per_s_per_mw"].get<double>();
  EXPECT_NEAR(cpo_mw / plug_mw, plug_w / cpo_w, 1e-6);
  const double plug_prov = plug["economics"]["efficiency"]["output_tokens_per_s_per_mw"].get<double>();
  const double cpo_prov = cpo["economics"]["efficiency"]["output_tokens_per_s_per_mw"].get<double>();
  EXPECT_NEAR(cpo_prov / plug_prov,
              plug["economics"]["power"]["provisioned_w"].get<double>() /
                  cpo["economics"]["power"]["provisioned_w"].get<double>(),
              1e-6);

  // The comparison report of the two runs shows tokens/s per MW of each and their power by class.
  const auto r = test::run_cli("report " + runs);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = test::read_file(runs + "/report.html");
  for (const double v : {plug_prov, cpo_prov}) {
    EXPECT_NE(html.find("<td class=\"num\">" + human_number(v) + "</td>"), std::string::npos) << v;
  }
  EXPECT_NE(html.find("IT power by component class"), std::string::npos);
}

}  // namespace
}  // namespace tokenfab
