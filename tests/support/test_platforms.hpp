// Small SimGrid platforms written by tests.
#pragma once

#include <string>

namespace tokenfab::test {

// Two racks of `per_rack` H100 GPUs (one NVLink domain per rack, 450 GB/s per direction per GPU).
// Between racks: each GPU's NIC (`nic`), then the racks' uplinks (`uplink`), shared by the rack.
// Hosts gpu0..gpuN-1, racks r0 and r1, domains nvl0 and nvl1, a frontend host "fe".
std::string two_racks(int per_rack, const std::string& nic, const std::string& uplink);

}  // namespace tokenfab::test
