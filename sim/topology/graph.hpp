// The topology graph of a loaded platform (Boost.Graph): hosts, routers and links are vertices,
// and each declared route becomes a chain src -> link -> ... -> dst of directed edges, so that a
// split-duplex link appears as two vertices (x_UP, x_DOWN), one per direction. Zones that declare
// no routes (a <cluster>, routing="Cluster") contribute the star SimGrid itself reports.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "sim/topology/route_recorder.hpp"

namespace tokenfab {

enum class NodeKind { Host, Router, Link, ZoneCenter };

struct TopoNode {
  std::string name;
  NodeKind kind = NodeKind::Router;
  // Hosts: their tokenfab:* properties (empty when absent).
  std::string role, device, domain, rack;
  long index = -1;
  std::vector<std::string> disk_devices;  // tokenfab:device of each disk
  // Links.
  std::string link_kind;                  // tokenfab:kind
  double bandwidth = 0;                   // B/s
  double latency = 0;                     // s
  bool fatpipe = false;                   // per-flow limit, not shared
  const simgrid::s4u::Link* props = nullptr;  // holder of the link's properties (the split-duplex link)
  const simgrid::s4u::Host* host = nullptr;
};

// vecS edge lists: a chain may repeat an edge another chain declared; duplicates change no result.
using TopoGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, TopoNode>;
using TopoVertex = boost::graph_traits<TopoGraph>::vertex_descriptor;

class Topology {
 public:
  // Builds the graph of the platform loaded in `engine`, whose routes `routes` recorded.
  static Topology build(const simgrid::s4u::Engine& engine, const RouteRecorder& routes);

  const TopoGraph& graph() const { return g_; }
  std::optional<TopoVertex> find(const std::string& name) const;
  // A property of a link vertex (from its split-duplex parent when it is one direction of it).
  std::string link_property(TopoVertex v, const std::string& key) const;
  // Zones whose routing could not be read (neither declared routes nor a star).
  const std::vector<std::string>& unread_zones() const { return unread_zones_; }

 private:
  TopoVertex vertex(const std::string& name, NodeKind kind);
  void chain(const std::string& src, const std::vector<std::string>& links, const std::string& dst);

  TopoGraph g_;
  std::unordered_map<std::string, TopoVertex> index_;
  std::vector<std::string> unread_zones_;
};

}  // namespace tokenfab
