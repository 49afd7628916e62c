// What a loaded platform holds besides its links' bandwidths: accelerators, CPUs, NICs and their
// transceivers, switches and their ports in use, storage DPUs and drives, counted from the
// tokenfab:* properties the platform generator writes (docs/platforms.md). The run's static power
// (sim/metrics/power_breakdown.hpp) prices these counts with the catalog's watts.
//
// Reads the engine's hosts, links and zones directly (no route graph), so that every run can afford it.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace simgrid::s4u {
class Engine;
}

namespace tokenfab {

struct SwitchCount {
  long switches = 0;
  long ports = 0;  // ports in use (leaf down + up, spine and core ports)
};

// What a rack zone's properties say about the rack besides its hosts and links (written by the
// platform generator; a hand-written platform may lack them).
// A rack without a scale-up switch (chips linked directly) says tokenfab:scale_up_switches="0";
// a missing property means the platform does not say (nullopt, priced at 0 W with a note).
struct RackInfrastructure {
  std::string scale_up_switch;                // tokenfab:scale_up_switch (catalog scale-up-switch)
  std::optional<long> scale_up_switches;      // tokenfab:scale_up_switches, per rack
  std::string fan;                            // tokenfab:fan (catalog fan)
  long fans = 0;                              // tokenfab:fans, per rack
  std::string power_shelf;                    // tokenfab:power_shelf (catalog power-shelf)
};

// NIC-side counts of one rack (or of no rack: "").
struct NicCount {
  std::map<std::string, long> nics;  // by tokenfab:nic
  long transceivers = 0;
  double transceiver_watts = 0;
};

struct PlatformInventory {
  std::map<std::string, long> accelerators;  // tokenfab:role=gpu hosts by tokenfab:device
  std::map<std::string, long> cpus;          // role=cpu hosts (and a frontend with a device); "" = no device
  std::map<std::string, long> nics;          // scale-out NICs by tokenfab:nic
  long nic_transceivers = 0;                 // NIC-side pluggable modules (tokenfab:transceivers)
  double nic_transceiver_watts = 0;          // their summed tokenfab:transceiver_power, W
  std::map<std::string, SwitchCount> switches;  // by tokenfab:switch (catalog switch)
  std::map<std::string, long> dpus;          // role=storage hosts by tokenfab:device
  std::map<std::string, long> drives;        // disks by tokenfab:device; "" = no device
  std::map<std::string, long> accelerators_by_rack;                // by tokenfab:rack ("" = none)
  std::map<std::string, std::map<std::string, long>> cpus_by_rack;  // rack -> CPU model -> count
  // NICs by the rack of their accelerators (tokenfab:rack of the NIC link, or of the host a
  // "nic_<host>" link serves); "" = not in a rack (storage, frontend) or not known.
  std::map<std::string, NicCount> nics_by_rack;
  std::map<std::string, RackInfrastructure> racks;  // zones with tokenfab:rack, by rack
  long accelerator_count() const;
};

// Counts the inventory of the platform loaded in `engine`; each split-duplex link once.
PlatformInventory read_inventory(const simgrid::s4u::Engine& engine);

}  // namespace tokenfab
