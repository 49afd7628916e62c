// What `tokenfab topo` reports about a loaded platform: accelerators by model, scale-up domains
// (connected components over NVLink / LPU links), hop diameter, bisection bandwidth (max-flow
// between the two halves of the accelerators), oversubscription, inventory and power budget, with
// what co-packaged optics save against pluggable ones (catalog per-port figures).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/catalog.hpp"
#include "sim/platform/inventory.hpp"
#include "sim/topology/graph.hpp"

namespace tokenfab {

struct DomainGroup {
  std::string device;
  int size = 0;
  int count = 0;  // domains of this device and size
};

struct InventoryLine {
  std::string item;   // accelerator, cpu, nic, dpu, drive, switch, switch port, transceiver
  std::string model;
  long count = 0;
  std::string note;
};

struct PowerLine {
  std::string group;  // accelerators, cpus, network, storage, rack (scale-up switches, fans, conversion)
  std::string item;
  long count = 0;
  double watts = 0;
  std::string basis;  // how it was computed
};

struct TopologyReport {
  std::string platform;
  std::map<std::string, int> accelerators;  // by catalog device
  int accelerator_count = 0;
  bool domains_detected = false;            // links carry tokenfab:kind=nvlink|lpu-link
  std::vector<DomainGroup> domains;         // by device and size
  int domain_count = 0;
  std::vector<std::string> domain_problems; // declared tokenfab:domain disagreeing with the links
  int hop_diameter = 0;                     // most links on a shortest path between two accelerators
  std::string diameter_from, diameter_to;
  double bisection = 0;                     // B/s, first half of the accelerators -> second half
  double scale_out_bisection = 0;           // B/s, without scale-up and CPU links
  double injection = 0;                     // B/s, scale-out NIC bandwidth of the first half
  double oversubscription = 0;              // injection / scale_out_bisection (0 when no scale-out)
  double leaf_oversubscription = 0;         // most leaf downlink:uplink ports
  std::vector<InventoryLine> inventory;
  std::vector<PowerLine> power;
  double power_total = 0;
  double network_power = 0;
  double optics_power = 0;                  // switch-side optics, as built
  std::string optics;                       // pluggable | cpo | mixed | none
  double optics_power_pluggable = 0;        // the same ports with the catalog's pluggable per-port figure
  double optics_power_cpo = 0;              // ... and with its CPO per-port figure
  std::string pluggable_switch, cpo_switch; // catalog entries those figures come from
  std::vector<std::string> notes;
};

// `catalog` prices power and tells switch optics; `name` labels the report. `racks` (the
// platform's inventory, sim/platform/inventory.hpp), when given, adds each rack's scale-up
// switches and fans at maximum draw and its power shelves' conversion loss on the rest.
TopologyReport analyse_topology(const Topology& topology, const Catalog& catalog, const std::string& name,
                                const PlatformInventory* racks = nullptr);

// Accelerator hosts in platform order (declared domain, then index, then name), as placement sees them.
std::vector<TopoVertex> accelerators_in_order(const Topology& topology);

// Checks that every declared tokenfab:domain lies inside one scale-up component; throws
// ConfigError naming the file and the domain otherwise. No-op when no link is tagged scale-up.
void check_declared_domains(const Topology& topology, const std::string& file);

std::string render_topology_table(const TopologyReport& report);
nlohmann::json topology_json(const TopologyReport& report);

}  // namespace tokenfab
