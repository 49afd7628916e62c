#include "sim/engine/failure_targets.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "models/core/config_error.hpp"

namespace tokenfab {
namespace {

// Up to `shown` names in natural order, then how many more.
std::string some(std::set<std::string> names_set, std::size_t shown = 4) {
  std::vector<std::string> names(names_set.begin(), names_set.end());
  std::sort(names.begin(), names.end(), natural_less);
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < shown; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > shown) out += fmt::format(", ... {} more", names.size() - shown);
  return out.empty() ? "none" : out;
}

std::string role_of(const simgrid::s4u::Host* h) {
  const char* v = h->get_property("tokenfab:role");
  return v ? v : "";
}

// A link's name as the platform XML gives it: SimGrid names the two directions of a SPLITDUPLEX
// link "<id>_UP" and "<id>_DOWN".
std::string xml_id(const std::string& name) {
  for (const std::string suffix : {"_UP", "_DOWN"})
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      return name.substr(0, name.size() - suffix.size());
  return name;
}

}  // namespace

simgrid::s4u::Host* storage_node_of(const simgrid::s4u::Engine& engine, std::size_t replica) {
  std::vector<simgrid::s4u::Host*> nodes;
  for (auto* h : engine.get_all_hosts())
    if (role_of(h) == "storage") nodes.push_back(h);
  if (nodes.empty()) return nullptr;
  std::sort(nodes.begin(), nodes.end(),
            [](const auto* a, const auto* b) { return natural_less(a->get_name(), b->get_name()); });
  return nodes[replica % nodes.size()];
}

bool route_crosses(const simgrid::s4u::Host* a, const simgrid::s4u::Host* b,
                   const std::vector<simgrid::s4u::Link*>& links) {
  if (a == b) return false;
  std::vector<simgrid::s4u::Link*> route;
  double latency = 0;
  a->route_to(b, route, &latency);
  for (auto* l : route)
    if (std::find(links.begin(), links.end(), l) != links.end()) return true;
  return false;
}

FailureTarget resolve_failure(const simgrid::s4u::Engine& engine, const PlatformView& platform,
                              const std::vector<std::vector<simgrid::s4u::Host*>>& replica_hosts,
                              const FailureEvent& ev, std::size_t index, const std::string& file) {
  FailureTarget out;
  // A GPU host, rack or NVLink domain of a deployed replica.
  for (std::size_t r = 0; r < replica_hosts.size(); ++r) {
    bool hit = false;
    for (const auto& g : platform.gpus) {
      const auto& hosts = replica_hosts[r];
      if (std::find(hosts.begin(), hosts.end(), g.host) == hosts.end()) continue;
      hit = hit || g.host->get_name() == ev.fail || g.rack == ev.fail || g.domain == ev.fail;
    }
    if (hit) out.replicas.push_back(r);
  }
  if (!out.replicas.empty()) return out;

  // A storage node.
  for (auto* h : engine.get_all_hosts()) {
    if (role_of(h) == "storage" && h->get_name() == ev.fail) {
      out.kind = FailureKind::Storage;
      out.storage = h;
      return out;
    }
  }

  // A link, by its SimGrid name or its XML id (both directions of a split-duplex link).
  for (auto* l : engine.get_all_links())
    if (l->get_name() == ev.fail || xml_id(l->get_name()) == ev.fail) out.links.push_back(l);
  if (!out.links.empty()) {
    std::sort(out.links.begin(), out.links.end(),
              [](const auto* a, const auto* b) { return natural_less(a->get_name(), b->get_name()); });
    out.kind = FailureKind::Link;
    // A replica whose devices reach each other over the link has lost its only route.
    for (std::size_t r = 0; r < replica_hosts.size(); ++r) {
      const auto& hosts = replica_hosts[r];
      bool cut = false;
      for (std::size_t j = 1; j < hosts.size() && !cut; ++j)
        cut = route_crosses(hosts[0], hosts[j], out.links) || route_crosses(hosts[j], hosts[0], out.links);
      if (cut) out.replicas.push_back(r);
    }
    return out;
  }

  // Nothing of that name: say what can be named.
  std::set<std::string> gpus, racks, domains, links, storage;
  for (const auto& g : platform.gpus) {
    bool used = false;
    for (const auto& hosts : replica_hosts) used = used || std::find(hosts.begin(), hosts.end(), g.host) != hosts.end();
    if (!used) continue;
    gpus.insert(g.host->get_name());
    if (!g.rack.empty()) racks.insert(g.rack);
    domains.insert(g.domain);
  }
  for (auto* l : engine.get_all_links())
    if (l->get_name() != "__loopback__") links.insert(xml_id(l->get_name()));
  for (auto* h : engine.get_all_hosts())
    if (role_of(h) == "storage") storage.insert(h->get_name());
  throw ConfigError(
      {file, 0, 0}, fmt::format("events[{}].fail", index),
      fmt::format("no deployed GPU, rack, NVLink domain, link or storage node is named '{}'", ev.fail),
      fmt::format("a GPU host ({}), rack ({}), NVLink domain ({}), link ({}) or storage node ({})", some(gpus),
                  some(racks), some(domains), some(links), some(storage)));
}

}  // namespace tokenfab
