#include "sim/serving/host_cpus.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Exec.hpp>
#include <simgrid/s4u/Host.hpp>

#include "sim/platform/platform.hpp"  // natural_less
#include "sim/platform/host_roles.hpp"

namespace tokenfab {
namespace {

bool by_name(const simgrid::s4u::Host* a, const simgrid::s4u::Host* b) {
  return natural_less(a->get_name(), b->get_name());
}

// Catalog entries already read, by model: a pod has hundreds of CPU hosts of one model, and each
// read parses its YAML file.
using CpuSpecs = std::map<std::string, DeviceSpec>;

HostCpu describe(simgrid::s4u::Host* h, const Catalog& catalog, const std::vector<std::string>& known,
                 CpuSpecs& specs) {
  HostCpu c;
  c.host = h;
  c.model = host_prop(h, "tokenfab:device");
  c.cores = std::max(1, h->get_core_count());
  if (c.model.empty()) return c;
  if (std::find(known.begin(), known.end(), c.model) == known.end()) return c;  // priced at 0 W, noted
  auto it = specs.find(c.model);
  if (it == specs.end()) it = specs.emplace(c.model, catalog.device(c.model)).first;
  const DeviceSpec& spec = it->second;
  if (c.cores == 1 && spec.cores) c.cores = std::max(1, static_cast<int>(spec.cores->value));
  if (spec.power.idle) c.idle_w = spec.power.idle->value;
  if (spec.power.max) c.max_w = spec.power.max->value;
  return c;
}

// Watts the platform file gives the energy plugin itself (first pstate, "idle:max" or
// "idle:one core:all cores"), which win over the catalog's.
void platform_watts(HostCpu& c) {
  const std::string w = host_prop(c.host, "wattage_per_state");
  if (w.empty()) return;
  std::vector<double> v;
  std::size_t start = 0;
  const std::string first = w.substr(0, w.find(','));
  while (start <= first.size()) {
    const std::size_t end = std::min(first.find(':', start), first.size());
    char* stop = nullptr;
    const std::string item = first.substr(start, end - start);
    const double x = std::strtod(item.c_str(), &stop);
    if (item.empty() || *stop != '\0') return;  // SimGrid itself rejects a malformed list
    v.push_back(x);
    start = end + 1;
  }
  if (v.size() < 2) return;
  c.idle_w = v.front();
  c.max_w = v.back();
}

}  // namespace

const HostCpu* HostCpuPlan::find(const simgrid::s4u::Host* host) const {
  for (const auto& c : cpus)
    if (c.host == host) return &c;
  return nullptr;
}

HostCpuPlan plan_host_cpus(const simgrid::s4u::Engine& engine, const Catalog& catalog,
                           const std::vector<std::vector<simgrid::s4u::Host*>>& replica_hosts,
                           double cores_per_device, const std::vector<simgrid::s4u::Host*>& also) {
  // Each rack's CPUs by name and devices by name (the generator numbers both in order).
  std::map<std::string, std::vector<simgrid::s4u::Host*>> rack_cpus, rack_devices;
  for (auto* h : engine.get_all_hosts()) {
    if (is_cpu_host(h)) rack_cpus[host_prop(h, "tokenfab:rack")].push_back(h);
    if (is_device_host(h)) rack_devices[host_prop(h, "tokenfab:rack")].push_back(h);
  }
  for (auto& [rack, v] : rack_cpus) std::sort(v.begin(), v.end(), by_name);
  for (auto& [rack, v] : rack_devices) std::sort(v.begin(), v.end(), by_name);

  // The CPU a device hangs off, by the platform generator's wiring (accelerators_per_cpu
  // consecutive devices per CPU, in name order within the rack) rather than by asking SimGrid for
  // routes: a hand-written platform may lack a device-CPU route, and SimGrid cannot answer that
  // without crashing. A rack without CPU hosts leaves its devices without one.
  auto cpu_of = [&](simgrid::s4u::Host* device) -> simgrid::s4u::Host* {
    const std::string rack = host_prop(device, "tokenfab:rack");
    const auto cpus = rack_cpus.find(rack);
    if (cpus == rack_cpus.end() || cpus->second.empty()) return nullptr;
    const auto& devices = rack_devices[rack];
    const auto pos = static_cast<std::size_t>(std::find(devices.begin(), devices.end(), device) - devices.begin());
    if (pos >= devices.size()) return nullptr;
    return cpus->second[pos * cpus->second.size() / devices.size()];
  };

  HostCpuPlan plan;
  const std::vector<std::string> known = catalog.device_names();
  CpuSpecs specs;
  std::map<simgrid::s4u::Host*, std::size_t> index;
  auto add = [&](simgrid::s4u::Host* h) {
    if (const auto it = index.find(h); it != index.end()) return it->second;
    index[h] = plan.cpus.size();
    plan.cpus.push_back(describe(h, catalog, known, specs));
    platform_watts(plan.cpus.back());
    return plan.cpus.size() - 1;
  };
  // Engine cores per (replica, CPU) first, then the fractions once every replica is counted.
  std::vector<std::map<std::size_t, double>> engine_cores(replica_hosts.size());
  for (std::size_t r = 0; r < replica_hosts.size(); ++r) {
    for (auto* d : replica_hosts[r]) {
      simgrid::s4u::Host* cpu = cpu_of(d);
      if (!cpu) continue;
      const std::size_t k = add(cpu);
      engine_cores[r][k] += cores_per_device;
      plan.cpus[k].engine_cores += cores_per_device;
    }
  }
  for (auto* h : also)
    if (h && is_cpu_host(h)) add(h);  // a frontend that is a GPU is no CPU
  plan.replica_load.resize(replica_hosts.size());
  for (std::size_t r = 0; r < replica_hosts.size(); ++r) {
    for (const auto& [k, cores] : engine_cores[r]) {
      const HostCpu& c = plan.cpus[k];
      if (cores <= 0) continue;
      plan.replica_load[r].push_back({c.host, cores / std::max(static_cast<double>(c.cores), c.engine_cores)});
    }
  }
  std::sort(plan.cpus.begin(), plan.cpus.end(), [](const HostCpu& a, const HostCpu& b) { return by_name(a.host, b.host); });
  return plan;
}

simgrid::s4u::ExecPtr start_share(simgrid::s4u::Host* host, double fraction, double seconds) {
  const double rate = fraction * host->get_speed();
  return simgrid::s4u::Exec::init()->set_flops_amount(seconds * rate)->set_bound(rate)->set_host(host)->start();
}

void end_share(const simgrid::s4u::ExecPtr& work) {
  if (work && !work->test()) work->cancel();
}

std::map<std::string, CpuDraw> cpu_draw(const HostCpuPlan& plan, const std::vector<double>& replica_busy_seconds,
                                        const std::map<const simgrid::s4u::Host*, double>& tool_seconds,
                                        double seconds) {
  std::map<const simgrid::s4u::Host*, double> busy;  // busy fraction-seconds of each host's speed
  for (std::size_t r = 0; r < plan.replica_load.size() && r < replica_busy_seconds.size(); ++r)
    for (const auto& s : plan.replica_load[r]) busy[s.host] += s.fraction * replica_busy_seconds[r];
  std::map<std::string, CpuDraw> out;
  for (const auto& c : plan.cpus) {
    if (!c.priced()) {
      out[c.model].count += 1;  // listed, at 0 W (power_breakdown notes it)
      continue;
    }
    double b = busy[c.host];
    if (const auto it = tool_seconds.find(c.host); it != tool_seconds.end())
      b += it->second / static_cast<double>(c.cores);
    CpuDraw& d = out[c.model];
    d.count += 1;
    d.peak_w += *c.max_w;
    const double joules = *c.idle_w * seconds + (*c.max_w - *c.idle_w) * std::min(b, seconds);
    d.joules += joules;
    if (seconds > 0) d.average_w += joules / seconds;
  }
  return out;
}

}  // namespace tokenfab
