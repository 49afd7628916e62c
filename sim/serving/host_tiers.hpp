// Where a replica's KV can go besides HBM, and what moving it costs: its accelerators' host CPU
// memory (over their NVLink-C2C or PCIe link to that CPU) and the platform's storage nodes
// (BlueField-4 hosts with SimGrid disks, over the network). Used for swap preemption and for the
// CPU and storage tiers of the prefix cache.
//
// CPU moves are priced by bandwidth, not run as SimGrid activities (the GPU-CPU link is private
// to its device, so nothing else contends for it): a CPU move takes latency + KV bytes per device
// / min(the device's CPU link, the CPU's memory bandwidth shared by its devices) (the devices move
// their shards in parallel). Storage reloads are SimGrid activities run by the replica actor (an
// Io read on the node's disks, then Comms to the replica's devices); here only the node and the
// tier's capacity are chosen. Figures come from the platform (links, disks) and the catalog (CPU
// memory capacity and bandwidth, e.g. Vera LPDDR5X). A CPU's memory is split between the
// accelerators attached to it; each device's share holds its CPU-tier blocks
// (offload.cpu_memory_fraction) and its swapped-out KV (swap_memory_fraction), which together may
// not exceed it (the scenario checks the sum).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>

#include "models/catalog.hpp"
#include "sim/config/scenario.hpp"
#include "sim/serving/batch_scheduler.hpp"

namespace tokenfab {

struct HostTiers {
  bool has_cpu = false;          // a CPU host is linked to the replica's first device
  TierLink cpu_link;             // per token of the replica's KV
  std::int64_t cpu_blocks = 0;   // CPU tier capacity in prefix blocks
  std::int64_t storage_blocks = 0;
  simgrid::s4u::Host* storage_node = nullptr;  // where the replica's storage tier lives
  // Swap space (need_cpu_link): the replica's share of its CPUs' memory left for swapped-out KV,
  // in KV tokens; -1 when a CPU names no catalog CPU with a memory capacity (unbounded).
  std::int64_t swap_tokens = -1;
  std::string cpu_host;          // for messages and logs
};

struct HostTierRequest {
  std::vector<simgrid::s4u::Host*> devices;  // the replica's devices
  double kv_bytes_per_token_per_device = 0;  // one device's shard of a token's KV
  double kv_bytes_per_token = 0;             // the whole replica's KV of one token
  std::int64_t block_tokens = 512;           // prefix block size
  std::size_t replica = 0;                   // index among the replicas that cache prefixes
  std::size_t replicas = 1;                  // how many share the storage nodes
  bool need_cpu_link = false;                // swap preemption
};

// Throws ConfigError (naming `scenario_file` and the serving key) when a requested tier or the
// swap link has nothing to stand on in the platform.
HostTiers host_tiers(const simgrid::s4u::Engine& engine, const Catalog& catalog, const ServingConfig& serving,
                     const HostTierRequest& request, const std::string& scenario_file);

}  // namespace tokenfab
