// The pod's IT power by component class: the accelerators' power by SimGrid's host energy model
// (idle + busy share x (max - idle)), plus the static power of the platform's inventory (CPUs,
// scale-up switches, NICs, switches, optics, DPUs, drives, rack fans) priced with the catalog's
// watts, plus the loss of the racks' AC -> DC power conversion on all of that. Facility cooling
// comes on top through the PUE (models/economics.hpp). Definitions: docs/metrics.md, "Energy and power".
//
// Plain arithmetic on counts and watts, so that a test can redo it by hand.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/catalog.hpp"
#include "sim/platform/inventory.hpp"

namespace tokenfab {

// Component classes, in report order.
inline const std::vector<std::string>& power_classes() {
  static const std::vector<std::string> k{"accelerators", "cpus", "scale-up switches", "nics", "switches", "optics",
                                          "dpus", "storage", "fans", "power conversion"};
  return k;
}

struct PowerItem {
  std::string component;  // one of power_classes()
  std::string item;       // catalog name (or what it is, for NIC-side transceivers)
  double count = 0;       // attributed to the pod: platform count x share (accelerators: used)
  double average_w = 0;   // over the run, all `count` together
  double peak_w = 0;
  std::string basis;      // how average and peak were obtained
  std::string mark;       // vendor claim | estimate | measured | spec | not in catalog
  std::string source;     // where the watts come from
};

struct ClassPower {
  std::string component;
  double average_w = 0;
  double peak_w = 0;
};

struct PowerBreakdown {
  double share = 1;  // used accelerators / the platform's accelerators
  std::vector<PowerItem> items;
  std::vector<ClassPower> classes;  // every class of power_classes(), summed from items
  double it_average_w = 0;
  double it_peak_w = 0;
  std::vector<std::string> notes;  // e.g. models the catalog lacks (left at 0 W)
};

// What the run measured for the accelerators it used, by catalog device.
struct AcceleratorDraw {
  double count = 0;
  double average_w = 0;  // idle + busy share x (max - idle): the energy plugin's model, W
  double peak_w = 0;     // catalog power.max x count (nameplate)
};

// `load` (0..1, the accelerators' busy fraction) places load-following components (catalog idle
// and max) between their idle and max watts; components with one figure draw it constantly.
// Infrastructure shared by the platform's accelerators is attributed by `share` (used / all),
// so a replica on part of a pod carries its part of the pod's network and storage. CPUs, NICs
// (with their transceivers), scale-up switches and fans sit in racks beside their accelerators:
// each rack's are charged by the share of that rack's accelerators in use (`used_by_rack`:
// accelerators the replicas use, by tokenfab:rack); those without a rack, in a rack without
// accelerators, or with `used_by_rack` empty, by `share`. Power conversion loses
// load x (1/efficiency - 1) on every other class, with the efficiency of the racks' power shelves
// weighted by the accelerators in use in each rack (all accelerators when `used_by_rack` is empty).
// `measured_cpus`, when given, replaces that estimate: the CPUs in the run's scope by model, with
// the energy plugin's draw from the work the run put on them (sim/serving/host_cpus.hpp).
PowerBreakdown power_breakdown(const PlatformInventory& inventory,
                               const std::map<std::string, AcceleratorDraw>& accelerators, double load,
                               const std::function<std::optional<DeviceSpec>(const std::string&)>& device,
                               const std::map<std::string, double>& used_by_rack = {},
                               const std::optional<std::map<std::string, AcceleratorDraw>>& measured_cpus = std::nullopt);

}  // namespace tokenfab
