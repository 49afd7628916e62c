#include "sim/platform/dot.hpp"

#include <fmt/format.h>

namespace tokenfab {
namespace {

std::string bw(double v) { return format_quantity(v, Dimension::Bandwidth); }

}  // namespace

std::string platform_dot(const PlatformLayout& l) {
  std::string out = fmt::format("digraph \"{}\" {{\n", l.name);
  out += "  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=11, nodesep=0.3, ranksep=0.45, labelloc=t];\n";
  out += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f4f4\", fontname=\"Helvetica\", fontsize=10];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=9, arrowhead=none];\n";
  out += fmt::format("  label=\"{}\";\n", l.name);
  const bool fabric = l.fabric.present;
  for (std::size_t gi = 0; gi < l.racks.size(); ++gi) {
    const auto& r = l.racks[gi];
    const std::string id = fmt::format("g{}", gi);
    const int domains = r.per_rack / r.domain;
    out += fmt::format("  subgraph cluster_{} {{\n    label=\"{}\"; style=rounded; color=\"#888888\";\n", id,
                       r.racks > 1 ? fmt::format("{} x {} rack (rack{}..rack{}), each:", r.racks, r.kind, r.first_rack,
                                                 r.first_rack + r.racks - 1)
                                   : fmt::format("{} (rack{})", r.kind, r.first_rack));
    out += fmt::format("    {}_acc [label=\"{} x {}{}\", fillcolor=\"#d9ead3\"];\n", id, r.per_rack, r.accelerator,
                       domains > 1 ? fmt::format("\\n{} domains of {}", domains, r.domain) : "");
    out += fmt::format("    {}_sw [label=\"{} switch plane{}\", fillcolor=\"#cfe2f3\"];\n", id,
                       r.lpu ? "LPU chip-to-chip" : "NVLink", domains > 1 ? fmt::format(" x {}", domains) : "");
    out += fmt::format("    {}_acc -> {}_sw [label=\"{} per {} per direction\"];\n", id, id, bw(r.scale_up_bandwidth),
                       r.lpu ? "LPU" : "GPU");
    if (r.cpus > 0) {
      out += fmt::format("    {}_cpu [label=\"{} x {}\", fillcolor=\"#fce5cd\"];\n", id, r.cpus,
                         r.cpu.empty() ? "host CPU" : r.cpu);
      out += fmt::format("    {}_cpu -> {}_acc [label=\"{} {} per {} per direction\"];\n", id, id,
                         r.cpu_link == "c2c" ? "NVLink-C2C" : "PCIe", bw(r.cpu_link_bandwidth), r.lpu ? "LPU" : "GPU");
    }
    if (fabric) {
      out += fmt::format("    {}_leaf [label=\"{} x leaf{}\\n{}\", fillcolor=\"#ead1dc\"];\n", id, r.leaves,
                         r.racks > 1 ? " per rack" : "", l.fabric.switch_model);
      out += fmt::format("    {}_acc -> {}_leaf [label=\"{} x {}\\n{} each\"];\n", id, id, r.nics, r.nic,
                         bw(r.nic_bandwidth));
    }
    out += "  }\n";
  }
  if (fabric) {
    const auto& f = l.fabric;
    const std::string spine_label =
        f.tiers == 2 ? fmt::format("{} x spine ({})", f.spines, f.switch_model)
                     : fmt::format("{} blocks x {} spines ({})", f.blocks, f.spines / std::max(1, f.blocks),
                                   f.switch_model);
    out += fmt::format("  spine [label=\"{}\\n{} optics, {} ports of {}\", fillcolor=\"#ead1dc\"];\n", spine_label,
                       f.optics, f.radix, bw(f.port_speed));
    for (std::size_t gi = 0; gi < l.racks.size(); ++gi)
      out += fmt::format("  g{}_leaf -> spine [label=\"{} uplinks per leaf\"];\n", gi, f.up);
    if (f.tiers == 3) {
      out += fmt::format("  core [label=\"{} x core ({})\", fillcolor=\"#ead1dc\"];\n", f.super_spines, f.switch_model);
      out += "  spine -> core;\n";
    }
    if (l.storage.nodes > 0 || l.frontend == "frontend") {
      out += "  subgraph cluster_services {\n    label=\"services\"; style=rounded; color=\"#888888\";\n";
      out += fmt::format("    sleaf [label=\"{} x leaf\\n{}\", fillcolor=\"#ead1dc\"];\n", f.service_leaves,
                         f.switch_model);
      if (l.storage.nodes > 0) {
        const auto& s = l.storage;
        out += fmt::format("    storage [label=\"{} x {} storage node\\n{} x {} each\\n({} read, {} write per drive)\", "
                           "fillcolor=\"#fff2cc\"];\n",
                           s.nodes, s.dpu, s.drives_per_node, s.drive, bw(s.drive_read), bw(s.drive_write));
        out += fmt::format("    storage -> sleaf [label=\"{} each\"];\n", bw(s.nic_bandwidth));
      }
      if (l.frontend == "frontend") {
        out += "    frontend [label=\"frontend\", fillcolor=\"#fce5cd\"];\n";
        out += "    frontend -> sleaf;\n";
      }
      out += "  }\n  sleaf -> spine;\n";
    }
  }
  out += "}\n";
  return out;
}

}  // namespace tokenfab
