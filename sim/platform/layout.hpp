// The SimGrid platform a spec describes, as plain data (zones, hosts, links, routes) before it is
// written as XML. Building it resolves every hardware figure through the catalog and sizes the
// scale-out fabric (leaves, spines, tiers).
//
// Shape (see docs/platforms.md):
//   root zone (Full) ── one zone per rack (Dijkstra): accelerators, CPUs, one switch-plane router
//                       per scale-up domain, the rack's leaves and a gateway standing for the spine
//                   ── "services" zone (Dijkstra): storage nodes, a dedicated frontend, their leaves
//   zone routes between every pair of zones cross the spine (or spine, core and spine in three tiers).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "models/catalog.hpp"
#include "sim/platform/spec.hpp"

namespace tokenfab {

using Props = std::vector<std::pair<std::string, std::string>>;

enum class LinkSharing { SplitDuplex, Shared, FatPipe };
enum class LinkDir { None, Up, Down };

struct LayoutDisk {
  std::string id;
  double read_bw = 0, write_bw = 0, capacity = 0;  // B/s, B/s, B
  Props props;
};

struct LayoutHost {
  std::string id;
  double speed = 0;  // FLOP/s
  Props props;
  std::vector<LayoutDisk> disks;
};

struct LayoutLink {
  std::string id;
  double bandwidth = 0;  // B/s (per direction for split-duplex links)
  double latency = 0;    // s
  LinkSharing sharing = LinkSharing::SplitDuplex;
  Props props;
};

struct LayoutRoute {
  std::string src, dst;        // hosts/routers, or zones for a zone route
  std::string gw_src, gw_dst;  // set for zone routes
  std::vector<std::pair<std::string, LinkDir>> links;
  bool symmetrical = true;
};

struct LayoutZone {
  std::string id;
  std::string routing;  // Full | DijkstraCache
  Props props;
  std::vector<std::string> routers;
  std::vector<LayoutHost> hosts;
  std::vector<LayoutLink> links;
  std::vector<LayoutZone> zones;
  std::vector<LayoutRoute> routes;  // declared in this order (Dijkstra breaks ties by it)
};

// One rack group as built, for diagrams and docs.
struct RackSummary {
  std::string kind;
  int racks = 0;
  int first_rack = 0;  // global index of its first rack
  std::string accelerator;
  bool lpu = false;
  int per_rack = 0;
  int domain = 0;
  double scale_up_bandwidth = 0;  // per accelerator, per direction
  std::string cpu;                // catalog name or "" (host CPU outside the catalog)
  int cpus = 0;
  std::string cpu_link;           // c2c | pcie
  double cpu_link_bandwidth = 0;
  std::string nic;
  int nics = 0;                   // per rack
  double nic_bandwidth = 0;       // per NIC
  int leaves = 0;                 // per rack
};

struct FabricSummary {
  bool present = false;
  std::string topology;           // fat-tree | rail-optimised
  std::string switch_model;
  std::string optics;             // pluggable | cpo
  int radix = 0;
  double port_speed = 0;          // B/s
  int down = 0, up = 0;           // leaf ports
  int tiers = 0;                  // 2 or 3
  int leaves = 0;
  int spines = 0;                 // all spines (every block in three tiers)
  int blocks = 0;                 // three tiers: blocks of racks under their own spines
  int super_spines = 0;
  int service_leaves = 0;
};

struct StorageSummary {
  int nodes = 0;
  std::string dpu, drive;
  int drives_per_node = 0;
  double nic_bandwidth = 0;
  double drive_read = 0, drive_write = 0, drive_capacity = 0;
};

struct PlatformLayout {
  std::string name;
  std::string description;
  std::string spec_file;
  std::vector<std::string> notes;  // where each figure came from, for the XML header
  LayoutZone root;
  std::vector<RackSummary> racks;
  FabricSummary fabric;
  StorageSummary storage;
  std::string frontend;            // frontend host name
  int accelerators = 0;
};

// Builds the platform; throws ConfigError naming the spec line for unknown or unsuitable catalog
// entries and for fabrics that the chosen switch cannot build.
PlatformLayout build_layout(const PlatformSpec& spec, const Catalog& catalog);

}  // namespace tokenfab
