#include "sim/topology/graph.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

#include <simgrid/kernel/routing/NetPoint.hpp>
#include <simgrid/kernel/routing/NetZoneImpl.hpp>
#include <simgrid/kernel/routing/RoutedZone.hpp>
#include <simgrid/kernel/routing/StarZone.hpp>
#include <simgrid/s4u/Disk.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/NetZone.hpp>
#include <xbt/graph.h>

namespace tokenfab {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// x_UP <-> x_DOWN: the other direction of a split-duplex link.
std::string flipped(const std::string& name) {
  if (ends_with(name, "_UP")) return name.substr(0, name.size() - 3) + "_DOWN";
  if (ends_with(name, "_DOWN")) return name.substr(0, name.size() - 5) + "_UP";
  return name;
}

std::string prop(const char* v) { return v ? std::string(v) : std::string(); }

}  // namespace

TopoVertex Topology::vertex(const std::string& name, NodeKind kind) {
  const auto it = index_.find(name);
  if (it != index_.end()) return it->second;
  const TopoVertex v = boost::add_vertex(g_);
  g_[v].name = name;
  g_[v].kind = kind;
  index_.emplace(name, v);
  return v;
}

std::optional<TopoVertex> Topology::find(const std::string& name) const {
  const auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

void Topology::chain(const std::string& src, const std::vector<std::string>& links, const std::string& dst) {
  TopoVertex prev = vertex(src, NodeKind::Router);
  for (const auto& l : links) {
    const auto v = find(l);
    if (!v) return;  // a link SimGrid did not list (should not happen): leave the route out
    boost::add_edge(prev, *v, g_);
    prev = *v;
  }
  boost::add_edge(prev, vertex(dst, NodeKind::Router), g_);
}

std::string Topology::link_property(TopoVertex v, const std::string& key) const {
  const auto* holder = g_[v].props;
  return holder ? prop(holder->get_property(key)) : std::string();
}

Topology Topology::build(const simgrid::s4u::Engine& engine, const RouteRecorder& routes) {
  Topology t;
  for (auto* h : engine.get_all_hosts()) {
    const TopoVertex v = t.vertex(h->get_name(), NodeKind::Host);
    auto& n = t.g_[v];
    n.host = h;
    n.role = prop(h->get_property("tokenfab:role"));
    n.device = prop(h->get_property("tokenfab:device"));
    n.domain = prop(h->get_property("tokenfab:domain"));
    n.rack = prop(h->get_property("tokenfab:rack"));
    const std::string idx = prop(h->get_property("tokenfab:index"));
    if (!idx.empty()) n.index = std::strtol(idx.c_str(), nullptr, 10);
    for (const auto* d : h->get_disks()) n.disk_devices.push_back(prop(d->get_property("tokenfab:device")));
  }
  for (auto* np : engine.get_all_netpoints())
    if (np->is_router()) t.vertex(np->get_name(), NodeKind::Router);
  // SimGrid keeps a split-duplex link's properties on the link, not on its two directions; its
  // lookup walks every zone, so each one is looked up once for both directions.
  std::unordered_map<std::string, const simgrid::s4u::Link*> split;
  for (const auto* l : engine.get_all_links()) {
    const std::string& name = l->get_name();
    if (name == "__loopback__") continue;
    const simgrid::s4u::Link* holder = l;
    if (ends_with(name, "_UP") || ends_with(name, "_DOWN")) {
      const std::string base = name.substr(0, name.size() - (ends_with(name, "_UP") ? 3 : 5));
      auto it = split.find(base);
      if (it == split.end()) {
        const simgrid::s4u::Link* sd = nullptr;
        try {
          sd = engine.split_duplex_link_by_name(base);
        } catch (const std::exception&) {
          sd = nullptr;  // a plain link whose name happens to end in _UP
        }
        it = split.emplace(base, sd).first;
      }
      if (it->second) holder = it->second;
    }
    const TopoVertex v = t.vertex(name, NodeKind::Link);
    auto& n = t.g_[v];
    n.props = holder;
    n.link_kind = prop(holder->get_property("tokenfab:kind"));
    n.bandwidth = l->get_bandwidth();
    n.latency = l->get_latency();
    n.fatpipe = l->get_sharing_policy() == simgrid::s4u::Link::SharingPolicy::FATPIPE;
  }
  for (const auto& r : routes.routes()) {
    t.chain(r.src, r.links, r.dst);
    if (r.symmetrical) {
      std::vector<std::string> back;
      for (auto it = r.links.rbegin(); it != r.links.rend(); ++it) {
        const std::string f = flipped(*it);
        back.push_back(t.find(f) ? f : *it);
      }
      t.chain(r.dst, back, r.src);
    }
  }

  // Zones with no declared routes: SimGrid's own graph of a star (cluster) zone; other kinds are
  // reported as unread.
  std::vector<simgrid::s4u::NetZone*> todo{engine.get_netzone_root()};
  while (!todo.empty()) {
    auto* z = todo.back();
    todo.pop_back();
    for (auto* c : z->get_children()) todo.push_back(c);
    auto* impl = z->get_impl();
    if (dynamic_cast<simgrid::kernel::routing::RoutedZone*>(impl)) continue;
    auto* star = dynamic_cast<simgrid::kernel::routing::StarZone*>(impl);
    if (!star) {
      if (!impl->get_vertices().empty()) t.unread_zones_.push_back(z->get_name());
      continue;
    }
    xbt_graph_t xg = xbt_graph_new_graph(1, nullptr);
    std::map<std::string, xbt_node_t, std::less<>> nodes;
    std::map<std::string, xbt_edge_t, std::less<>> edges;
    star->get_graph(xg, &nodes, &edges);
    auto name_of = [&](xbt_node_t n) {
      const std::string s = static_cast<const char*>(xbt_graph_node_get_data(n));
      if (s == z->get_name()) return t.vertex("zone:" + s, NodeKind::ZoneCenter);
      const auto v = t.find(s);
      return v ? *v : t.vertex(s, NodeKind::Router);
    };
    unsigned int cursor = 0;
    xbt_edge_t e = nullptr;
    xbt_dynar_foreach (xbt_graph_get_edges(xg), cursor, e) {
      const TopoVertex a = name_of(xbt_graph_edge_get_source(e));
      const TopoVertex b = name_of(xbt_graph_edge_get_target(e));
      boost::add_edge(a, b, t.g_);
      // A shared (not split-duplex) link carries both directions.
      const auto directional = [&](TopoVertex v) {
        return t.g_[v].kind == NodeKind::Link && flipped(t.g_[v].name) != t.g_[v].name &&
               t.find(flipped(t.g_[v].name));
      };
      if (!directional(a) && !directional(b)) boost::add_edge(b, a, t.g_);
    }
    xbt_graph_free_graph(xg, std::free, nullptr, nullptr);
  }
  std::sort(t.unread_zones_.begin(), t.unread_zones_.end());
  return t;
}

}  // namespace tokenfab
