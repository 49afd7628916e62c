// What a failure event (scenario `events[i].fail`) names, resolved against the loaded platform
// and the deployed replicas:
//   - a GPU host, a rack (tokenfab:rack) or an NVLink domain (tokenfab:domain): every replica with
//     a device there stops;
//   - a link, by its id in the platform XML ("up0" names both directions of a SPLITDUPLEX link,
//     "up0_UP" one of them): the engine turns it off in SimGrid for the window, so that KV
//     transfers crossing it fail and new ones avoid it; a replica whose own devices talk over it
//     (a route between two of its devices crosses it) has lost its only route and stops too;
//   - a storage node (a host with tokenfab:role=storage): the prefix blocks offloaded to it are
//     out of reach for the window (sim/serving/prefix_cache.hpp).
// Anything else is a one-line ConfigError at events[i].fail listing what can be named.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>

#include "sim/config/scenario.hpp"
#include "sim/platform/platform.hpp"

namespace tokenfab {

enum class FailureKind { Devices, Link, Storage };

struct FailureTarget {
  FailureKind kind = FailureKind::Devices;
  std::vector<std::size_t> replicas;         // replicas that stop (Devices; Link: cut off inside)
  std::vector<simgrid::s4u::Link*> links;    // Link: the SimGrid links turned off
  simgrid::s4u::Host* storage = nullptr;     // Storage: the node
};

// `replica_hosts[r]`: replica r's devices. Throws ConfigError naming `events[index].fail`.
FailureTarget resolve_failure(const simgrid::s4u::Engine& engine, const PlatformView& platform,
                              const std::vector<std::vector<simgrid::s4u::Host*>>& replica_hosts,
                              const FailureEvent& event, std::size_t index, const std::string& scenario_file);

// The storage node replica `replica` (its index) keeps its storage tier on: the platform's
// storage hosts in name order, taken in turn (as sim/serving/host_tiers.cpp assigns them); null
// when the platform has none.
simgrid::s4u::Host* storage_node_of(const simgrid::s4u::Engine& engine, std::size_t replica);

// Whether the route from `a` to `b` crosses one of `links`.
bool route_crosses(const simgrid::s4u::Host* a, const simgrid::s4u::Host* b,
                   const std::vector<simgrid::s4u::Link*>& links);

}  // namespace tokenfab
