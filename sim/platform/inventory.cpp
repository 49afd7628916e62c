#include "sim/platform/inventory.hpp"

#include <cstdlib>
#include <set>
#include <unordered_map>

#include <simgrid/s4u/Disk.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/NetZone.hpp>

namespace tokenfab {
namespace {

std::string prop(const char* v) { return v ? std::string(v) : std::string(); }

// Malformed numbers count as 0 here: the platform checks (inspect_platform, tokenfab topo) report
// them; the inventory only prices what is there.
long to_long(const std::string& s) { return s.empty() ? 0 : std::strtol(s.c_str(), nullptr, 10); }
double to_double(const std::string& s) { return s.empty() ? 0 : std::strtod(s.c_str(), nullptr); }

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void read_zones(const simgrid::s4u::NetZone* z, PlatformInventory& inv) {
  const std::string rack = prop(z->get_property("tokenfab:rack"));
  if (!rack.empty()) {
    RackInfrastructure& r = inv.racks[rack];
    r.scale_up_switch = prop(z->get_property("tokenfab:scale_up_switch"));
    if (const char* n = z->get_property("tokenfab:scale_up_switches")) r.scale_up_switches = to_long(n);
    r.fan = prop(z->get_property("tokenfab:fan"));
    r.fans = to_long(prop(z->get_property("tokenfab:fans")));
    r.power_shelf = prop(z->get_property("tokenfab:power_shelf"));
  }
  for (const auto* c : z->get_children()) read_zones(c, inv);
}

}  // namespace

long PlatformInventory::accelerator_count() const {
  long n = 0;
  for (const auto& [m, c] : accelerators) n += c;
  return n;
}

PlatformInventory read_inventory(const simgrid::s4u::Engine& engine) {
  PlatformInventory inv;
  read_zones(engine.get_netzone_root(), inv);
  std::unordered_map<std::string, std::string> host_rack;  // for NIC links without tokenfab:rack
  for (const auto* h : engine.get_all_hosts()) {
    const std::string role = prop(h->get_property("tokenfab:role"));
    const std::string device = prop(h->get_property("tokenfab:device"));
    const std::string rack = prop(h->get_property("tokenfab:rack"));
    if (!rack.empty()) host_rack.emplace(h->get_name(), rack);
    if (role == "gpu") {
      inv.accelerators[device] += 1;
      inv.accelerators_by_rack[rack] += 1;
    }
    if (role == "cpu" || (role == "frontend" && !device.empty())) {
      inv.cpus[device] += 1;
      inv.cpus_by_rack[rack][device] += 1;
    }
    if (role == "storage") inv.dpus[device] += 1;
    for (const auto* d : h->get_disks()) inv.drives[prop(d->get_property("tokenfab:device"))] += 1;
  }
  // SimGrid keeps a split-duplex link's properties on the link, not on its x_UP / x_DOWN
  // directions: look the parent up from its _UP direction only (the lookup walks every zone).
  std::set<const simgrid::s4u::Link*> seen;
  for (const auto* l : engine.get_all_links()) {
    const std::string& name = l->get_name();
    if (ends_with(name, "_DOWN") || name == "__loopback__") continue;
    const simgrid::s4u::Link* holder = l;
    if (ends_with(name, "_UP")) {
      try {
        holder = engine.split_duplex_link_by_name(name.substr(0, name.size() - 3));
      } catch (const std::exception&) {
        holder = l;  // a plain link whose name happens to end in _UP
      }
      if (!holder) holder = l;
    }
    if (!seen.insert(holder).second) continue;
    auto p = [holder](const char* key) { return prop(holder->get_property(key)); };
    const std::string kind = p("tokenfab:kind");
    if (kind == "nic") {
      const std::string model = p("tokenfab:nic");
      const long t = to_long(p("tokenfab:transceivers"));
      const double w = static_cast<double>(t) * to_double(p("tokenfab:transceiver_power"));
      std::string rack = p("tokenfab:rack");
      // Platforms written before NIC links carried their rack: a per-accelerator NIC is named
      // nic_<host> (docs/platforms.md), and the host has tokenfab:rack.
      const std::string& base = holder->get_name();
      if (rack.empty() && base.rfind("nic_", 0) == 0)
        if (const auto it = host_rack.find(base.substr(4)); it != host_rack.end()) rack = it->second;
      NicCount& by_rack = inv.nics_by_rack[rack];
      if (!model.empty()) {
        inv.nics[model] += 1;
        by_rack.nics[model] += 1;
      }
      inv.nic_transceivers += t;
      inv.nic_transceiver_watts += w;
      by_rack.transceivers += t;
      by_rack.transceiver_watts += w;
    } else if (kind == "leaf-uplink") {
      auto& s = inv.switches[p("tokenfab:switch")];
      s.switches += 1;
      s.ports += to_long(p("tokenfab:ports_down")) + to_long(p("tokenfab:ports_up"));
    } else if (kind == "spine" || kind == "core") {
      auto& s = inv.switches[p("tokenfab:switch")];
      s.switches += to_long(p("tokenfab:switches"));
      s.ports += to_long(p("tokenfab:ports"));
    }
  }
  return inv;
}

}  // namespace tokenfab
