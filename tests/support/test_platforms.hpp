// Small SimGrid platforms written by tests.
#pragma once

#include <string>

namespace tokenfab::test {

// Two racks of `per_rack` H100 GPUs (one NVLink domain per rack, 450 GB/s per direction per GPU).
// Between racks: each GPU's NIC (`nic`), then the racks' uplinks (`uplink`), shared by the rack.
// Hosts gpu0..gpuN-1, racks r0 and r1, domains nvl0 and nvl1, a frontend host "fe".
std::string two_racks(int per_rack, const std::string& nic, const std::string& uplink);

// A platform spec (YAML) of `racks` Vera Rubin racks of 8 Rubin packages (one NVLink domain each)
// with 4 Vera CPUs (2 packages per CPU over 900 GB/s C2C), ConnectX-9 NICs on a non-blocking
// Spectrum-X fat tree, and `storage_nodes` BlueField-4 storage nodes of two NVMe drives (none when
// 0). `frontend` is the spec's frontend entry, e.g. "host: cpu0" or "nic: connectx-9".
std::string vera_rubin_spec(const std::string& name, int racks, int storage_nodes, const std::string& frontend);

// A Mooncake JSONL trace of `n` requests, one every 0.5 s: request i reuses system prompt i % 20
// (3 blocks of 512 tokens) and adds one block of its own, so between two uses of a prompt 19
// requests insert 76 blocks; 2,048 tokens in, 4 out.
std::string prefix_reuse_trace(int n);

}  // namespace tokenfab::test
