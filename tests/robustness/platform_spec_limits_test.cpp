// Platform YAML specs at and past their limits (issue 10): 10^9 GPUs is a clear error in bounded
// time and memory, not an out-of-memory crash; integer and floating-point overflows found while
// fuzzing fuzz/fuzz_platform_spec.cpp are refused instead of being undefined behaviour.
#include <gtest/gtest.h>

#include <chrono>

#include "models/catalog.hpp"
#include "sim/platform/layout.hpp"
#include "sim/platform/spec.hpp"
#include "sim/platform/xml_writer.hpp"

namespace tokenfab {
namespace {

// A spec of `count` racks of `per_rack` GB200s on a Spectrum-X fabric, with extra YAML appended
// to the rack group.
std::string spec(long long count, long long per_rack, const std::string& rack_extra = "",
                 const std::string& fabric_extra = "") {
  return "name: big\n"
         "racks:\n"
         "  - kind: k\n"
         "    count: " + std::to_string(count) + "\n"
         "    accelerator: gb200\n"
         "    per_rack: " + std::to_string(per_rack) + "\n"
         "    scale_up: {link_latency: 1us}\n"
         "    nic: {model: connectx-8}\n" + rack_extra +
         "scale_out: {switch: spectrum-x-sn5600, switch_latency: 1us, cable_latency: 1us, nic_latency: 1us, "
         "transceiver_power: 1W" + fabric_extra + "}\n"
         "frontend: {nic: connectx-8}\n";
}

std::string error_of(const std::string& yaml) {
  try {
    const PlatformSpec s = parse_platform_spec(yaml, "big.yaml");
    (void)build_layout(s, Catalog());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(PlatformSpecLimits, BillionGpusIsAClearErrorInBoundedTime) {
  const auto start = std::chrono::steady_clock::now();
  // 65536 racks x 16384 GPUs = 1.07e9 GPUs, each figure within its own range.
  const std::string e = error_of(spec(65536, 16384));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(e.find("big.yaml:3:3: racks: 1073741824 accelerators in all is more than one pod"), std::string::npos) << e;
  EXPECT_LT(seconds, 5.0);
  // 10^9 as a single figure is out of its range.
  EXPECT_NE(error_of(spec(1000000000, 8)).find("racks[0].count: 1000000000 is out of range"), std::string::npos);
}

TEST(PlatformSpecLimits, TooManyRacksOrDrivesAreClearErrors) {
  EXPECT_NE(error_of(spec(2000, 1)).find("2000 racks is more than one pod"), std::string::npos);
  const std::string storage =
      spec(1, 8) + "storage: {nodes: 65536, dpu: bluefield-4, drive: nvme-gen5-15tb, drives_per_node: 4096}\n";
  EXPECT_NE(error_of(storage).find("65536 nodes x 4096 drives is more than one pod"), std::string::npos)
      << error_of(storage);
}

// A pod near the accelerator limit (64,512 of 65,536) that a two-tier fat tree of 64-port
// switches still reaches builds in bounded time (the limits are not tighter than they say).
TEST(PlatformSpecLimits, LargestAllowedPodBuilds) {
  const auto start = std::chrono::steady_clock::now();
  const PlatformSpec s = parse_platform_spec(spec(63, 1024), "big.yaml");
  const PlatformLayout layout = build_layout(s, Catalog());
  EXPECT_EQ(layout.accelerators, 64512);
  EXPECT_FALSE(write_platform_xml(layout).empty());
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 60.0);
}

// fuzz_platform_spec: cpus.per_rack x accelerators_per_cpu overflowed int (1048576 x 1048576).
TEST(PlatformSpecLimits, CpuCountProductDoesNotOverflow) {
  const std::string e = error_of(spec(1, 72,
                                      "    cpus:\n      per_rack: 1048576\n      accelerators_per_cpu: 1048576\n"
                                      "      link: {bandwidth: 1GBps, latency: 1us}\n"));
  EXPECT_NE(e.find("1048576 CPUs x 1048576 accelerators per CPU != 72 accelerators per rack"), std::string::npos) << e;
}

// fuzz_platform_spec: oversubscription 1e307 made radix x ratio infinite, and its conversion to
// int undefined. The ratio is now formed first, so the leaf simply has no uplink port left.
TEST(PlatformSpecLimits, HugeOversubscriptionIsAClearError) {
  const std::string e = error_of(spec(2, 8, "", ", oversubscription: 1e307"));
  EXPECT_NE(e.find("scale_out.oversubscription"), std::string::npos) << e;
  EXPECT_NE(e.find("0 uplink ports"), std::string::npos) << e;
}

}  // namespace
}  // namespace tokenfab
