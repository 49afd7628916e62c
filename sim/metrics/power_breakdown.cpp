#include "sim/metrics/power_breakdown.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tokenfab {
namespace {

std::string catalog_ref(const std::string& model, const std::string& fields) {
  return fmt::format("models/catalog/hardware/{}.yaml {}", model, fields);
}

// The weaker of two marks: an estimate anywhere makes the line an estimate.
std::string weaker(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty() || a == b) return a;
  return "estimate";
}

}  // namespace

PowerBreakdown power_breakdown(const PlatformInventory& inv, const std::map<std::string, AcceleratorDraw>& accelerators,
                               double load, const std::function<std::optional<DeviceSpec>(const std::string&)>& device,
                               const std::map<std::string, double>& used_by_rack,
                               const std::optional<std::map<std::string, AcceleratorDraw>>& measured_cpus) {
  PowerBreakdown b;
  double used = 0;
  for (const auto& [m, a] : accelerators) used += a.count;
  const long all = inv.accelerator_count();
  b.share = all > 0 && used > 0 ? std::min(1.0, used / static_cast<double>(all)) : 1.0;
  load = std::clamp(load, 0.0, 1.0);

  for (const auto& [m, a] : accelerators) {
    b.items.push_back({"accelerators", m, a.count, a.average_w, a.peak_w,
                       "average: power.idle + busy share x (power.max - power.idle) over the run (the energy plugin's model); peak: power.max x count", "",
                       catalog_ref(m, "power.idle, power.max")});
    const auto d = device(m);
    if (d && d->power.max) b.items.back().mark = weaker(d->power.idle ? d->power.idle->mark : "", d->power.max->mark);
  }

  // A device with idle and max follows the load; with max only, it draws max throughout. `n` is
  // the count attributed to the pod.
  auto device_line = [&](const std::string& component, const std::string& model, double n) {
    PowerItem it{component, model.empty() ? "(no tokenfab:device)" : model, n, 0, 0, "", "not in catalog", ""};
    const auto d = model.empty() ? std::nullopt : device(model);
    if (!d || !d->power.max) {
      b.notes.push_back(fmt::format("{} '{}' has no power.max in the catalog: counted at 0 W", component, it.item));
      b.items.push_back(it);
      return;
    }
    const double max = d->power.max->value;
    it.peak_w = n * max;
    if (d->power.idle) {
      const double idle = d->power.idle->value;
      it.average_w = n * (idle + load * (max - idle));
      it.basis = "average: power.idle + accelerator busy fraction x (power.max - power.idle); peak: power.max";
      it.mark = weaker(d->power.idle->mark, d->power.max->mark);
      it.source = catalog_ref(model, "power.idle, power.max");
    } else {
      it.average_w = it.peak_w;
      it.basis = "power.max throughout (no idle figure)";
      it.mark = d->power.max->mark;
      it.source = catalog_ref(model, "power.max");
    }
    b.items.push_back(it);
  };
  auto shared = [&](long platform_count) { return static_cast<double>(platform_count) * b.share; };
  std::map<std::string, double> cpus;  // model -> CPUs attributed
  if (measured_cpus) {
    for (const auto& [m, d] : *measured_cpus) {
      const auto spec = m.empty() ? std::nullopt : device(m);
      if (!spec || !spec->power.max || !spec->power.idle) {
        device_line("cpus", m, d.count);  // notes the missing figures, 0 W
        continue;
      }
      b.items.push_back({"cpus", m, d.count, d.average_w, d.peak_w,
                         "SimGrid energy plugin on the CPU hosts: power.idle + busy cores / cores x (power.max - "
                         "power.idle), busy cores = serving.host_cores_per_device per device of a working replica "
                         "+ running tool calls; peak: power.max x count",
                         weaker(spec->power.idle->mark, spec->power.max->mark), catalog_ref(m, "power.idle, power.max, cores")});
    }
  }
  static const decltype(inv.cpus_by_rack) kMeasuredInstead;  // measured CPUs replace the estimate
  for (const auto& [rack, models] : measured_cpus ? kMeasuredInstead : inv.cpus_by_rack) {
    double share = b.share;
    const auto in_rack = inv.accelerators_by_rack.find(rack);
    if (!used_by_rack.empty() && !rack.empty() && in_rack != inv.accelerators_by_rack.end() && in_rack->second > 0) {
      const auto used = used_by_rack.find(rack);
      share = (used == used_by_rack.end() ? 0.0 : used->second) / static_cast<double>(in_rack->second);
    }
    for (const auto& [m, c] : models) cpus[m] += static_cast<double>(c) * share;
  }
  for (const auto& [m, n] : cpus) device_line("cpus", m, n);
  // The share of a rack's accelerators in use (see the header).
  auto rack_share = [&](const std::string& rack) {
    const auto in_rack = inv.accelerators_by_rack.find(rack);
    if (used_by_rack.empty() || rack.empty() || in_rack == inv.accelerators_by_rack.end() || in_rack->second <= 0)
      return b.share;
    const auto used = used_by_rack.find(rack);
    return (used == used_by_rack.end() ? 0.0 : used->second) / static_cast<double>(in_rack->second);
  };
  auto list = [](const std::vector<std::string>& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size() && i < 4; ++i) out += (i ? ", " : "") + v[i];
    return v.size() > 4 ? out + fmt::format(" and {} more", v.size() - 4) : out;
  };

  // Scale-up switches and fans of the racks in use; racks whose zone does not say are noted.
  std::map<std::string, double> scale_up, fans;
  std::vector<std::string> no_scale_up, no_fans;
  for (const auto& [rack, r] : inv.racks) {
    const double share = rack_share(rack);
    if (share <= 0) continue;
    if (r.scale_up_switches && *r.scale_up_switches > 0)
      scale_up[r.scale_up_switch] += static_cast<double>(*r.scale_up_switches) * share;
    if (!r.scale_up_switches) no_scale_up.push_back(rack);
    if (r.fans > 0) fans[r.fan] += static_cast<double>(r.fans) * share;
    else no_fans.push_back(rack);
  }
  for (const auto& [rack, n] : inv.accelerators_by_rack) {  // accelerators outside any rack zone
    if (inv.racks.count(rack) || rack_share(rack) <= 0) continue;
    no_scale_up.push_back(rack.empty() ? "(none)" : rack);
    no_fans.push_back(rack.empty() ? "(none)" : rack);
  }
  if (!no_scale_up.empty())
    b.notes.push_back(fmt::format("rack {} has no tokenfab:scale_up_switches property: scale-up switches counted at 0 W",
                                  list(no_scale_up)));
  if (!no_fans.empty())
    b.notes.push_back(fmt::format("rack {} has no tokenfab:fans property: fans counted at 0 W", list(no_fans)));
  for (const auto& [m, n] : scale_up) device_line("scale-up switches", m, n);

  // NICs and their transceivers by the rack of their accelerators, like the CPUs.
  std::map<std::string, double> nics;  // model -> NICs attributed
  double transceivers = 0, transceiver_w = 0;
  for (const auto& [rack, c] : inv.nics_by_rack) {
    const double share = rack_share(rack);
    for (const auto& [m, n] : c.nics) nics[m] += static_cast<double>(n) * share;
    transceivers += static_cast<double>(c.transceivers) * share;
    transceiver_w += c.transceiver_watts * share;
  }
  for (const auto& [m, n] : nics) device_line("nics", m, n);

  // Switch power does not follow the load (SerDes and optics stay lit): constant, asic + optics.
  for (const auto& [m, s] : inv.switches) {
    const double n = static_cast<double>(s.switches) * b.share;
    const double ports = static_cast<double>(s.ports) * b.share;
    const auto d = device(m);
    if (!d || !d->power.asic || !d->power.optics_per_port) {
      b.notes.push_back(fmt::format("switch '{}' has no power.asic / power.optics_per_port in the catalog: counted at 0 W", m));
      b.items.push_back({"switches", m, n, 0, 0, "", "not in catalog", ""});
      continue;
    }
    const double asic = n * d->power.asic->value;
    b.items.push_back({"switches", m, n, asic, asic, "power.asic x switches, constant", d->power.asic->mark,
                       catalog_ref(m, "power.asic")});
    const double optics = ports * d->power.optics_per_port->value;
    b.items.push_back({"optics", fmt::format("{} ports ({})", m, d->optics.empty() ? "optics" : d->optics), ports,
                       optics, optics, "power.optics_per_port x ports in use, constant",
                       d->power.optics_per_port->mark, catalog_ref(m, "power.optics_per_port")});
  }
  if (inv.nic_transceivers > 0) {
    b.items.push_back({"optics", "NIC-side transceivers (pluggable)", transceivers, transceiver_w, transceiver_w,
                       "tokenfab:transceiver_power x transceivers, constant", "spec",
                       "the platform spec's scale_out.transceiver_power (sourced in the spec)"});
  }
  for (const auto& [m, c] : inv.dpus) device_line("dpus", m, shared(c));
  for (const auto& [m, c] : inv.drives) device_line("storage", m, shared(c));
  for (const auto& [m, n] : fans) device_line("fans", m, n);

  // Power conversion: the load is every item so far; each shelf model converts the part of it that
  // its racks' accelerators in use stand for (network and storage racks taken to have the same
  // shelves as the accelerator racks).
  double load_avg = 0, load_peak = 0;
  for (const auto& it : b.items) {
    load_avg += it.average_w;
    load_peak += it.peak_w;
  }
  std::map<std::string, std::pair<double, double>> shelves;  // model -> (accelerator weight, racks attributed)
  double weight = 0;
  std::vector<std::string> no_shelf;
  for (const auto& [rack, n] : inv.accelerators_by_rack) {
    const auto u = used_by_rack.find(rack);
    const double w = used_by_rack.empty() ? static_cast<double>(n) : (u == used_by_rack.end() ? 0.0 : u->second);
    if (w <= 0) continue;
    weight += w;
    const auto r = inv.racks.find(rack);
    if (r == inv.racks.end() || r->second.power_shelf.empty()) {
      no_shelf.push_back(rack.empty() ? "(none)" : rack);
      continue;
    }
    shelves[r->second.power_shelf].first += w;
    shelves[r->second.power_shelf].second += n > 0 ? w / static_cast<double>(n) : 0.0;
  }
  if (!no_shelf.empty())
    b.notes.push_back(fmt::format("rack {} has no tokenfab:power_shelf property: its power conversion counted at 0 W",
                                  list(no_shelf)));
  for (const auto& [m, sh] : shelves) {
    const auto d = device(m);
    if (!d || !d->efficiency || d->efficiency->value <= 0) {
      b.notes.push_back(fmt::format("power conversion '{}' has no efficiency in the catalog: counted at 0 W", m));
      b.items.push_back({"power conversion", m, sh.second, 0, 0, "", "not in catalog", ""});
      continue;
    }
    const double loss = (sh.first / weight) * (1 / d->efficiency->value - 1);
    b.items.push_back({"power conversion", m, sh.second, load_avg * loss, load_peak * loss,
                       "IT load of the other classes x (1/efficiency - 1), for the share of the accelerators in use "
                       "in racks with this shelf",
                       d->efficiency->mark, catalog_ref(m, "efficiency")});
  }

  for (const auto& c : power_classes()) {
    ClassPower cp{c, 0, 0};
    for (const auto& it : b.items) {
      if (it.component != c) continue;
      cp.average_w += it.average_w;
      cp.peak_w += it.peak_w;
    }
    b.it_average_w += cp.average_w;
    b.it_peak_w += cp.peak_w;
    b.classes.push_back(cp);
  }
  std::sort(b.notes.begin(), b.notes.end());
  b.notes.erase(std::unique(b.notes.begin(), b.notes.end()), b.notes.end());
  return b;
}

}  // namespace tokenfab
