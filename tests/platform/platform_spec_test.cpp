// Platform specs: bad specs give one clear error naming file, line and key; fabrics are sized
// from the catalog's switch ports as a hand computation says.
#include <gtest/gtest.h>

#include "models/catalog.hpp"
#include "sim/platform/layout.hpp"
#include "sim/platform/spec.hpp"
#include "tests/platform/platform_fixtures.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

using test::TestHardware;

// The error a spec gives when built against the test catalog, as "line:col: path: problem".
std::string error_of(const std::string& yaml) {
  const std::string dir = test::temp_dir("spec");
  const Catalog catalog(test::write_test_catalog(dir));
  try {
    (void)build_layout(parse_platform_spec(yaml, "bad.yaml"), catalog);
  } catch (const ConfigError& e) {
    return fmt::format("{}:{}: {}: {}", e.where().line, e.where().column, e.key_path(), e.problem());
  }
  return "no error";
}

const std::string kGood = test::small_fabric_spec(2, 1);

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto i = s.find(from);
  EXPECT_NE(i, std::string::npos) << from;
  if (i != std::string::npos) s.replace(i, from.size(), to);
  return s;
}

TEST(PlatformSpec, GoodSpecBuilds) { EXPECT_EQ(error_of(kGood), "no error"); }

TEST(PlatformSpec, UnknownKeySuggestsTheNearestOne) {
  const auto e = error_of(replace(kGood, "oversubscription:", "oversubscripton:"));
  EXPECT_NE(e.find("scale_out.oversubscripton"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'oversubscription'"), std::string::npos) << e;
}

TEST(PlatformSpec, UnknownCatalogEntryPointsAtTheSpecLine) {
  const auto e = error_of(replace(kGood, "accelerator: test-gpu", "accelerator: test-gpx"));
  EXPECT_EQ(e.rfind("5:18: racks[0].accelerator: no device named 'test-gpx'", 0), 0u) << e;
  EXPECT_NE(e.find("did you mean 'test-gpu'"), std::string::npos) << e;
}

TEST(PlatformSpec, CatalogEntryOfTheWrongKindIsRefused) {
  const auto e = error_of(replace(kGood, "accelerator: test-gpu", "accelerator: test-cpu"));
  EXPECT_NE(e.find("racks[0].accelerator: 'test-cpu' is a cpu in the catalog"), std::string::npos) << e;
}

TEST(PlatformSpec, DomainMustDivideTheRack) {
  const auto e = error_of(replace(kGood, "domain: 8", "domain: 3"));
  EXPECT_NE(e.find("racks[0].scale_up.domain: 3 does not divide per_rack 8"), std::string::npos) << e;
}

TEST(PlatformSpec, ScaleUpSwitchNeedsItsCountAndTheRightKind) {
  EXPECT_NE(error_of(replace(kGood, "link_latency: 0.25us}", "link_latency: 0.25us, switch: test-nic}"))
                .find("racks[0].scale_up.switches: missing: 'switch' is given"),
            std::string::npos);
  EXPECT_NE(error_of(replace(kGood, "link_latency: 0.25us}", "link_latency: 0.25us, switches: 2}"))
                .find("racks[0].scale_up.switches: given without 'switch'"),
            std::string::npos);
  const auto e = error_of(replace(kGood, "link_latency: 0.25us}", "link_latency: 0.25us, switch: test-nic, switches: 2}"));
  EXPECT_NE(e.find("racks[0].scale_up.switch: 'test-nic' is a nic in the catalog"), std::string::npos) << e;
}

TEST(PlatformSpec, RackPowerChecksItsFansAndShelfKind) {
  const std::string rack = "    scale_up: {domain: 8, link_latency: 0.25us}\n";
  EXPECT_NE(error_of(replace(kGood, rack, rack + "    rack_power: {fan: test-nic}\n"))
                .find("racks[0].rack_power.fans: missing: 'fan' is given"),
            std::string::npos);
  const auto e = error_of(replace(kGood, rack, rack + "    rack_power: {shelf: test-nic}\n"));
  EXPECT_NE(e.find("racks[0].rack_power.shelf: 'test-nic' is a nic in the catalog"), std::string::npos) << e;
}

TEST(PlatformSpec, CpusMustCoverTheRack) {
  const auto e = error_of(replace(kGood, "accelerators_per_cpu: 8", "accelerators_per_cpu: 4"));
  EXPECT_NE(e.find("racks[0].cpus.accelerators_per_cpu: 1 CPUs x 4 accelerators per CPU != 8"), std::string::npos) << e;
}

TEST(PlatformSpec, SeveralRacksNeedAFabric) {
  std::string s = kGood.substr(0, kGood.find("scale_out:"));
  s += "frontend: {host: rack0-cpu0}\n";
  s = replace(s, "    nic: {model: test-nic}\n", "");
  const auto e = error_of(s);
  EXPECT_NE(e.find("racks: 2 racks need a scale_out fabric"), std::string::npos) << e;
}

TEST(PlatformSpec, FrontendMustBeOneOfHostOrNic) {
  EXPECT_NE(error_of(replace(kGood, "frontend: {host: rack0-cpu0}", "frontend: {host: rack0-cpu0, nic: test-nic}"))
                .find("give exactly one of 'host' and 'nic'"),
            std::string::npos);
  const auto e = error_of(replace(kGood, "frontend: {host: rack0-cpu0}", "frontend: {host: rack0-gpu0}"));
  EXPECT_NE(e.find("frontend.host: 'rack0-gpu0' is not a CPU host of this platform"), std::string::npos) << e;
}

TEST(PlatformSpec, NicFasterThanTheSwitchIsRefused) {
  const std::string dir = test::temp_dir("fast");
  const std::string root = test::write_test_catalog(dir);
  test::write_file(root + "/hardware/test-nic.yaml",
                   "name: test-nic\nkind: nic\nport_speed: {value: 800Gbps, mark: estimate, source: t}\n");
  try {
    (void)build_layout(parse_platform_spec(kGood, "x.yaml"), Catalog(root));
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key_path(), "racks[0].nic.model");
    EXPECT_NE(std::string(e.problem()).find("faster than test-switch ports"), std::string::npos) << e.problem();
  }
}

TEST(PlatformSpec, TwoTierFabricSizedFromSwitchPorts) {
  const std::string dir = test::temp_dir("size");
  const Catalog catalog(test::write_test_catalog(dir));
  // 3:1 leaves of 8 ports: 6 down, 2 up; 8 one-port NICs per rack need 2 leaves; 4 racks, 8 leaves.
  const auto l = build_layout(parse_platform_spec(test::small_fabric_spec(4, 3), "s.yaml"), catalog);
  const int k = TestHardware::switch_ports, down = 6, up = k - down;
  const int leaves_per_rack = (8 + down - 1) / down;
  EXPECT_EQ(l.fabric.down, down);
  EXPECT_EQ(l.fabric.up, up);
  EXPECT_EQ(l.fabric.leaves, 4 * leaves_per_rack);
  EXPECT_EQ(l.fabric.tiers, 2);
  EXPECT_EQ(l.fabric.spines, (4 * leaves_per_rack * up + k - 1) / k);
  EXPECT_EQ(l.accelerators, 32);
  EXPECT_EQ(l.frontend, "rack0-cpu0");
}

TEST(PlatformSpec, ThreeTiersWhenLeavesOutnumberSwitchPorts) {
  const std::string dir = test::temp_dir("tiers");
  const Catalog catalog(test::write_test_catalog(dir));
  // 6 racks x 2 leaves = 12 leaves > 8 ports: blocks of k/2 = 4 leaves (2 racks), 3 blocks of
  // `up` spines each, and blocks x up x k/2 spine uplinks over k-port core switches.
  const auto l = build_layout(parse_platform_spec(test::small_fabric_spec(6, 3), "s.yaml"), catalog);
  const int k = TestHardware::switch_ports, up = 2, blocks = 3;
  EXPECT_EQ(l.fabric.leaves, 12);
  EXPECT_EQ(l.fabric.tiers, 3);
  EXPECT_EQ(l.fabric.blocks, blocks);
  EXPECT_EQ(l.fabric.spines, blocks * up);
  EXPECT_EQ(l.fabric.super_spines, (blocks * up * (k / 2) + k - 1) / k);
}

TEST(PlatformSpec, RailOptimisedStripesNicsOverTheDomainsLeaves) {
  const std::string dir = test::temp_dir("rails");
  const Catalog catalog(test::write_test_catalog(dir));
  const std::string spec = replace(test::small_fabric_spec(2, 3), "  switch: test-switch\n",
                                   "  switch: test-switch\n  topology: rail-optimised\n");
  const auto l = build_layout(parse_platform_spec(spec, "s.yaml"), catalog);
  // GPU i goes to leaf i mod 2: consecutive GPUs never share a leaf.
  const auto& rack0 = l.root.zones.front();
  int checked = 0;
  for (const auto& r : rack0.routes) {
    if (r.links.size() != 1 || r.links[0].first.rfind("nic_", 0) != 0) continue;
    const int gpu = std::stoi(r.src.substr(r.src.find("gpu") + 3));
    EXPECT_EQ(r.dst, fmt::format("rack0-leaf{}", gpu % 2)) << r.src;
    ++checked;
  }
  EXPECT_EQ(checked, 8);
}

TEST(PlatformSpec, ShippedSpecsAllBuild) {
  const Catalog catalog;
  for (const auto& name : {"hgx-h100", "hgx-h200", "dgx-b200", "gb200-nvl72", "gb300-nvl72", "vr-nvl144",
                           "kyber-nvl144", "groq-lpx", "vr-nvl144-pod8-pluggable", "vr-nvl144-pod8-cpo",
                           "kyber-nvl144-pod8-pluggable", "kyber-nvl144-pod8-cpo"}) {
    const auto spec = load_platform_spec(test::source_path(std::string("platforms/") + name + ".yaml"));
    EXPECT_EQ(spec.name, name);
    EXPECT_NO_THROW((void)build_layout(spec, catalog)) << name;
  }
}

TEST(PlatformSpec, KyberPodHas1152GpuPackages) {
  const auto l = build_layout(load_platform_spec(test::source_path("platforms/kyber-nvl144-pod8-cpo.yaml")), Catalog());
  EXPECT_EQ(l.accelerators, 8 * 144);
  EXPECT_EQ(l.storage.nodes, 16);
}

}  // namespace
}  // namespace tokenfab
