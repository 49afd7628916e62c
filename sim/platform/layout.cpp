#include "sim/platform/layout.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace tokenfab {
namespace {

DeviceSpec lookup(const Catalog& catalog, const CatalogRef& ref, const std::vector<DeviceKind>& kinds,
                  const std::string& expected) {
  DeviceSpec d;
  try {
    d = catalog.device(ref.name);
  } catch (const ConfigError& e) {
    throw ConfigError(ref.where, ref.path, e.problem(), e.expected());
  }
  if (std::find(kinds.begin(), kinds.end(), d.kind) == kinds.end())
    throw ConfigError(ref.where, ref.path, fmt::format("'{}' is a {} in the catalog", ref.name, device_kind_name(d.kind)),
                      expected);
  return d;
}

const Sourced& need(const std::optional<Sourced>& f, const CatalogRef& ref, const std::string& field) {
  if (!f)
    throw ConfigError(ref.where, ref.path, fmt::format("catalog entry '{}' has no {}", ref.name, field),
                      "a catalog entry with " + field);
  return *f;
}

// "(vendor claim: source)", without repeating a mark the source already starts with.
std::string provenance(const Sourced& s) {
  return s.source.rfind(s.mark, 0) == 0 ? "(" + s.source + ")" : fmt::format("({}: {})", s.mark, s.source);
}
std::string cite(const std::string& what, const Sourced& s, Dimension dim) {
  return fmt::format("{} = {} {}", what, format_quantity(s.value, dim), provenance(s));
}
std::string cite_count(const std::string& what, const Sourced& s) {
  return fmt::format("{} = {} {}", what, s.value, provenance(s));
}

int count_of(const std::optional<Sourced>& f, int fallback) {
  return f ? static_cast<int>(std::lround(f->value)) : fallback;
}

int ceil_div(int a, int b) { return (a + b - 1) / b; }

// The fabric's switch figures, shared by every tier.
struct Fabric {
  const FabricConfig* cfg = nullptr;
  DeviceSpec sw;
  int radix = 0;
  double port_speed = 0;
  int down = 0, up = 0;
};

LayoutLink nic_link(const std::string& id, double bandwidth, int ports, const Fabric& f, const std::string& nic_model) {
  LayoutLink l;
  l.id = id;
  l.bandwidth = bandwidth;
  // Half of each switch's latency is carried by each link through it, so a path's latency is its
  // cables plus every switch it crosses, once.
  l.latency = f.cfg->nic_latency + f.cfg->cable_latency + f.cfg->switch_latency / 2;
  l.props = {{"tokenfab:kind", "nic"}};
  if (!nic_model.empty()) l.props.emplace_back("tokenfab:nic", nic_model);
  l.props.emplace_back("tokenfab:ports", std::to_string(ports));
  l.props.emplace_back("tokenfab:transceivers", std::to_string(ports));
  l.props.emplace_back("tokenfab:transceiver_power", fmt::format("{}", f.cfg->transceiver_power));
  return l;
}

LayoutLink leaf_uplink(const std::string& id, int used_down, const Fabric& f) {
  LayoutLink l;
  l.id = id;
  l.bandwidth = f.up * f.port_speed;  // Spectrum-X adaptive routing spreads a leaf's traffic over all its uplinks
  l.latency = f.cfg->cable_latency + f.cfg->switch_latency;
  l.props = {{"tokenfab:kind", "leaf-uplink"},
             {"tokenfab:switch", f.sw.name},
             {"tokenfab:ports_down", std::to_string(used_down)},
             {"tokenfab:ports_up", std::to_string(f.up)}};
  return l;
}

// Leaf of each NIC of a rack, domain-aligned: a domain never shares a leaf with part of another
// domain, so that no route between domains can take a shortcut over NVLink to another GPU's NIC.
struct LeafPlan {
  std::vector<int> nic_leaf;
  std::vector<int> leaf_ports;
};

LeafPlan plan_leaves(int nics, int nics_per_domain, int ports_per_nic, int per_leaf, bool striped) {
  LeafPlan p;
  p.nic_leaf.resize(nics);
  const int domains = nics / nics_per_domain;
  if (nics_per_domain >= per_leaf) {
    const int leaves_per_domain = ceil_div(nics_per_domain, per_leaf);
    for (int n = 0; n < nics; ++n) {
      const int dom = n / nics_per_domain, local = n % nics_per_domain;
      p.nic_leaf[n] = dom * leaves_per_domain + (striped ? local % leaves_per_domain : local / per_leaf);
    }
    p.leaf_ports.assign(domains * leaves_per_domain, 0);
  } else {
    const int domains_per_leaf = per_leaf / nics_per_domain;
    for (int n = 0; n < nics; ++n) p.nic_leaf[n] = (n / nics_per_domain) / domains_per_leaf;
    p.leaf_ports.assign(ceil_div(domains, domains_per_leaf), 0);
  }
  for (int n = 0; n < nics; ++n) p.leaf_ports[p.nic_leaf[n]] += ports_per_nic;
  return p;
}

struct Group {
  std::string zone;
  std::string gw;
  int leaves = 0;
};

}  // namespace

PlatformLayout build_layout(const PlatformSpec& spec, const Catalog& catalog) {
  PlatformLayout out;
  out.name = spec.name;
  out.description = spec.description;
  out.spec_file = spec.file;
  auto& notes = out.notes;

  int total_racks = 0;
  for (const auto& g : spec.racks) total_racks += g.count;
  const bool single_zone = total_racks == 1 && !spec.scale_out;
  const bool prefixed = total_racks > 1;

  Fabric fabric;
  if (spec.scale_out) {
    const auto& so = *spec.scale_out;
    fabric.cfg = &so;
    fabric.sw = lookup(catalog, so.switch_model, {DeviceKind::Switch}, "a catalog switch");
    fabric.radix = count_of(fabric.sw.ports, 0);
    fabric.port_speed = need(fabric.sw.port_speed, so.switch_model, "port_speed").value;
    fabric.down = static_cast<int>(std::floor(fabric.radix * (so.oversubscription / (1 + so.oversubscription)) + 1e-9));
    fabric.up = fabric.radix - fabric.down;
    if (fabric.down < 1 || fabric.up < 1)
      throw ConfigError(so.switch_model.where, "scale_out.oversubscription",
                        fmt::format("{}:1 leaves {} downlink and {} uplink ports on a {}-port switch",
                                    so.oversubscription, fabric.down, fabric.up, fabric.radix),
                        "a ratio that leaves at least one port each way");
    notes.push_back(cite_count(fmt::format("{} ports", fabric.sw.name), *fabric.sw.ports));
    notes.push_back(cite(fmt::format("{} port_speed", fabric.sw.name), *fabric.sw.port_speed, Dimension::Bandwidth));
    notes.push_back(fmt::format("{} optics: {}; leaves use {} ports down and {} up (oversubscription {}:1)",
                                fabric.sw.name, fabric.sw.optics, fabric.down, fabric.up, so.oversubscription));
    notes.push_back(fmt::format("switch latency {}, cable latency {}, NIC latency {}, NIC transceiver {} W: from the "
                                "spec (sources in its comments)",
                                format_quantity(so.switch_latency, Dimension::Time),
                                format_quantity(so.cable_latency, Dimension::Time),
                                format_quantity(so.nic_latency, Dimension::Time), so.transceiver_power));
  }

  std::vector<LayoutZone> zones;
  std::vector<Group> groups;
  std::vector<std::string> cpu_hosts;  // candidates for frontend.host
  int rack = 0, domain_index = 0;

  for (std::size_t gi = 0; gi < spec.racks.size(); ++gi) {
    const auto& g = spec.racks[gi];
    const DeviceSpec acc = lookup(catalog, g.accelerator, {DeviceKind::Gpu, DeviceKind::Lpu}, "a catalog gpu or lpu");
    const bool lpu = g.scale_up.kind == ScaleUpKind::LpuLink;
    const Sourced& su = need(acc.scale_up.bandwidth, g.accelerator, "scale_up.bandwidth");
    const double su_bw = su.value / 2;  // the catalog sums both directions
    const auto& flops = acc.peak_flops.bf16 ? acc.peak_flops.bf16 : acc.peak_flops.fp8 ? acc.peak_flops.fp8
                                                                                         : acc.peak_flops.fp4;
    const double speed = need(flops, g.accelerator, "peak_flops").value;
    const int domain = g.scale_up.domain == 0 ? g.per_rack : g.scale_up.domain;
    notes.push_back(cite(fmt::format("{} scale_up.bandwidth (both directions)", acc.name), su, Dimension::Bandwidth) +
                    fmt::format(" -> {} per link direction", format_quantity(su_bw, Dimension::Bandwidth)));
    notes.push_back(cite(fmt::format("{} host speed = peak", acc.name), *flops, Dimension::FlopRate));
    notes.push_back(fmt::format("{} scale-up link latency {} per link: from the spec", g.kind,
                                format_quantity(g.scale_up.link_latency, Dimension::Time)));

    DeviceSpec cpu;
    if (g.cpus && !g.cpus->model.empty()) cpu = lookup(catalog, g.cpus->model, {DeviceKind::Cpu}, "a catalog cpu");
    if (g.cpus)
      notes.push_back(fmt::format("{} CPU link ({}) {} per direction, latency {}: from the spec", g.kind,
                                  g.cpus->link.kind == CpuLinkKind::C2c ? "c2c" : "pcie",
                                  format_quantity(g.cpus->link.bandwidth, Dimension::Bandwidth),
                                  format_quantity(g.cpus->link.latency, Dimension::Time)));

    DeviceSpec nic;
    int nic_ports = 0;
    double nic_bw = 0;
    if (fabric.cfg) {
      nic = lookup(catalog, g.nic->model, {DeviceKind::Nic}, "a catalog nic");
      nic_ports = count_of(nic.ports, 1);
      const Sourced& ps = need(nic.port_speed, g.nic->model, "port_speed");
      nic_bw = nic_ports * ps.value;
      if (ps.value > fabric.port_speed * (1 + 1e-12))
        throw ConfigError(g.nic->model.where, g.nic->model.path,
                          fmt::format("{} ports ({}) are faster than {} ports ({})", nic.name,
                                      format_quantity(ps.value, Dimension::Bandwidth), fabric.sw.name,
                                      format_quantity(fabric.port_speed, Dimension::Bandwidth)),
                          "a NIC whose port speed the switch matches");
      if (fabric.down / nic_ports < 1)
        throw ConfigError(g.nic->model.where, g.nic->model.path,
                          fmt::format("a {} has {} ports but a leaf has only {} downlink ports", nic.name, nic_ports,
                                      fabric.down),
                          "a NIC with fewer ports");
      notes.push_back(cite(fmt::format("{} port_speed", nic.name), ps, Dimension::Bandwidth));
      if (nic.ports) notes.push_back(cite_count(fmt::format("{} ports", nic.name), *nic.ports));
    }

    // Static power of the rack besides its devices (docs/platforms.md, "Rack power"): scale-up
    // switches, fans and the power shelf, written as rack zone properties for the inventory.
    Props rack_power;
    // LPU chips link directly (no switch): say so, so that the power report does not ask for one.
    if (g.scale_up.switch_model.empty() && g.scale_up.kind == ScaleUpKind::LpuLink)
      rack_power.emplace_back("tokenfab:scale_up_switches", "0");
    if (!g.scale_up.switch_model.empty()) {
      const DeviceSpec sw = lookup(catalog, g.scale_up.switch_model, {DeviceKind::ScaleUpSwitch}, "a catalog scale-up-switch");
      const int per_rack = g.scale_up.switches * (g.per_rack / domain);
      rack_power.emplace_back("tokenfab:scale_up_switch", sw.name);
      rack_power.emplace_back("tokenfab:scale_up_switches", std::to_string(per_rack));
      notes.push_back(fmt::format("{} scale-up switches: {} x {} per rack: from the spec", g.kind, per_rack, sw.name));
      if (sw.power.max) notes.push_back(cite(fmt::format("{} power.max", sw.name), *sw.power.max, Dimension::Power));
    }
    if (g.rack_power && !g.rack_power->fan.empty()) {
      const DeviceSpec fan = lookup(catalog, g.rack_power->fan, {DeviceKind::Fan}, "a catalog fan");
      rack_power.emplace_back("tokenfab:fan", fan.name);
      rack_power.emplace_back("tokenfab:fans", std::to_string(g.rack_power->fans));
      notes.push_back(fmt::format("{} fans: {} x {} per rack: from the spec", g.kind, g.rack_power->fans, fan.name));
      if (fan.power.max) notes.push_back(cite(fmt::format("{} power.max", fan.name), *fan.power.max, Dimension::Power));
    }
    if (g.rack_power && !g.rack_power->shelf.empty()) {
      const DeviceSpec shelf = lookup(catalog, g.rack_power->shelf, {DeviceKind::PowerShelf}, "a catalog power-shelf");
      rack_power.emplace_back("tokenfab:power_shelf", shelf.name);
      notes.push_back(cite_count(fmt::format("{} efficiency", shelf.name), need(shelf.efficiency, g.rack_power->shelf, "efficiency")));
    }

    RackSummary sum;
    sum.kind = g.kind;
    sum.racks = g.count;
    sum.first_rack = rack;
    sum.accelerator = acc.name;
    sum.lpu = lpu;
    sum.per_rack = g.per_rack;
    sum.domain = domain;
    sum.scale_up_bandwidth = su_bw;
    if (g.cpus) {
      sum.cpu = cpu.name;
      sum.cpus = g.cpus->per_rack;
      sum.cpu_link = g.cpus->link.kind == CpuLinkKind::C2c ? "c2c" : "pcie";
      sum.cpu_link_bandwidth = g.cpus->link.bandwidth;
    }

    for (int k = 0; k < g.count; ++k, ++rack) {
      const std::string p = prefixed ? fmt::format("rack{}-", rack) : "";
      const std::string rack_id = fmt::format("rack{}", rack);
      LayoutZone z;
      z.id = single_zone ? spec.name : rack_id;
      z.routing = "DijkstraCache";
      z.props = {{"tokenfab:rack", rack_id}, {"tokenfab:kind", g.kind}};
      z.props.insert(z.props.end(), rack_power.begin(), rack_power.end());
      const int domains = g.per_rack / domain;
      const std::string sw_base = lpu ? "lpusw" : "nvsw";
      // Switch planes are declared (and routed) first: SimGrid's Dijkstra then meets them before
      // any CPU or leaf, so that ties between equally short paths resolve to the scale-up path.
      for (int d = 0; d < domains; ++d) z.routers.push_back(fmt::format("{}{}{}", p, sw_base, d));

      std::vector<std::string> acc_names;
      for (int i = 0; i < g.per_rack; ++i) {
        LayoutHost h;
        h.id = fmt::format("{}{}{}", p, lpu ? "lpu" : "gpu", i);
        h.speed = speed;
        h.props = {{"tokenfab:role", "gpu"},
                   {"tokenfab:device", acc.name},
                   {"tokenfab:domain", fmt::format("{}{}", lpu ? "lpu" : "nvl", domain_index + i / domain)},
                   {"tokenfab:rack", rack_id},
                   {"tokenfab:index", std::to_string(i % domain)}};
        acc_names.push_back(h.id);
        z.hosts.push_back(std::move(h));
      }
      std::vector<std::string> cpu_names;
      if (g.cpus) {
        for (int c = 0; c < g.cpus->per_rack; ++c) {
          LayoutHost h;
          h.id = fmt::format("{}cpu{}", p, c);
          h.speed = g.cpus->speed;
          const bool fe = h.id == spec.frontend.host.name;
          h.props = {{"tokenfab:role", fe ? "frontend" : "cpu"}};
          if (!cpu.name.empty()) h.props.emplace_back("tokenfab:device", cpu.name);
          h.props.emplace_back("tokenfab:rack", rack_id);
          cpu_names.push_back(h.id);
          cpu_hosts.push_back(h.id);
          if (fe) out.frontend = h.id;
          z.hosts.push_back(std::move(h));
        }
      }

      const std::string su_prefix = lpu ? "lpl_" : "nvl_";
      for (const auto& a : acc_names) {
        LayoutLink l;
        l.id = su_prefix + a;
        l.bandwidth = su_bw;
        l.latency = g.scale_up.link_latency;
        l.props = {{"tokenfab:kind", lpu ? "lpu-link" : "nvlink"}};
        z.links.push_back(std::move(l));
      }
      const std::string cpu_kind = g.cpus && g.cpus->link.kind == CpuLinkKind::Pcie ? "pcie" : "c2c";
      if (g.cpus) {
        for (const auto& a : acc_names) {
          LayoutLink l;
          l.id = cpu_kind + "_" + a;
          l.bandwidth = g.cpus->link.bandwidth;
          l.latency = g.cpus->link.latency;
          l.props = {{"tokenfab:kind", cpu_kind}};
          z.links.push_back(std::move(l));
        }
      }

      LeafPlan leaves;
      std::vector<std::string> nic_ids;
      const std::string gw = p + "gw";
      if (fabric.cfg) {
        const int apn = g.nic->accelerators_per_nic;
        const int nics = g.per_rack / apn;
        for (int n = 0; n < nics; ++n) {
          nic_ids.push_back(apn == 1 ? "nic_" + acc_names[n] : fmt::format("{}nic{}", p, n));
          z.links.push_back(nic_link(nic_ids.back(), nic_bw, nic_ports, fabric, nic.name));
          z.links.back().props.emplace_back("tokenfab:rack", rack_id);  // NIC power is charged by rack
        }
        leaves = plan_leaves(nics, domain / apn, nic_ports, fabric.down / nic_ports,
                             fabric.cfg->topology == FabricTopology::RailOptimised);
        for (std::size_t l = 0; l < leaves.leaf_ports.size(); ++l) {
          z.routers.push_back(fmt::format("{}leaf{}", p, l));
          z.links.push_back(leaf_uplink(fmt::format("up_{}leaf{}", p, l), leaves.leaf_ports[l], fabric));
        }
        z.routers.push_back(gw);
        sum.nic = nic.name;
        sum.nics = nics;
        sum.nic_bandwidth = nic_bw;
        sum.leaves = static_cast<int>(leaves.leaf_ports.size());
      }

      // Routes, scale-up first (see above).
      for (int i = 0; i < g.per_rack; ++i)
        z.routes.push_back({acc_names[i], fmt::format("{}{}{}", p, sw_base, i / domain), "", "",
                            {{su_prefix + acc_names[i], LinkDir::Up}}, true});
      if (g.cpus)
        for (int i = 0; i < g.per_rack; ++i)
          z.routes.push_back({acc_names[i], cpu_names[i / g.cpus->accelerators_per_cpu], "", "",
                              {{cpu_kind + "_" + acc_names[i], LinkDir::Up}}, true});
      if (fabric.cfg) {
        const int apn = g.nic->accelerators_per_nic;
        for (int i = 0; i < g.per_rack; ++i)
          z.routes.push_back({acc_names[i], fmt::format("{}leaf{}", p, leaves.nic_leaf[i / apn]), "", "",
                              {{nic_ids[i / apn], LinkDir::Up}}, true});
        for (std::size_t l = 0; l < leaves.leaf_ports.size(); ++l)
          z.routes.push_back({fmt::format("{}leaf{}", p, l), gw, "", "", {{fmt::format("up_{}leaf{}", p, l), LinkDir::Up}},
                              true});
        groups.push_back({z.id, gw, static_cast<int>(leaves.leaf_ports.size())});
      }
      domain_index += domains;
      out.accelerators += g.per_rack;
      zones.push_back(std::move(z));
    }
    out.racks.push_back(sum);
  }

  // Storage nodes and a dedicated frontend share the "services" zone and its leaves.
  if (fabric.cfg && (spec.storage || !spec.frontend.nic.empty())) {
    LayoutZone z;
    z.id = "services";
    z.routing = "DijkstraCache";
    struct Endpoint {
      std::string host, link;
      int ports;
    };
    std::vector<Endpoint> endpoints;
    if (spec.storage) {
      const auto& st = *spec.storage;
      const DeviceSpec dpu = lookup(catalog, st.dpu, {DeviceKind::Dpu}, "a catalog dpu");
      const DeviceSpec drive = lookup(catalog, st.drive, {DeviceKind::Drive}, "a catalog drive");
      const int ports = count_of(dpu.ports, 1);
      const Sourced& ps = need(dpu.port_speed, st.dpu, "port_speed");
      const Sourced& rd = need(drive.read_bandwidth, st.drive, "read_bandwidth");
      const Sourced& wr = need(drive.write_bandwidth, st.drive, "write_bandwidth");
      const Sourced& cap = need(drive.capacity, st.drive, "capacity");
      if (ports > fabric.down)
        throw ConfigError(st.dpu.where, st.dpu.path,
                          fmt::format("a {} has {} ports but a leaf has only {} downlink ports", dpu.name, ports,
                                      fabric.down),
                          "a DPU with fewer ports");
      notes.push_back(cite(fmt::format("{} port_speed", dpu.name), ps, Dimension::Bandwidth));
      notes.push_back(cite(fmt::format("{} read", drive.name), rd, Dimension::Bandwidth));
      notes.push_back(cite(fmt::format("{} write", drive.name), wr, Dimension::Bandwidth));
      notes.push_back(cite(fmt::format("{} capacity", drive.name), cap, Dimension::Size));
      for (int s = 0; s < st.nodes; ++s) {
        LayoutHost h;
        h.id = fmt::format("storage{}", s);
        h.speed = st.speed;
        h.props = {{"tokenfab:role", "storage"}, {"tokenfab:device", dpu.name}};
        for (int k = 0; k < st.drives_per_node; ++k)
          h.disks.push_back({fmt::format("{}-disk{}", h.id, k), rd.value, wr.value, cap.value,
                             {{"tokenfab:device", drive.name}}});
        z.hosts.push_back(std::move(h));
        z.links.push_back(nic_link("nic_" + z.hosts.back().id, ports * ps.value, ports, fabric, ""));
        endpoints.push_back({z.hosts.back().id, z.links.back().id, ports});
      }
      out.storage = {st.nodes, dpu.name, drive.name, st.drives_per_node, ports * ps.value, rd.value, wr.value,
                     cap.value};
    }
    if (!spec.frontend.nic.empty()) {
      const DeviceSpec fnic = lookup(catalog, spec.frontend.nic, {DeviceKind::Nic}, "a catalog nic");
      const int ports = count_of(fnic.ports, 1);
      const double bw = ports * need(fnic.port_speed, spec.frontend.nic, "port_speed").value;
      LayoutHost h;
      h.id = "frontend";
      h.speed = spec.frontend.speed;
      h.props = {{"tokenfab:role", "frontend"}};
      z.hosts.push_back(std::move(h));
      z.links.push_back(nic_link("nic_frontend", bw, ports, fabric, fnic.name));
      endpoints.push_back({"frontend", "nic_frontend", ports});
      out.frontend = "frontend";
    }
    std::vector<int> leaf_of;
    std::vector<int> leaf_ports;
    for (const auto& e : endpoints) {
      if (leaf_ports.empty() || leaf_ports.back() + e.ports > fabric.down) leaf_ports.push_back(0);
      leaf_ports.back() += e.ports;
      leaf_of.push_back(static_cast<int>(leaf_ports.size()) - 1);
    }
    for (std::size_t l = 0; l < leaf_ports.size(); ++l) {
      z.routers.push_back(fmt::format("services-leaf{}", l));
      z.links.push_back(leaf_uplink(fmt::format("up_services-leaf{}", l), leaf_ports[l], fabric));
    }
    z.routers.push_back("services-gw");
    for (std::size_t i = 0; i < endpoints.size(); ++i)
      z.routes.push_back({endpoints[i].host, fmt::format("services-leaf{}", leaf_of[i]), "", "",
                          {{endpoints[i].link, LinkDir::Up}}, true});
    for (std::size_t l = 0; l < leaf_ports.size(); ++l)
      z.routes.push_back({fmt::format("services-leaf{}", l), "services-gw", "", "",
                          {{fmt::format("up_services-leaf{}", l), LinkDir::Up}}, true});
    groups.push_back({"services", "services-gw", static_cast<int>(leaf_ports.size())});
    out.fabric.service_leaves = static_cast<int>(leaf_ports.size());
    zones.push_back(std::move(z));
  }

  if (!spec.frontend.host.empty() && out.frontend.empty()) {
    std::string list;
    for (std::size_t i = 0; i < cpu_hosts.size() && i < 4; ++i) list += (list.empty() ? "" : ", ") + cpu_hosts[i];
    throw ConfigError(spec.frontend.host.where, spec.frontend.host.path,
                      fmt::format("'{}' is not a CPU host of this platform", spec.frontend.host.name),
                      cpu_hosts.empty() ? std::string("a racks entry with cpus, or frontend: {nic: ...}")
                                        : "a CPU host such as " + list);
  }

  if (single_zone) {
    out.root = std::move(zones.front());
    return out;
  }

  out.root.id = spec.name;
  out.root.routing = "Full";
  if (fabric.cfg) {
    auto& fs = out.fabric;
    fs.present = true;
    fs.topology = fabric.cfg->topology == FabricTopology::FatTree ? "fat-tree" : "rail-optimised";
    fs.switch_model = fabric.sw.name;
    fs.optics = fabric.sw.optics;
    fs.radix = fabric.radix;
    fs.port_speed = fabric.port_speed;
    fs.down = fabric.down;
    fs.up = fabric.up;
    for (const auto& gr : groups) fs.leaves += gr.leaves;
    const int k = fabric.radix, u = fabric.up;
    const double s = fabric.port_speed;
    auto spine_link = [&](const std::string& id, const std::string& kind, int switches, int ports) {
      LayoutLink l;
      l.id = id;
      l.bandwidth = switches * k * s;  // the switching capacity; never the bottleneck of a non-blocking tier
      l.latency = 0;                   // carried by the links on either side
      l.sharing = LinkSharing::FatPipe;
      l.props = {{"tokenfab:kind", kind},
                 {"tokenfab:switch", fabric.sw.name},
                 {"tokenfab:switches", std::to_string(switches)},
                 {"tokenfab:ports", std::to_string(ports)}};
      return l;
    };
    // A FATPIPE tier never limits a flow, but one SimGrid link in every zone route makes its
    // bandwidth-sharing constraint hold every flow between zones: each flow start or end then
    // re-solves over all of them (4x the CPU time of a 16-rack pod run). So each pair of zones
    // crosses the tier on its own FATPIPE link (same bandwidth, same answer): the first pair on
    // the tier's link, which carries its switches and ports, the others on `<tier>_<zone>_<zone>`
    // copies that carry none (inventory counts a tier once).
    std::map<std::string, LayoutLink> tier_copy;  // by tier: its link with no switches or ports
    auto tier_for_pair = [&](const std::string& tier, std::size_t a, std::size_t b) {
      const auto it = tier_copy.find(tier);
      if (it == tier_copy.end()) {
        LayoutLink copy = *std::find_if(out.root.links.begin(), out.root.links.end(),
                                        [&](const LayoutLink& l) { return l.id == tier; });
        for (auto& [key, value] : copy.props)
          if (key == "tokenfab:switches" || key == "tokenfab:ports") value = "0";
        tier_copy.emplace(tier, std::move(copy));
        return tier;
      }
      LayoutLink copy = it->second;
      copy.id = fmt::format("{}_{}_{}", tier, groups[a].zone, groups[b].zone);
      out.root.links.push_back(std::move(copy));
      return out.root.links.back().id;
    };
    if (fs.leaves <= k) {
      fs.tiers = 2;
      fs.spines = ceil_div(fs.leaves * u, k);
      out.root.links.push_back(spine_link("spine", "spine", fs.spines, fs.leaves * u));
      for (std::size_t a = 0; a < groups.size(); ++a)
        for (std::size_t b = a + 1; b < groups.size(); ++b)
          out.root.routes.push_back({groups[a].zone, groups[b].zone, groups[a].gw, groups[b].gw,
                                     {{tier_for_pair("spine", a, b), LinkDir::None}}, true});
    } else {
      // Three tiers: consecutive zones share a block of spines (each leaf has one port to each of
      // its block's u spines, so a block holds at most k/2 leaves); blocks meet at the core.
      fs.tiers = 3;
      const int half = k / 2;
      std::vector<int> block_of;
      std::vector<int> block_leaves;
      for (const auto& gr : groups) {
        if (gr.leaves > half)
          throw ConfigError(fabric.cfg->switch_model.where, fabric.cfg->switch_model.path,
                            fmt::format("zone {} has {} leaves but a three-tier block of {}-port switches holds {}",
                                        gr.zone, gr.leaves, k, half),
                            "a switch with more ports, or smaller racks");
        if (block_leaves.empty() || block_leaves.back() + gr.leaves > half) block_leaves.push_back(0);
        block_leaves.back() += gr.leaves;
        block_of.push_back(static_cast<int>(block_leaves.size()) - 1);
      }
      fs.blocks = static_cast<int>(block_leaves.size());
      if (fs.blocks > k)
        throw ConfigError(fabric.cfg->switch_model.where, fabric.cfg->switch_model.path,
                          fmt::format("{} leaves need {} blocks, more than a {}-port core switch reaches", fs.leaves,
                                      fs.blocks, k),
                          "a switch with more ports, or fewer racks");
      fs.spines = fs.blocks * u;
      fs.super_spines = ceil_div(fs.blocks * u * half, k);
      for (int b = 0; b < fs.blocks; ++b) {
        out.root.links.push_back(
            spine_link(fmt::format("spine_block{}", b), "spine", u, block_leaves[b] * u + u * half));
        LayoutLink up;
        up.id = fmt::format("up_block{}", b);
        up.bandwidth = u * half * s;
        up.latency = fabric.cfg->cable_latency + fabric.cfg->switch_latency;
        up.props = {{"tokenfab:kind", "block-uplink"}};
        out.root.links.push_back(std::move(up));
      }
      out.root.links.push_back(spine_link("core", "core", fs.super_spines, fs.blocks * u * half));
      for (std::size_t a = 0; a < groups.size(); ++a)
        for (std::size_t b = a + 1; b < groups.size(); ++b) {
          LayoutRoute r{groups[a].zone, groups[b].zone, groups[a].gw, groups[b].gw, {}, true};
          if (block_of[a] == block_of[b]) {
            r.links = {{tier_for_pair(fmt::format("spine_block{}", block_of[a]), a, b), LinkDir::None}};
          } else {
            r.links = {{fmt::format("up_block{}", block_of[a]), LinkDir::Up},
                       {tier_for_pair("core", a, b), LinkDir::None},
                       {fmt::format("up_block{}", block_of[b]), LinkDir::Down}};
          }
          out.root.routes.push_back(std::move(r));
        }
    }
  }
  out.root.zones = std::move(zones);
  return out;
}

}  // namespace tokenfab
