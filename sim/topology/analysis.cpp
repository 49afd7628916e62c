#include "sim/topology/analysis.hpp"

#include <algorithm>
#include <climits>
#include <deque>
#include <set>

#include <boost/graph/connected_components.hpp>
#include <boost/graph/push_relabel_max_flow.hpp>
#include <fmt/format.h>

#include "sim/platform/platform.hpp"

namespace tokenfab {
namespace {

bool is_accelerator(const TopoNode& n) { return n.kind == NodeKind::Host && n.role == "gpu"; }
bool is_scale_up(const std::string& kind) { return kind == "nvlink" || kind == "lpu-link"; }
bool is_host_local(const std::string& kind) { return kind == "c2c" || kind == "pcie"; }

long to_long(const std::string& s) {
  if (s.empty()) return 0;
  try {
    return std::stol(s);
  } catch (const std::exception&) {
    return 0;
  }
}
double to_double(const std::string& s) {
  if (s.empty()) return 0;
  try {
    return std::stod(s);
  } catch (const std::exception&) {
    return 0;
  }
}

// Component of every vertex over scale-up links (hosts and routers join through them only).
std::vector<int> scale_up_components(const TopoGraph& g) {
  const auto n = boost::num_vertices(g);
  boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS> u(n);
  auto allowed = [&](TopoVertex v) {
    const auto& x = g[v];
    if (x.kind == NodeKind::Link) return is_scale_up(x.link_kind);
    if (x.kind == NodeKind::Host) return x.role == "gpu";
    return true;  // routers and star centres
  };
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    const auto a = boost::source(*e, g), b = boost::target(*e, g);
    if (allowed(a) && allowed(b)) boost::add_edge(a, b, u);
  }
  std::vector<int> comp(n);
  if (n > 0) boost::connected_components(u, comp.data());
  return comp;
}

bool any_scale_up_link(const TopoGraph& g) {
  for (auto [v, end] = boost::vertices(g); v != end; ++v)
    if (g[*v].kind == NodeKind::Link && is_scale_up(g[*v].link_kind)) return true;
  return false;
}

// Accelerators that reach the same routers over links of the same kind and bandwidth (ignoring
// dead ends into other hosts, which do not forward) are twins: the distance from either to any
// third accelerator is the same, so one search per class of twins gives every eccentricity.
std::string twin_signature(const TopoGraph& g, TopoVertex v, const std::vector<std::vector<TopoVertex>>& preds) {
  auto relevant = [&](TopoVertex w) { return g[w].kind != NodeKind::Host || g[w].role == "gpu"; };
  std::vector<std::string> parts;
  for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
    const TopoVertex l = boost::target(*e, g);
    std::vector<std::size_t> next;
    for (auto [f, fend] = boost::out_edges(l, g); f != fend; ++f)
      if (relevant(boost::target(*f, g))) next.push_back(boost::target(*f, g));
    std::sort(next.begin(), next.end());
    if (g[l].kind == NodeKind::Link && next.empty()) continue;
    parts.push_back(fmt::format("o{}:{}:{}", g[l].link_kind, g[l].bandwidth, fmt::join(next, ",")));
  }
  for (const TopoVertex l : preds[v]) {
    std::vector<std::size_t> prev;
    for (const TopoVertex p : preds[l])
      if (relevant(p)) prev.push_back(p);
    std::sort(prev.begin(), prev.end());
    if (g[l].kind == NodeKind::Link && prev.empty()) continue;
    parts.push_back(fmt::format("i{}:{}:{}", g[l].link_kind, g[l].bandwidth, fmt::join(prev, ",")));
  }
  std::sort(parts.begin(), parts.end());
  return fmt::format("{}", fmt::join(parts, ";"));
}

// Most links on a shortest path between two accelerators (0-1 BFS: entering a link costs 1);
// hosts do not forward traffic, so paths start and end at hosts but never cross one.
void hop_diameter(const TopoGraph& g, const std::vector<TopoVertex>& acc, TopologyReport& r) {
  const auto n = boost::num_vertices(g);
  std::vector<std::vector<TopoVertex>> preds(n);
  for (auto [e, end] = boost::edges(g); e != end; ++e) preds[boost::target(*e, g)].push_back(boost::source(*e, g));
  std::vector<TopoVertex> sources;
  std::set<std::string> classes;
  for (const TopoVertex s : acc)
    if (classes.insert(twin_signature(g, s, preds)).second) sources.push_back(s);
  std::vector<int> dist(n, INT_MAX);
  std::vector<TopoVertex> touched;
  std::deque<TopoVertex> dq;
  bool unreachable = false;
  for (const TopoVertex s : sources) {
    for (const auto v : touched) dist[v] = INT_MAX;
    touched.clear();
    dist[s] = 0;
    touched.push_back(s);
    dq.push_back(s);
    while (!dq.empty()) {
      const TopoVertex v = dq.front();
      dq.pop_front();
      if (v != s && g[v].kind == NodeKind::Host) continue;
      for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
        const TopoVertex w = boost::target(*e, g);
        const int c = g[w].kind == NodeKind::Link ? 1 : 0;
        if (dist[v] + c < dist[w]) {
          if (dist[w] == INT_MAX) touched.push_back(w);
          dist[w] = dist[v] + c;
          if (c) {
            dq.push_back(w);
          } else {
            dq.push_front(w);
          }
        }
      }
    }
    for (const TopoVertex t : acc) {
      if (t == s) continue;
      if (dist[t] == INT_MAX) {
        unreachable = true;
      } else if (dist[t] > r.hop_diameter) {
        r.hop_diameter = dist[t];
        r.diameter_from = g[s].name;
        r.diameter_to = g[t].name;
      }
    }
  }
  if (unreachable) r.notes.push_back("some accelerators have no path to each other in the declared routes");
}

// Max-flow from the hosts of `a` to those of `b`; each link vertex is an arc of its bandwidth.
// Capacities are whole bytes per second, so the result is exact.
double max_flow(const TopoGraph& g, const std::vector<TopoVertex>& a, const std::vector<TopoVertex>& b,
                bool scale_out_only) {
  using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
  using Flow = boost::adjacency_list<
      boost::vecS, boost::vecS, boost::directedS, boost::no_property,
      boost::property<boost::edge_capacity_t, long long,
                      boost::property<boost::edge_residual_capacity_t, long long,
                                      boost::property<boost::edge_reverse_t, Traits::edge_descriptor>>>>;
  constexpr long long kLinkCap = 100'000'000'000'000'000LL;  // 1e17 B/s: "unlimited" for a single link
  const auto n = boost::num_vertices(g);
  Flow f(2 * n + 2);
  const auto S = 2 * n, T = 2 * n + 1;
  auto cap = boost::get(boost::edge_capacity, f);
  auto rev = boost::get(boost::edge_reverse, f);
  auto arc = [&](std::size_t x, std::size_t y, long long c) {
    const auto e1 = boost::add_edge(x, y, f).first;
    const auto e2 = boost::add_edge(y, x, f).first;
    cap[e1] = c;
    cap[e2] = 0;
    rev[e1] = e2;
    rev[e2] = e1;
  };
  long long total = 0;
  for (std::size_t v = 0; v < n; ++v) {
    const auto& x = g[v];
    if (x.kind != NodeKind::Link) continue;
    if (scale_out_only && (is_scale_up(x.link_kind) || is_host_local(x.link_kind))) continue;
    const long long c = static_cast<long long>(std::min(x.bandwidth, static_cast<double>(kLinkCap)));
    total += c;
    arc(2 * v, 2 * v + 1, c);
  }
  const long long inf = total + 1;
  std::vector<char> source(n, 0), sink(n, 0);
  for (const auto v : a) source[v] = 1;
  for (const auto v : b) sink[v] = 1;
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    const auto x = boost::source(*e, g), y = boost::target(*e, g);
    if (g[x].kind == NodeKind::Host && !source[x]) continue;  // hosts do not forward
    const auto out = g[x].kind == NodeKind::Link ? 2 * x + 1 : 2 * x;
    arc(out, 2 * y, inf);
  }
  for (std::size_t v = 0; v < n; ++v)
    if (g[v].kind != NodeKind::Link) arc(2 * v, 2 * v + 1, inf);  // a non-link vertex passes anything
  for (const auto v : a) arc(S, 2 * v, inf);
  for (const auto v : b) arc(2 * v + 1, T, inf);
  return static_cast<double>(boost::push_relabel_max_flow(f, S, T));
}

struct SwitchUse {
  long switches = 0;
  long ports = 0;
};

}  // namespace

std::vector<TopoVertex> accelerators_in_order(const Topology& topology) {
  const auto& g = topology.graph();
  std::vector<TopoVertex> acc;
  for (auto [v, end] = boost::vertices(g); v != end; ++v)
    if (is_accelerator(g[*v])) acc.push_back(*v);
  std::sort(acc.begin(), acc.end(), [&](TopoVertex x, TopoVertex y) {
    const auto &a = g[x], &b = g[y];
    if (a.domain != b.domain) return natural_less(a.domain, b.domain);
    if (a.index != b.index) return a.index < b.index;
    return natural_less(a.name, b.name);
  });
  return acc;
}

void check_declared_domains(const Topology& topology, const std::string& file) {
  const auto& g = topology.graph();
  if (!any_scale_up_link(g)) return;
  const auto comp = scale_up_components(g);
  std::map<std::string, std::pair<int, std::string>> first;  // domain -> (component, a host in it)
  for (const auto v : accelerators_in_order(topology)) {
    const auto& n = g[v];
    if (n.domain.empty()) continue;
    const auto [it, fresh] = first.emplace(n.domain, std::make_pair(comp[v], n.name));
    if (!fresh && it->second.first != comp[v])
      throw ConfigError({file, 0, 0}, fmt::format("host '{}': tokenfab:domain", n.name),
                        fmt::format("declares domain {} but no scale-up link path joins it to {} of the same domain",
                                    n.domain, it->second.second),
                        "hosts of one tokenfab:domain connected by tokenfab:kind=nvlink (or lpu-link) links");
  }
}

TopologyReport analyse_topology(const Topology& topology, const Catalog& catalog, const std::string& name,
                                const PlatformInventory* racks) {
  TopologyReport r;
  r.platform = name;
  const auto& g = topology.graph();
  const auto acc = accelerators_in_order(topology);
  r.accelerator_count = static_cast<int>(acc.size());
  for (const auto v : acc) r.accelerators[g[v].device.empty() ? "(no tokenfab:device)" : g[v].device] += 1;
  for (const auto& z : topology.unread_zones())
    r.notes.push_back(fmt::format("zone {}: its routing kind cannot be read; its links are left out", z));

  // Scale-up domains.
  r.domains_detected = any_scale_up_link(g);
  std::map<std::pair<std::string, int>, int> groups;
  if (r.domains_detected) {
    const auto comp = scale_up_components(g);
    std::map<int, std::vector<TopoVertex>> members;
    for (const auto v : acc) members[comp[v]].push_back(v);
    for (const auto& [c, vs] : members) {
      groups[{g[vs.front()].device, static_cast<int>(vs.size())}] += 1;
      std::set<std::string> declared;
      for (const auto v : vs) declared.insert(g[v].domain);
      if (declared.size() > 1)
        r.domain_problems.push_back(fmt::format("{} and {} more share scale-up links but declare domains {}",
                                                g[vs.front()].name, vs.size() - 1, fmt::join(declared, ", ")));
    }
    try {
      check_declared_domains(topology, name);
    } catch (const ConfigError& e) {
      r.domain_problems.push_back(e.key_path() + ": " + e.problem());
    }
    r.domain_count = static_cast<int>(members.size());
  } else {
    std::map<std::string, std::vector<TopoVertex>> declared;
    for (const auto v : acc) declared[g[v].domain].push_back(v);
    for (const auto& [d, vs] : declared) groups[{g[vs.front()].device, static_cast<int>(vs.size())}] += 1;
    r.domain_count = static_cast<int>(declared.size());
    if (!acc.empty())
      r.notes.push_back("no link carries tokenfab:kind=nvlink or lpu-link: domains are the declared tokenfab:domain");
  }
  for (const auto& [k, count] : groups) r.domains.push_back({k.first, k.second, count});

  hop_diameter(g, acc, r);

  // Bisection: first half of the accelerators (platform order) to the second half.
  if (acc.size() >= 2) {
    const std::vector<TopoVertex> a(acc.begin(), acc.begin() + acc.size() / 2);
    const std::vector<TopoVertex> b(acc.begin() + acc.size() / 2, acc.end());
    r.bisection = max_flow(g, a, b, false);
    r.scale_out_bisection = max_flow(g, a, b, true);
    std::set<const void*> nics;
    for (const auto v : a)
      for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
        const auto w = boost::target(*e, g);
        if (g[w].kind == NodeKind::Link && g[w].link_kind == "nic" && nics.insert(g[w].props).second)
          r.injection += g[w].bandwidth;
      }
    if (r.scale_out_bisection > 0) r.oversubscription = r.injection / r.scale_out_bisection;
  }

  // Inventory from the tokenfab:* properties (each split-duplex link counted once).
  std::map<std::string, long> cpus, nic_models, dpus, drives;
  std::map<std::string, SwitchUse> switches;
  long nic_transceivers = 0;
  double transceiver_watts = 0;
  std::set<const void*> seen;
  for (auto [it, end] = boost::vertices(g); it != end; ++it) {
    const auto& n = g[*it];
    if (n.kind == NodeKind::Host) {
      if (n.role == "cpu" || (n.role == "frontend" && !n.device.empty())) cpus[n.device.empty() ? "" : n.device] += 1;
      if (n.role == "storage") dpus[n.device] += 1;
      for (const auto& d : n.disk_devices) drives[d] += 1;
      continue;
    }
    if (n.kind != NodeKind::Link || !seen.insert(n.props).second) continue;
    const auto v = *it;
    if (n.link_kind == "nic") {
      const std::string model = topology.link_property(v, "tokenfab:nic");
      if (!model.empty()) nic_models[model] += 1;
      const long t = to_long(topology.link_property(v, "tokenfab:transceivers"));
      nic_transceivers += t;
      transceiver_watts += t * to_double(topology.link_property(v, "tokenfab:transceiver_power"));
    } else if (n.link_kind == "leaf-uplink") {
      auto& s = switches[topology.link_property(v, "tokenfab:switch")];
      const long down = to_long(topology.link_property(v, "tokenfab:ports_down"));
      const long up = to_long(topology.link_property(v, "tokenfab:ports_up"));
      s.switches += 1;
      s.ports += down + up;
      if (up > 0) r.leaf_oversubscription = std::max(r.leaf_oversubscription, static_cast<double>(down) / up);
    } else if (n.link_kind == "spine" || n.link_kind == "core") {
      auto& s = switches[topology.link_property(v, "tokenfab:switch")];
      s.switches += to_long(topology.link_property(v, "tokenfab:switches"));
      s.ports += to_long(topology.link_property(v, "tokenfab:ports"));
    }
  }

  auto device = [&](const std::string& model) -> std::optional<DeviceSpec> {
    if (model.empty()) return std::nullopt;
    try {
      return catalog.device(model);
    } catch (const ConfigError&) {
      r.notes.push_back(fmt::format("'{}' is not in the catalog: left out of the power budget", model));
      return std::nullopt;
    }
  };
  auto max_power = [](const std::optional<DeviceSpec>& d) {
    return d && d->power.max ? d->power.max->value : 0.0;
  };
  for (const auto& [m, c] : r.accelerators) {
    r.inventory.push_back({"accelerator", m, c, ""});
    const auto d = device(m);
    r.power.push_back({"accelerators", m, c, c * max_power(d), "power.max"});
  }
  for (const auto& [m, c] : cpus) {
    r.inventory.push_back({"cpu", m.empty() ? "(not in catalog)" : m, c, ""});
    if (!m.empty()) r.power.push_back({"cpus", m, c, c * max_power(device(m)), "power.max"});
  }
  for (const auto& [m, c] : nic_models) {
    r.inventory.push_back({"nic", m, c, ""});
    r.power.push_back({"network", m, c, c * max_power(device(m)), "power.max"});
  }
  if (nic_transceivers > 0) {
    r.inventory.push_back({"transceiver", "NIC side (pluggable)", nic_transceivers, ""});
    r.power.push_back({"network", "NIC-side transceivers", nic_transceivers, transceiver_watts,
                       "spec transceiver_power each"});
  }
  std::set<std::string> optics_kinds;
  for (const auto& [m, s] : switches) {
    const auto d = device(m);
    r.inventory.push_back({"switch", m, s.switches, d ? d->optics : ""});
    r.inventory.push_back({"switch port", m, s.ports, "in use"});
    if (!d) continue;
    optics_kinds.insert(d->optics);
    if (d->optics == "pluggable") r.inventory.push_back({"transceiver", m + " ports (pluggable)", s.ports, ""});
    const double asic = d->power.asic ? d->power.asic->value : 0;
    const double per_port = d->power.optics_per_port ? d->power.optics_per_port->value : 0;
    r.power.push_back({"network", m + " (ASIC, fans, CPU)", s.switches, s.switches * asic, "power.asic"});
    r.power.push_back({"network", m + " optics", s.ports, s.ports * per_port, "power.optics_per_port x ports"});
    r.optics_power += s.ports * per_port;
    // The same ports with the catalog's pluggable and CPO per-port figures (same port speed).
    for (const auto& other : catalog.device_names()) {
      DeviceSpec o;
      try {
        o = catalog.device(other);
      } catch (const ConfigError&) {
        continue;
      }
      if (o.kind != DeviceKind::Switch || !o.power.optics_per_port || !o.port_speed || !d->port_speed ||
          o.port_speed->value != d->port_speed->value)
        continue;
      if (o.optics == "pluggable" && r.pluggable_switch.empty()) r.pluggable_switch = o.name;
      if (o.optics == "cpo" && r.cpo_switch.empty()) r.cpo_switch = o.name;
      if (o.optics == "pluggable" && r.pluggable_switch == o.name)
        r.optics_power_pluggable += s.ports * o.power.optics_per_port->value;
      if (o.optics == "cpo" && r.cpo_switch == o.name) r.optics_power_cpo += s.ports * o.power.optics_per_port->value;
    }
  }
  r.optics = optics_kinds.empty() ? "none" : optics_kinds.size() > 1 ? "mixed" : *optics_kinds.begin();
  for (const auto& [m, c] : dpus) {
    r.inventory.push_back({"dpu", m, c, ""});
    r.power.push_back({"storage", m, c, c * max_power(device(m)), "power.max"});
  }
  for (const auto& [m, c] : drives) {
    r.inventory.push_back({"drive", m.empty() ? "(no tokenfab:device)" : m, c, ""});
    if (!m.empty()) r.power.push_back({"storage", m, c, c * max_power(device(m)), "power.max"});
  }
  // Rack equipment from the rack zones (docs/platforms.md, "Rack power"), at maximum draw.
  std::map<std::string, long> scale_up, fans;
  if (racks)
    for (const auto& [rack, ri] : racks->racks) {
      if (ri.scale_up_switches && *ri.scale_up_switches > 0) scale_up[ri.scale_up_switch] += *ri.scale_up_switches;
      if (ri.fans > 0) fans[ri.fan] += ri.fans;
    }
  for (const auto& [m, c] : scale_up) {
    r.inventory.push_back({"scale-up sw", m, c, ""});
    r.power.push_back({"rack", m, c, c * max_power(device(m)), "power.max"});
  }
  for (const auto& [m, c] : fans) {
    r.inventory.push_back({"fan", m, c, ""});
    r.power.push_back({"rack", m + " (fans)", c, c * max_power(device(m)), "power.max"});
  }
  for (const auto& p : r.power) {
    r.power_total += p.watts;
    if (p.group == "network") r.network_power += p.watts;
  }
  // Power shelves: each converts the share of the load its racks' accelerators stand for.
  if (racks && racks->accelerator_count() > 0) {
    std::map<std::string, std::pair<long, long>> shelves;  // model -> (accelerators behind it, racks)
    for (const auto& [rack, n] : racks->accelerators_by_rack) {
      const auto ri = racks->racks.find(rack);
      if (ri == racks->racks.end() || ri->second.power_shelf.empty()) continue;
      shelves[ri->second.power_shelf].first += n;
      shelves[ri->second.power_shelf].second += 1;
    }
    const double load = r.power_total;
    for (const auto& [m, n] : shelves) {
      const auto d = device(m);
      if (!d || !d->efficiency || d->efficiency->value <= 0) continue;
      const double w = load * static_cast<double>(n.first) / static_cast<double>(racks->accelerator_count()) *
                       (1 / d->efficiency->value - 1);
      r.power.push_back({"rack", m + " (conversion loss)", n.second, w,
                         "the load its racks' accelerators stand for x (1/efficiency - 1)"});
      r.power_total += w;
    }
  }
  std::sort(r.notes.begin(), r.notes.end());
  r.notes.erase(std::unique(r.notes.begin(), r.notes.end()), r.notes.end());
  return r;
}

namespace {

std::string bw(double v) { return format_quantity(v, Dimension::Bandwidth); }
std::string watts(double v) { return format_quantity(v, Dimension::Power); }

}  // namespace

std::string render_topology_table(const TopologyReport& r) {
  std::string out = fmt::format("Topology of {}\n\n", r.platform);
  out += fmt::format("  {:<28} {}\n", "accelerators", r.accelerator_count);
  for (const auto& [m, c] : r.accelerators) out += fmt::format("  {:<28} {}\n", "  " + m, c);
  out += fmt::format("  {:<28} {}{}\n", "scale-up domains", r.domain_count,
                     r.domains_detected ? " (connected over scale-up links)" : " (declared)");
  for (const auto& d : r.domains)
    out += fmt::format("  {:<28} {} x {} {}\n", "", d.count, d.size, d.device);
  for (const auto& p : r.domain_problems) out += fmt::format("  {:<28} {}\n", "  domain problem", p);
  out += fmt::format("  {:<28} {} links{}\n", "hop diameter", r.hop_diameter,
                     r.diameter_from.empty() ? "" : fmt::format(" ({} -> {})", r.diameter_from, r.diameter_to));
  out += fmt::format("  {:<28} {}\n", "bisection bandwidth", bw(r.bisection));
  out += fmt::format("  {:<28} {}\n", "  scale-out only", bw(r.scale_out_bisection));
  if (r.injection > 0) {
    out += fmt::format("  {:<28} {}\n", "  half's NIC injection", bw(r.injection));
    out += fmt::format("  {:<28} {:.2f}:1\n", "oversubscription", r.oversubscription);
  }
  if (r.leaf_oversubscription > 0)
    out += fmt::format("  {:<28} {:.2f}:1 (ports down:up)\n", "  at the leaves", r.leaf_oversubscription);
  out += "\nInventory\n";
  for (const auto& i : r.inventory)
    out += fmt::format("  {:<12} {:<40} {:>8}{}\n", i.item, i.model, i.count, i.note.empty() ? "" : "  " + i.note);
  out += "\nPower budget (maximum draw; cooling and PUE not included)\n";
  for (const auto& p : r.power)
    out += fmt::format("  {:<12} {:<40} {:>8} {:>12}  ({})\n", p.group, p.item, p.count, watts(p.watts), p.basis);
  out += fmt::format("  {:<12} {:<40} {:>8} {:>12}\n", "total", "", "", watts(r.power_total));
  out += fmt::format("  {:<12} {:<40} {:>8} {:>12}\n", "  network", "", "", watts(r.network_power));
  if (r.optics != "none" && !r.pluggable_switch.empty() && !r.cpo_switch.empty()) {
    const double saved = r.optics_power_pluggable - r.optics_power_cpo;
    out += fmt::format("\nOptics ({} as built): switch-side optics {} with pluggable modules ({}), {} with "
                       "co-packaged optics ({}): CPO saves {} ({:.1f}% of the network power with pluggables)\n",
                       r.optics, watts(r.optics_power_pluggable), r.pluggable_switch, watts(r.optics_power_cpo),
                       r.cpo_switch, watts(saved),
                       100.0 * saved / (r.network_power - r.optics_power + r.optics_power_pluggable));
  }
  if (!r.notes.empty()) {
    out += "\nNotes\n";
    for (const auto& n : r.notes) out += "  - " + n + "\n";
  }
  return out;
}

nlohmann::json topology_json(const TopologyReport& r) {
  nlohmann::json j;
  j["platform"] = r.platform;
  j["accelerators"] = {{"count", r.accelerator_count}, {"by_device", r.accelerators}};
  nlohmann::json doms = nlohmann::json::array();
  for (const auto& d : r.domains) doms.push_back({{"device", d.device}, {"size", d.size}, {"count", d.count}});
  j["domains"] = {{"count", r.domain_count},
                  {"detected_from_links", r.domains_detected},
                  {"groups", doms},
                  {"problems", r.domain_problems}};
  j["hop_diameter"] = {{"links", r.hop_diameter}, {"from", r.diameter_from}, {"to", r.diameter_to}};
  j["bisection_Bps"] = r.bisection;
  j["scale_out_bisection_Bps"] = r.scale_out_bisection;
  j["injection_Bps"] = r.injection;
  j["oversubscription"] = r.oversubscription;
  j["leaf_oversubscription"] = r.leaf_oversubscription;
  nlohmann::json inv = nlohmann::json::array();
  for (const auto& i : r.inventory) inv.push_back({{"item", i.item}, {"model", i.model}, {"count", i.count}, {"note", i.note}});
  j["inventory"] = inv;
  nlohmann::json pw = nlohmann::json::array();
  for (const auto& p : r.power)
    pw.push_back({{"group", p.group}, {"item", p.item}, {"count", p.count}, {"watts", p.watts}, {"basis", p.basis}});
  j["power"] = {{"lines", pw},
                {"total_W", r.power_total},
                {"network_W", r.network_power},
                {"optics", r.optics},
                {"switch_optics_W", r.optics_power},
                {"switch_optics_pluggable_W", r.optics_power_pluggable},
                {"switch_optics_cpo_W", r.optics_power_cpo},
                {"pluggable_switch", r.pluggable_switch},
                {"cpo_switch", r.cpo_switch}};
  j["notes"] = r.notes;
  return j;
}

}  // namespace tokenfab
