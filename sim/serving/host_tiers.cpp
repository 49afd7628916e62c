#include "sim/serving/host_tiers.hpp"

#include <algorithm>
#include <limits>

#include <simgrid/s4u/Disk.hpp>

#include "models/core/config_error.hpp"
#include "models/core/units.hpp"
#include "sim/platform/platform.hpp"
#include "sim/platform/host_roles.hpp"

namespace tokenfab {
namespace {

// The CPU a device hangs off: one link away (its C2C or PCIe link), same rack.
simgrid::s4u::Host* cpu_of(const std::vector<simgrid::s4u::Host*>& cpus, simgrid::s4u::Host* device) {
  const std::string rack = host_prop(device, "tokenfab:rack");
  for (auto* c : cpus) {
    if (!rack.empty() && host_prop(c, "tokenfab:rack") != rack) continue;
    if (path_between(device, c).links == 1) return c;
  }
  return nullptr;
}

}  // namespace

HostTiers host_tiers(const simgrid::s4u::Engine& engine, const Catalog& catalog, const ServingConfig& serving,
                     const HostTierRequest& req, const std::string& file) {
  HostTiers out;
  std::vector<simgrid::s4u::Host*> cpus, storage, devices;
  for (auto* h : engine.get_all_hosts()) {
    if (is_cpu_host(h)) cpus.push_back(h);
    if (is_device_host(h)) devices.push_back(h);
    if (host_prop(h, "tokenfab:role") == "storage") storage.push_back(h);
  }
  auto by_name = [](const simgrid::s4u::Host* a, const simgrid::s4u::Host* b) {
    return natural_less(a->get_name(), b->get_name());
  };
  std::sort(cpus.begin(), cpus.end(), by_name);
  std::sort(storage.begin(), storage.end(), by_name);

  // CPU link and tier: each device's own link to its CPU, the CPU's memory shared by its devices.
  const double fraction = serving.offload.cpu_memory_fraction;
  if (fraction > 0 || req.need_cpu_link) {
    double worst_seconds = 0, worst_latency = 0;
    double min_share = std::numeric_limits<double>::infinity();
    double min_swap = std::numeric_limits<double>::infinity();  // bytes per device; -1 = unknown
    for (auto* d : req.devices) {
      simgrid::s4u::Host* cpu = cpu_of(cpus, d);
      if (!cpu) {
        throw ConfigError({file, 0, 0}, fraction > 0 ? "serving.offload.cpu_memory_fraction" : "serving.preemption",
                          "device '" + d->get_name() + "' has no CPU host linked to it in the platform",
                          "a platform whose accelerators have a host CPU (a spec's cpus:)");
      }
      if (out.cpu_host.empty()) out.cpu_host = cpu->get_name();
      const PathInfo link = path_between(d, cpu);
      double bandwidth = link.bandwidth;
      std::optional<DeviceSpec> spec;
      if (!host_prop(cpu, "tokenfab:device").empty()) spec = catalog.device(host_prop(cpu, "tokenfab:device"));
      int sharing = 0;
      for (auto* other : devices)
        if (host_prop(other, "tokenfab:rack") == host_prop(cpu, "tokenfab:rack") && path_between(other, cpu).links == 1) ++sharing;
      sharing = std::max(sharing, 1);
      if (spec && spec->memory.bandwidth) bandwidth = std::min(bandwidth, spec->memory.bandwidth->value / sharing);
      worst_seconds = std::max(worst_seconds, req.kv_bytes_per_token_per_device / bandwidth);
      worst_latency = std::max(worst_latency, link.latency);
      if (req.need_cpu_link && spec && spec->memory.capacity && min_swap >= 0)
        min_swap = std::min(min_swap, serving.swap_memory_fraction * spec->memory.capacity->value / sharing);
      else if (req.need_cpu_link)
        min_swap = -1;  // a CPU of unknown memory: no bound can be given
      if (fraction > 0) {
        if (!spec || !spec->memory.capacity)
          throw ConfigError({file, 0, 0}, "serving.offload.cpu_memory_fraction",
                            "CPU host '" + cpu->get_name() + "' has no catalog CPU with a memory capacity",
                            "a platform whose CPUs name a catalog CPU (tokenfab:device, e.g. vera or grace)");
        min_share = std::min(min_share, fraction * spec->memory.capacity->value / sharing);
      }
    }
    out.has_cpu = true;
    out.cpu_link = {worst_seconds, worst_latency};
    if (req.need_cpu_link && min_swap >= 0)
      out.swap_tokens = static_cast<std::int64_t>(min_swap / req.kv_bytes_per_token_per_device);
    if (fraction > 0)
      out.cpu_blocks = static_cast<std::int64_t>(min_share / req.kv_bytes_per_token_per_device /
                                                 static_cast<double>(req.block_tokens));
  }

  // Storage tier: the replica's share of every node's disks; it reads from node (replica mod nodes).
  if (serving.offload.storage_fraction > 0) {
    if (storage.empty())
      throw ConfigError({file, 0, 0}, "serving.offload.storage_fraction",
                        "the platform has no storage hosts (tokenfab:role=storage)",
                        "a platform spec with storage: (e.g. platforms/vr-nvl144-pod8-cpo.yaml), or 0");
    double capacity = 0;
    for (auto* node : storage)
      for (auto* disk : node->get_disks())
        if (const char* size = disk->get_property("size")) capacity += parse_quantity(size, Dimension::Size);
    out.storage_node = storage[req.replica % storage.size()];
    out.storage_blocks = static_cast<std::int64_t>(serving.offload.storage_fraction * capacity /
                                                   static_cast<double>(std::max<std::size_t>(req.replicas, 1)) /
                                                   req.kv_bytes_per_token / static_cast<double>(req.block_tokens));
  }
  return out;
}

}  // namespace tokenfab
