// The host CPUs' part in a run, so that their energy comes from SimGrid's host energy plugin like
// the accelerators': which CPU host each accelerator hangs off, how much of that CPU the replica's
// serving processes keep busy while the replica works, and the CPUs' catalog watts.
//
// Model (docs/metrics.md, "CPU power"): while a replica runs iterations, each of its devices keeps
// `serving.host_cores_per_device` cores of its host CPU busy (the engines run one busy worker
// process per GPU: estimate). Tool calls of agentic sessions keep one core of their tool host busy
// for their duration. SimGrid's energy plugin then integrates each CPU host's power, linear
// between the catalog's power.idle and power.max in the busy fraction of its cores. Executions on
// the CPUs never delay the replicas or the tool calls: they follow the replicas' busy spans. Tool
// calls may use every core; when they and the serving processes together want more cores than
// the CPU has, SimGrid shares it and its power saturates at power.max (the breakdown's analytic
// figure, cpu_draw, then overstates the busy part; docs/metrics.md says so).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/catalog.hpp"

#include <simgrid/forward.h>

namespace tokenfab {

// A share of one CPU host's speed that a replica's serving processes use while it is busy.
struct CpuShare {
  simgrid::s4u::Host* host = nullptr;
  double fraction = 0;  // engine cores on it / its cores, scaled down so the host is never oversubscribed
};

struct HostCpu {
  simgrid::s4u::Host* host = nullptr;
  std::string model;             // catalog CPU named by tokenfab:device ("" when none)
  int cores = 1;                 // the catalog's cores (or the host's own count when it has several)
  double engine_cores = 0;       // cores the replicas' serving processes keep busy while all are busy
  std::optional<double> idle_w;  // catalog power.idle / power.max (absent: not priced); the loader gives
                                 // them to the energy plugin (sim/platform/loader.cpp)
  std::optional<double> max_w;
  bool priced() const { return idle_w && max_w; }
};

struct HostCpuPlan {
  std::vector<HostCpu> cpus;                       // the CPUs in the run's energy scope, by name
  std::vector<std::vector<CpuShare>> replica_load;  // per replica, in the order given
  const HostCpu* find(const simgrid::s4u::Host* host) const;
};

// Maps each replica's devices to their host CPUs (role cpu or frontend in the device's rack, by
// the platform generator's wiring: accelerators_per_cpu consecutive devices per CPU) and adds the
// CPU hosts among `also` (the frontend, tool hosts) to the scope. `cores_per_device` >= 0.
HostCpuPlan plan_host_cpus(const simgrid::s4u::Engine& engine, const Catalog& catalog,
                           const std::vector<std::vector<simgrid::s4u::Host*>>& replica_hosts,
                           double cores_per_device, const std::vector<simgrid::s4u::Host*>& also);

// CPU draw by catalog model over a run of `seconds`: the energy plugin's linear model on the busy
// core-seconds each host saw (replicas' busy seconds x their shares, plus tool-call seconds by
// host). Equals the plugin's integration (tests/engine/cpu_energy_test.cpp) without depending on
// how fast-forward cut the busy time into activities. CPUs without catalog watts are counted with
// 0 W (model "" when the host names none).
// Keeps `fraction` of `host`'s speed busy for `seconds` from now (a bounded execution, which the
// energy plugin sees); end_share cancels whatever a rounding error leaves of it, so that the
// caller's own clock stays authoritative and the CPU work never delays it.
simgrid::s4u::ExecPtr start_share(simgrid::s4u::Host* host, double fraction, double seconds);
void end_share(const simgrid::s4u::ExecPtr& work);

struct CpuDraw {
  double count = 0;
  double average_w = 0;
  double peak_w = 0;
  double joules = 0;
};
std::map<std::string, CpuDraw> cpu_draw(const HostCpuPlan& plan, const std::vector<double>& replica_busy_seconds,
                                        const std::map<const simgrid::s4u::Host*, double>& tool_seconds,
                                        double seconds);

}  // namespace tokenfab
