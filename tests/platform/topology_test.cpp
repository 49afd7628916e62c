// Topology analysis on loaded platforms: domains found as connected components over scale-up
// links, hop diameter, bisection bandwidth of a small fat tree against a hand computation,
// inventory and power from the catalog's per-port figures. One SimGrid platform per TEST.
#include <gtest/gtest.h>

#include "models/catalog.hpp"
#include "sim/platform/loader.hpp"
#include "sim/topology/analysis.hpp"
#include "sim/topology/graph.hpp"
#include "sim/topology/route_recorder.hpp"
#include "tests/platform/platform_fixtures.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

using test::TestHardware;

struct Analysed {
  std::unique_ptr<simgrid::s4u::Engine> engine;
  TopologyReport report;
};

Analysed analyse(const std::string& file, const Catalog& catalog) {
  Analysed a;
  a.engine = make_quiet_engine();
  RouteRecorder routes;
  load_platform_file(*a.engine, file, catalog, &routes);
  a.report = analyse_topology(Topology::build(*a.engine, routes), catalog, file);
  return a;
}

long inventory(const TopologyReport& r, const std::string& item, const std::string& model) {
  for (const auto& i : r.inventory)
    if (i.item == item && i.model == model) return i.count;
  return -1;
}

TEST(Topology, SmallFatTreeMatchesHandComputation) {
  const std::string dir = test::temp_dir("fat");
  const Catalog catalog(test::write_test_catalog(dir));
  // 4 racks x 8 GPUs, one 400G NIC each; 8-port leaves at 3:1 (6 down, 2 up): per rack one leaf
  // with 6 GPUs and one with 2, each with 2 uplinks.
  const std::string spec = test::write_file(dir + "/small.yaml", test::small_fabric_spec(4, 3));
  const auto a = analyse(spec, catalog);
  const auto& r = a.report;
  const double s = TestHardware::switch_port, nic = TestHardware::nic_port;
  const int up = 2;
  EXPECT_EQ(r.accelerator_count, 32);
  ASSERT_TRUE(r.domains_detected);
  ASSERT_EQ(r.domains.size(), 1u);
  EXPECT_EQ(r.domains[0].size, 8);
  EXPECT_EQ(r.domains[0].count, 4);
  EXPECT_TRUE(r.domain_problems.empty());
  // Racks 0-1 send to racks 2-3: each leaf carries min(its GPUs' NICs, its uplinks).
  const double per_rack = std::min(6 * nic, up * s) + std::min(2 * nic, up * s);
  EXPECT_DOUBLE_EQ(r.bisection, 2 * per_rack);
  EXPECT_DOUBLE_EQ(r.scale_out_bisection, 2 * per_rack);
  EXPECT_DOUBLE_EQ(r.injection, 16 * nic);
  EXPECT_DOUBLE_EQ(r.oversubscription, 16 * nic / (2 * per_rack));
  EXPECT_DOUBLE_EQ(r.leaf_oversubscription, 6.0 / up);
  // GPU -> NIC -> leaf uplink -> spine -> leaf uplink -> NIC -> GPU.
  EXPECT_EQ(r.hop_diameter, 5);

  // Inventory: 8 leaves and ceil(8 x 2 / 8) = 2 spines; ports in use: per rack (6+2) + (2+2)
  // on leaves, and 8 x 2 on the spines.
  const long leaves = 8, spines = (leaves * up + 7) / 8, ports = 4 * ((6 + up) + (2 + up)) + leaves * up;
  EXPECT_EQ(inventory(r, "switch", "test-switch"), leaves + spines);
  EXPECT_EQ(inventory(r, "switch port", "test-switch"), ports);
  EXPECT_EQ(inventory(r, "nic", "test-nic"), 32);
  EXPECT_EQ(inventory(r, "cpu", "test-cpu"), 4);
  EXPECT_EQ(inventory(r, "transceiver", "NIC side (pluggable)"), 32);
  EXPECT_EQ(inventory(r, "transceiver", "test-switch ports (pluggable)"), ports);
  // Power: the catalog's max draw, switch ASIC plus optics per port, 5 W per NIC-side module.
  const double network = 32 * TestHardware::nic_power + 32 * 5.0 + (leaves + spines) * TestHardware::switch_asic +
                         ports * TestHardware::pluggable_optics;
  EXPECT_DOUBLE_EQ(r.network_power, network);
  EXPECT_DOUBLE_EQ(r.power_total, network + 32 * TestHardware::gpu_power + 4 * TestHardware::cpu_power);
  EXPECT_EQ(r.optics, "pluggable");
  EXPECT_DOUBLE_EQ(r.optics_power_pluggable, ports * TestHardware::pluggable_optics);
  EXPECT_DOUBLE_EQ(r.optics_power_cpo, ports * TestHardware::cpo_optics);
  EXPECT_EQ(r.cpo_switch, "test-switch-cpo");
}

TEST(Topology, ThreeTierBisectionAndDiameter) {
  const std::string dir = test::temp_dir("three");
  const Catalog catalog(test::write_test_catalog(dir));
  // 6 racks, blocks of 2 racks; block uplinks (2 spines x 4 ports) carry 2 racks' leaf uplinks.
  const auto a = analyse(test::write_file(dir + "/six.yaml", test::small_fabric_spec(6, 3)), catalog);
  const double s = TestHardware::switch_port, nic = TestHardware::nic_port;
  const double per_rack = std::min(6 * nic, 2 * s) + std::min(2 * nic, 2 * s);
  const double block_up = 2 * 4 * s;
  // Racks 0-2 -> racks 3-5: racks 0 and 1 leave through block 0's uplink, rack 2 through block 1
  // (whose spines also reach rack 3 directly).
  EXPECT_DOUBLE_EQ(a.report.bisection, std::min(2 * per_rack, block_up) + per_rack);
  // NIC, leaf uplink, block uplink, core, block uplink, leaf uplink, NIC.
  EXPECT_EQ(a.report.hop_diameter, 7);
}

TEST(Topology, CpoPlatformShowsWhatPluggablesWouldCost) {
  const std::string dir = test::temp_dir("cpo");
  const Catalog catalog(test::write_test_catalog(dir));
  std::string spec = test::small_fabric_spec(2, 1);
  spec.replace(spec.find("switch: test-switch"), 19, "switch: test-switch-cpo");
  const auto a = analyse(test::write_file(dir + "/cpo.yaml", spec), catalog);
  const auto& r = a.report;
  EXPECT_EQ(r.optics, "cpo");
  EXPECT_EQ(inventory(r, "transceiver", "test-switch-cpo ports (pluggable)"), -1);
  const long ports = inventory(r, "switch port", "test-switch-cpo");
  EXPECT_DOUBLE_EQ(r.optics_power, ports * TestHardware::cpo_optics);
  EXPECT_DOUBLE_EQ(r.optics_power_pluggable - r.optics_power_cpo,
                   ports * (TestHardware::pluggable_optics - TestHardware::cpo_optics));
}

TEST(Topology, SingleDomainBisectionIsNvlink) {
  // HGX H100: halves of one NVLink domain; 4 GPUs send over their 450 GB/s links (PCIe does
  // not forward: the CPU is a host).
  const auto a = analyse(test::source_path("platforms/hgx-h100.xml"), Catalog());
  EXPECT_EQ(a.report.domain_count, 1);
  EXPECT_EQ(a.report.hop_diameter, 2);
  EXPECT_DOUBLE_EQ(a.report.bisection, 4 * 450e9);
  EXPECT_DOUBLE_EQ(a.report.scale_out_bisection, 0);
}

TEST(Topology, HandWrittenClusterLoadsWithDeclaredDomains) {
  // A plain SimGrid <cluster> with the GPU properties added: no link says it is NVLink, so the
  // declared domain is used; SimGrid's own star graph gives the paths.
  const std::string dir = test::temp_dir("cluster");
  const std::string xml = test::write_file(dir + "/cluster.xml", R"(<?xml version="1.0"?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <cluster id="c" prefix="gpu" suffix="" radical="0-3" speed="1Tf" bw="100GBps" lat="1us" sharing_policy="SPLITDUPLEX">
    <prop id="tokenfab:role" value="gpu"/><prop id="tokenfab:device" value="h100-sxm"/><prop id="tokenfab:domain" value="nvl0"/>
  </cluster>
</platform>
)");
  const auto a = analyse(xml, Catalog());
  EXPECT_EQ(a.report.accelerator_count, 4);
  EXPECT_FALSE(a.report.domains_detected);
  EXPECT_EQ(a.report.domain_count, 1);
  EXPECT_EQ(a.report.hop_diameter, 2);
  EXPECT_DOUBLE_EQ(a.report.bisection, 2 * 100e9);
}

TEST(Topology, DeclaredDomainSplitByTheLinksIsRefused) {
  // Two NVLink islands (gpu0-1, gpu2-3) declared as one domain.
  const std::string dir = test::temp_dir("split");
  std::string x = R"(<?xml version="1.0"?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1"><zone id="z" routing="Full">
)";
  for (int i = 0; i < 4; ++i)
    x += fmt::format(
        "<host id=\"gpu{0}\" speed=\"1Tf\"><prop id=\"tokenfab:role\" value=\"gpu\"/><prop id=\"tokenfab:device\" "
        "value=\"h100-sxm\"/><prop id=\"tokenfab:domain\" value=\"nvl0\"/></host>\n"
        "<link id=\"nvl{0}\" bandwidth=\"1GBps\" latency=\"1us\" sharing_policy=\"SPLITDUPLEX\"><prop id=\"tokenfab:kind\" "
        "value=\"nvlink\"/></link>\n",
        i);
  x += "<link id=\"eth\" bandwidth=\"1GBps\" latency=\"1us\"/>\n";
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      if (i == j) continue;
      if (i / 2 == j / 2)
        x += fmt::format("<route src=\"gpu{0}\" dst=\"gpu{1}\" symmetrical=\"NO\"><link_ctn id=\"nvl{0}\" "
                         "direction=\"UP\"/><link_ctn id=\"nvl{1}\" direction=\"DOWN\"/></route>\n",
                         i, j);
      else
        x += fmt::format("<route src=\"gpu{}\" dst=\"gpu{}\" symmetrical=\"NO\"><link_ctn id=\"eth\"/></route>\n", i, j);
    }
  x += "</zone></platform>\n";
  const std::string xml = test::write_file(dir + "/split.xml", x);
  auto engine = make_quiet_engine();
  try {
    load_platform_file(*engine, xml, Catalog());
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where().file, xml);
    EXPECT_EQ(e.key_path(), "host 'gpu2': tokenfab:domain");
    EXPECT_NE(std::string(e.problem()).find("no scale-up link path joins it to gpu0"), std::string::npos)
        << e.problem();
  }
}

TEST(Topology, CliTableAndJson) {
  const auto table = test::run_cli("topo platforms/vr-nvl144-pod8-cpo.xml");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("scale-up domains"), std::string::npos);
  EXPECT_NE(table.out.find("bisection bandwidth"), std::string::npos);
  EXPECT_NE(table.out.find("CPO saves"), std::string::npos);
  const auto json = test::run_cli("topo --json platforms/vr-nvl144-pod8-cpo.xml");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["accelerators"]["count"], 576);
  EXPECT_EQ(j["domains"]["count"], 8);
  EXPECT_EQ(j["hop_diameter"]["links"], 5);
  EXPECT_EQ(j["power"]["optics"], "cpo");
  // A spec loads as well as its XML, with the same analysis.
  const auto from_spec = test::run_cli("topo --json platforms/vr-nvl144-pod8-cpo.yaml");
  ASSERT_EQ(from_spec.exit_code, 0) << from_spec.err;
  auto k = nlohmann::json::parse(from_spec.out);
  k["platform"] = j["platform"];
  EXPECT_EQ(k, j);
}

// Placement keeps a replica inside one NVLink domain of a generated pod (8 domains of 72) and
// names the domains when it cannot.
TEST(Topology, ReplicaSpanningNvlinkDomainsIsRefused) {
  const std::string dir = test::temp_dir("span");
  std::string sc = test::read_file(test::source_path("scenarios/quickstart.yaml"));
  const auto at = sc.find("platform: ");
  ASSERT_NE(at, std::string::npos);
  sc.replace(at, sc.find('\n', at) - at, "platform: " + test::source_path("platforms/vr-nvl144-pod8-cpo.yaml"));
  const auto tp = sc.find("tp: 8");
  ASSERT_NE(tp, std::string::npos);
  sc.replace(tp, 5, "tp: 96");
  const auto r = test::run_cli("validate " + test::write_file(dir + "/s.yaml", sc));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nvl0=72"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("allow_cross_domain"), std::string::npos) << r.err;
}

TEST(Topology, CliRefusesAMissingProperty) {
  const std::string dir = test::temp_dir("missing");
  const std::string xml = test::write_file(dir + "/nodevice.xml", R"(<?xml version="1.0"?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <cluster id="c" prefix="gpu" suffix="" radical="0-1" speed="1Tf" bw="100GBps" lat="1us">
    <prop id="tokenfab:role" value="gpu"/><prop id="tokenfab:domain" value="nvl0"/>
  </cluster>
</platform>
)");
  // The quickstart scenario on this platform.
  std::string sc = test::read_file(test::source_path("scenarios/quickstart.yaml"));
  const auto at = sc.find("platform: ");
  ASSERT_NE(at, std::string::npos);
  sc.replace(at, sc.find('\n', at) - at, "platform: nodevice.xml");
  const std::string scenario = test::write_file(dir + "/s.yaml", sc);
  const auto r = test::run_cli("validate " + scenario);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("host 'gpu0': tokenfab:device: missing property"), std::string::npos) << r.err;
}

// The power budget counts each rack's scale-up switches and fans at maximum draw and its power
// shelf's loss on the rest: HGX H100 = (8 GPUs + 4 NVSwitch chips + the fan wall) / efficiency.
TEST(Topology, PowerBudgetCountsRackEquipmentAndConversion) {
  const auto r = test::run_cli("topo --json " + test::source_path("platforms/hgx-h100.xml"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const Catalog catalog;
  const double load = 8 * catalog.device("h100-sxm").power.max->value +
                      4 * catalog.device("nvswitch-gen3").power.max->value +
                      catalog.device("hgx-8gpu-fans").power.max->value;
  const double total = load / catalog.device("titanium-server-psu").efficiency->value;
  EXPECT_NEAR(j["power"]["total_W"].get<double>(), total, 1e-9 * total);
}

}  // namespace
}  // namespace tokenfab
