// Loading a platform into a SimGrid engine: a SimGrid XML file as is, or a platform spec (YAML)
// emitted to XML first. The platform is sealed afterwards, so that routes can be asked for before
// the simulation starts (SimGrid 3.32 seals lazily otherwise); before sealing, accelerators
// without wattage_per_state get their catalog watts (the energy plugin reads them at the seal).
#pragma once

#include <memory>
#include <string>

#include <simgrid/s4u/Engine.hpp>

#include "models/catalog.hpp"

namespace tokenfab {

class RouteRecorder;

// Throws ConfigError naming the file when it is missing, malformed or refused by SimGrid, or when
// a declared tokenfab:domain is not connected by scale-up links. `recorder` (optional) receives the
// declared routes, for the topology graph.
void load_platform_file(simgrid::s4u::Engine& engine, const std::string& path, const Catalog& catalog,
                        RouteRecorder* recorder = nullptr);

// A SimGrid engine that logs nothing below critical (for commands that only load platforms).
std::unique_ptr<simgrid::s4u::Engine> make_quiet_engine();

// The XML text for a platform file: the file itself, or the spec's emitted XML. `racks` > 0
// resizes the spec's first rack group (benchmarks, what-if).
std::string platform_xml(const std::string& path, const Catalog& catalog, int racks = 0);

}  // namespace tokenfab
