// What tokenfab reads from a loaded SimGrid platform: its GPUs (hosts with tokenfab:* properties),
// the frontend host, and the bandwidth and latency of the path between two hosts.
#pragma once

#include <string>
#include <vector>

#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>

#include "sim/config/scenario.hpp"

namespace tokenfab {

// Properties every GPU host carries:
//   tokenfab:role=gpu, tokenfab:device=<hardware catalog name>, tokenfab:domain=<NVLink domain id>;
// optional: tokenfab:rack, tokenfab:index (ordering inside the domain).
struct GpuHost {
  simgrid::s4u::Host* host = nullptr;
  std::string device;
  std::string domain;
  std::string rack;
};

struct PlatformView {
  std::string file;
  std::vector<GpuHost> gpus;               // ordered by domain, then index (or natural name order)
  simgrid::s4u::Host* frontend = nullptr;  // host with tokenfab:role=frontend (else the first GPU)
};

// Name order with numbers compared by value: "gpu10" sorts after "gpu9".
bool natural_less(const std::string& a, const std::string& b);

// Checks the tokenfab:* properties of every host; throws ConfigError naming the file, the host
// and the property when one is missing or wrong.
PlatformView inspect_platform(const simgrid::s4u::Engine& engine, const std::string& file);

struct PathInfo {
  double bandwidth = 0;  // bottleneck link bandwidth, B/s
  double latency = 0;    // sum of link latencies, s
  int links = 0;
};
PathInfo path_between(const simgrid::s4u::Host* a, const simgrid::s4u::Host* b);

// GPUs of each replica: `tp` consecutive GPUs inside one NVLink domain (unless the deployment
// allows spanning domains). Throws ConfigError when the platform has too few GPUs.
std::vector<std::vector<GpuHost>> place_replicas(const PlatformView& platform, const Scenario& scenario);

}  // namespace tokenfab
