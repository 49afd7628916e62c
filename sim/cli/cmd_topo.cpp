// tokenfab topo FILE: the topology analysis of a platform (XML or spec) as a table or JSON.
#include <iostream>

#include "sim/cli/commands.hpp"
#include "sim/platform/inventory.hpp"
#include "sim/platform/loader.hpp"
#include "sim/topology/analysis.hpp"
#include "sim/topology/graph.hpp"
#include "sim/topology/route_recorder.hpp"

namespace tokenfab::cli {
namespace {

struct TopoArgs {
  std::string file;
  std::string catalog;
  bool json = false;
};

int topo(const TopoArgs& a) {
  const Catalog catalog(a.catalog.empty() ? Catalog::default_root() : a.catalog);
  auto engine = make_quiet_engine();
  RouteRecorder routes;
  load_platform_file(*engine, a.file, catalog, &routes);
  const Topology topology = Topology::build(*engine, routes);
  const PlatformInventory racks = read_inventory(*engine);
  const TopologyReport report = analyse_topology(topology, catalog, a.file, &racks);
  if (a.json) {
    std::cout << topology_json(report).dump(2) << "\n";
  } else {
    std::cout << render_topology_table(report);
  }
  return kExitOk;
}

const Register reg("topo", [](CLI::App& app) -> std::function<int()> {
  auto args = std::make_shared<TopoArgs>();
  auto* cmd = app.add_subcommand("topo", "Topology of a platform: domains, diameter, bisection, inventory, power");
  cmd->add_option("file", args->file, "Platform XML or platform spec (YAML)")->required();
  cmd->add_flag("--json", args->json, "JSON instead of the table");
  cmd->add_option("--catalog", args->catalog, "Catalog folder (default: the shipped one, or $TOKENFAB_CATALOG)");
  return [cmd, args]() { return cmd->parsed() ? topo(*args) : -1; };
});

}  // namespace
}  // namespace tokenfab::cli
