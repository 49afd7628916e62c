// power_breakdown on a hand-made inventory: the rack classes (scale-up switches, fans, power
// conversion) and the per-rack charging of NICs, redone by hand with round catalog figures.
#include <gtest/gtest.h>

#include "sim/metrics/power_breakdown.hpp"

namespace tokenfab {
namespace {

Sourced w(double v) { return {v, "estimate", "test"}; }

std::optional<DeviceSpec> fake_catalog(const std::string& name) {
  DeviceSpec d;
  d.name = name;
  if (name == "tray") {
    d.kind = DeviceKind::ScaleUpSwitch;
    d.power.max = w(400);
  } else if (name == "fan") {
    d.kind = DeviceKind::Fan;
    d.power.idle = w(20);
    d.power.max = w(60);
  } else if (name == "shelf") {
    d.kind = DeviceKind::PowerShelf;
    d.efficiency = w(0.8);  // 1/0.8 - 1 = 0.25 exactly
  } else if (name == "nic") {
    d.kind = DeviceKind::Nic;
    d.power.max = w(50);
  } else {
    return std::nullopt;
  }
  return d;
}

// Two racks: rack0 with 8 GPUs and a NIC each, rack1 with 16 GPUs sharing 2 NICs (an LPX-like
// rack), plus a frontend NIC in no rack. Each rack: 9 trays, 27 fan sets, one shelf model.
PlatformInventory two_racks() {
  PlatformInventory inv;
  inv.accelerators = {{"gpu", 24}};
  inv.accelerators_by_rack = {{"rack0", 8}, {"rack1", 16}};
  inv.nics = {{"nic", 11}};
  inv.nics_by_rack["rack0"].nics = {{"nic", 8}};
  inv.nics_by_rack["rack0"].transceivers = 16;
  inv.nics_by_rack["rack0"].transceiver_watts = 16 * 10.0;
  inv.nics_by_rack["rack1"].nics = {{"nic", 2}};
  inv.nics_by_rack["rack1"].transceivers = 4;
  inv.nics_by_rack["rack1"].transceiver_watts = 4 * 10.0;
  inv.nics_by_rack[""].nics = {{"nic", 1}};
  inv.nic_transceivers = 20;
  inv.nic_transceiver_watts = 200;
  for (const char* r : {"rack0", "rack1"}) inv.racks[r] = {"tray", 9, "fan", 27, "shelf"};
  return inv;
}

double class_w(const PowerBreakdown& b, const std::string& c, bool peak = false) {
  for (const auto& cp : b.classes)
    if (cp.component == c) return peak ? cp.peak_w : cp.average_w;
  ADD_FAILURE() << "no class " << c;
  return 0;
}

TEST(RackPower, OneRackInUseCarriesItsOwnSwitchesFansAndNics) {
  // 8 GPUs of rack0 in use at 1 kW each, half busy.
  const std::map<std::string, AcceleratorDraw> draw{{"gpu", {8, 8000, 8000}}};
  const PowerBreakdown b = power_breakdown(two_racks(), draw, 0.5, fake_catalog, {{"rack0", 8}});
  EXPECT_DOUBLE_EQ(b.share, 8.0 / 24);
  EXPECT_DOUBLE_EQ(class_w(b, "scale-up switches"), 9 * 400.0);  // rack0's trays only
  EXPECT_DOUBLE_EQ(class_w(b, "fans"), 27 * (20 + 0.5 * (60 - 20)));
  EXPECT_DOUBLE_EQ(class_w(b, "fans", true), 27 * 60.0);
  // rack0's 8 NICs, none of rack1's, the frontend's by the pod share (by the pod share alone the
  // 11 NICs would be 11 x 8/24 = 3.67).
  EXPECT_DOUBLE_EQ(class_w(b, "nics"), (8 + 8.0 / 24) * 50);
  EXPECT_DOUBLE_EQ(class_w(b, "optics"), 16 * 10.0);
  // Conversion: a quarter of everything else.
  const double load = 8000 + 9 * 400.0 + 27 * 40.0 + (8 + 8.0 / 24) * 50 + 160;
  EXPECT_DOUBLE_EQ(class_w(b, "power conversion"), load * 0.25);
  EXPECT_DOUBLE_EQ(b.it_average_w, load * 1.25);
  EXPECT_TRUE(b.notes.empty());
}

TEST(RackPower, WholePodWithoutRackUseAttributionUsesTheShare) {
  const std::map<std::string, AcceleratorDraw> draw{{"gpu", {24, 24000, 24000}}};
  const PowerBreakdown b = power_breakdown(two_racks(), draw, 1.0, fake_catalog);
  EXPECT_DOUBLE_EQ(class_w(b, "scale-up switches"), 18 * 400.0);
  EXPECT_DOUBLE_EQ(class_w(b, "fans"), 54 * 60.0);
  EXPECT_DOUBLE_EQ(class_w(b, "nics"), 11 * 50.0);
  const double load = 24000 + 18 * 400.0 + 54 * 60.0 + 11 * 50.0 + 200;
  EXPECT_DOUBLE_EQ(class_w(b, "power conversion"), load * 0.25);
}

TEST(RackPower, RacksThatDoNotSayAreNotedAtZeroWatts) {
  PlatformInventory inv = two_racks();
  inv.racks.erase("rack1");
  inv.racks["rack0"].scale_up_switches.reset();  // a rack zone without the property
  const std::map<std::string, AcceleratorDraw> draw{{"gpu", {24, 24000, 24000}}};
  const PowerBreakdown b = power_breakdown(inv, draw, 1.0, fake_catalog);
  EXPECT_DOUBLE_EQ(class_w(b, "scale-up switches"), 0.0);
  EXPECT_DOUBLE_EQ(class_w(b, "fans"), 27 * 60.0);
  // rack0 converts its third of the load (8 of the 24 accelerators); rack1 says nothing.
  const double load = 24000 + 27 * 60.0 + 11 * 50.0 + 200;
  EXPECT_DOUBLE_EQ(class_w(b, "power conversion"), load * (8.0 / 24) * 0.25);
  ASSERT_EQ(b.notes.size(), 3u);
  EXPECT_NE(b.notes[0].find("rack rack0, rack1 has no tokenfab:scale_up_switches"), std::string::npos) << b.notes[0];
}

}  // namespace
}  // namespace tokenfab
