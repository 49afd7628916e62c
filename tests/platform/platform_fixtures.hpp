// Small hardware catalog and platform specs for the platform and topology tests: every figure the
// tests expect is computed from the numbers written here.
#pragma once

#include <string>
#include <tuple>

#include <fmt/format.h>

#include "tests/support/test_support.hpp"

namespace tokenfab::test {

// Figures of the test catalog (SI units), used by the expectations.
struct TestHardware {
  static constexpr double gpu_scale_up = 400e9;  // both directions summed
  static constexpr double gpu_power = 1000;
  static constexpr double nic_port = 50e9;       // 400 Gb/s
  static constexpr double nic_power = 20;
  static constexpr int switch_ports = 8;
  static constexpr double switch_port = 50e9;    // 400 Gb/s
  static constexpr double switch_asic = 100;
  static constexpr double pluggable_optics = 10;  // W per port
  static constexpr double cpo_optics = 2;         // W per port
  static constexpr double cpu_power = 200;
  static constexpr double dpu_port = 50e9;
  static constexpr double dpu_power = 50;
  static constexpr double drive_power = 10;
};

// Writes the test catalog (test-gpu, test-nic, test-switch, test-switch-cpo, test-cpu, test-dpu,
// test-drive) under `dir` and returns the catalog root.
inline std::string write_test_catalog(const std::string& dir) {
  const std::string root = dir + "/catalog";
  const std::string f = "mark: estimate, source: test figure";
  write_file(root + "/hardware/test-gpu.yaml", fmt::format(R"(name: test-gpu
kind: gpu
description: test accelerator
peak_flops:
  fp8: {{value: 1PFLOPS, {0}}}
memory:
  capacity: {{value: 100GB, {0}}}
  bandwidth: {{value: 1TBps, {0}}}
scale_up:
  bandwidth: {{value: 400GBps, {0}}}
power:
  idle: {{value: 100W, {0}}}
  max: {{value: 1kW, {0}}}
)", f));
  write_file(root + "/hardware/test-nic.yaml", fmt::format(R"(name: test-nic
kind: nic
port_speed: {{value: 400Gbps, {0}}}
ports: {{value: 1, {0}}}
power:
  max: {{value: 20W, {0}}}
)", f));
  for (const auto& [name, optics, per_port] :
       {std::tuple{"test-switch", "pluggable", "10W"}, std::tuple{"test-switch-cpo", "cpo", "2W"}})
    write_file(root + "/hardware/" + name + ".yaml", fmt::format(R"(name: {1}
kind: switch
optics: {2}
ports: {{value: 8, {0}}}
port_speed: {{value: 400Gbps, {0}}}
power:
  asic: {{value: 100W, {0}}}
  optics_per_port: {{value: {3}, {0}}}
)", f, name, optics, per_port));
  write_file(root + "/hardware/test-cpu.yaml", fmt::format(R"(name: test-cpu
kind: cpu
power:
  max: {{value: 200W, {0}}}
)", f));
  write_file(root + "/hardware/test-dpu.yaml", fmt::format(R"(name: test-dpu
kind: dpu
port_speed: {{value: 400Gbps, {0}}}
ports: {{value: 1, {0}}}
power:
  max: {{value: 50W, {0}}}
)", f));
  write_file(root + "/hardware/test-drive.yaml", fmt::format(R"(name: test-drive
kind: drive
capacity: {{value: 1TB, {0}}}
read_bandwidth: {{value: 5GBps, {0}}}
write_bandwidth: {{value: 2GBps, {0}}}
power:
  max: {{value: 10W, {0}}}
)", f));
  return root;
}

// A spec of `racks` racks of 8 test GPUs (one domain each, one CPU each, a test NIC per GPU) on a
// leaf-spine fabric of 8-port test switches with the given leaf oversubscription.
inline std::string small_fabric_spec(int racks, double oversubscription, const std::string& extra = "") {
  return fmt::format(R"(name: small
racks:
  - kind: small
    count: {}
    accelerator: test-gpu
    per_rack: 8
    scale_up: {{domain: 8, link_latency: 0.25us}}
    cpus:
      model: test-cpu
      per_rack: 1
      accelerators_per_cpu: 8
      link: {{kind: pcie, bandwidth: 64GBps, latency: 1us}}
    nic: {{model: test-nic}}
scale_out:
  switch: test-switch
  oversubscription: {}
  switch_latency: 0.5us
  cable_latency: 0.1us
  nic_latency: 0.5us
  transceiver_power: 5W
frontend: {{host: rack0-cpu0}}
{})",
                     racks, oversubscription, extra);
}

}  // namespace tokenfab::test
