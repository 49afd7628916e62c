#include "tests/support/test_platforms.hpp"

#include <sstream>

#include <fmt/format.h>

namespace tokenfab::test {

std::string two_racks(int per_rack, const std::string& nic, const std::string& uplink) {
  std::ostringstream x;
  x << "<?xml version=\"1.0\"?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
       "<platform version=\"4.1\"><zone id=\"test\" routing=\"Full\">\n";
  const int n = 2 * per_rack;
  for (int i = 0; i < n; ++i) {
    const int rack = i / per_rack;
    x << fmt::format(
        "<host id=\"gpu{}\" speed=\"1Tf\"><prop id=\"tokenfab:role\" value=\"gpu\"/><prop id=\"tokenfab:device\" "
        "value=\"h100-sxm\"/><prop id=\"tokenfab:domain\" value=\"nvl{}\"/><prop id=\"tokenfab:rack\" value=\"r{}\"/></host>\n",
        i, rack, rack);
  }
  x << "<host id=\"fe\" speed=\"1Tf\"><prop id=\"tokenfab:role\" value=\"frontend\"/></host>\n";
  for (int i = 0; i < n; ++i) {
    x << fmt::format("<link id=\"nvl{}\" bandwidth=\"450GBps\" latency=\"0.25us\" sharing_policy=\"SPLITDUPLEX\"/>\n", i);
    x << fmt::format("<link id=\"nic{}\" bandwidth=\"{}\" latency=\"1us\" sharing_policy=\"SPLITDUPLEX\"/>\n", i, nic);
  }
  for (int r = 0; r < 2; ++r)
    x << fmt::format("<link id=\"up{}\" bandwidth=\"{}\" latency=\"1us\" sharing_policy=\"SPLITDUPLEX\"/>\n", r, uplink);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i == j) continue;
      const int ri = i / per_rack, rj = j / per_rack;
      x << fmt::format("<route src=\"gpu{}\" dst=\"gpu{}\" symmetrical=\"NO\">", i, j);
      if (ri == rj) {
        x << fmt::format("<link_ctn id=\"nvl{}\" direction=\"UP\"/><link_ctn id=\"nvl{}\" direction=\"DOWN\"/>", i, j);
      } else {
        x << fmt::format(
            "<link_ctn id=\"nic{}\" direction=\"UP\"/><link_ctn id=\"up{}\" direction=\"UP\"/>"
            "<link_ctn id=\"up{}\" direction=\"DOWN\"/><link_ctn id=\"nic{}\" direction=\"DOWN\"/>",
            i, ri, rj, j);
      }
      x << "</route>\n";
    }
  }
  x << "</zone></platform>\n";
  return x.str();
}


std::string vera_rubin_spec(const std::string& name, int racks, int storage_nodes, const std::string& frontend) {
  std::string spec = fmt::format(R"(name: {}
description: {} x 8 Rubin, {} BlueField-4 storage nodes
racks:
  - kind: vr
    count: {}
    accelerator: rubin
    per_rack: 8
    scale_up: {{kind: nvlink, domain: 8, link_latency: 0.25us}}
    cpus:
      model: vera
      per_rack: 4
      accelerators_per_cpu: 2
      link: {{kind: c2c, bandwidth: 900GBps, latency: 0.5us}}
    nic: {{model: connectx-9}}
scale_out:
  topology: fat-tree
  switch: spectrum-x-sn5600
  oversubscription: 1
  switch_latency: 0.6us
  cable_latency: 0.05us
  nic_latency: 0.5us
  transceiver_power: 16W
)",
                                 name, racks, storage_nodes, racks);
  if (storage_nodes > 0)
    spec += fmt::format("storage: {{nodes: {}, dpu: bluefield-4, drive: nvme-gen5-15tb, drives_per_node: 2}}\n", storage_nodes);
  return spec + "frontend: {" + frontend + "}\n";
}

std::string prefix_reuse_trace(int n) {
  std::ostringstream out;
  for (int i = 0; i < n; ++i) {
    const int p = i % 20;
    out << fmt::format(R"({{"timestamp": {}, "input_length": 2048, "output_length": 4, "hash_ids": [{}, {}, {}, {}]}})",
                       i * 500, p * 10, p * 10 + 1, p * 10 + 2, 1000 + i)
        << "\n";
  }
  return out.str();
}

}  // namespace tokenfab::test
