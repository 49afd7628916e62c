// tokenfab platform emit|dot|stats|help: platform specs to SimGrid XML, diagrams, load figures.
#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <iostream>

#include <simgrid/s4u/Host.hpp>

#include "sim/cli/commands.hpp"
#include "sim/platform/dot.hpp"
#include "sim/platform/layout.hpp"
#include "sim/platform/loader.hpp"
#include "sim/platform/spec.hpp"
#include "sim/platform/xml_writer.hpp"

namespace tokenfab::cli {
namespace {

struct PlatformArgs {
  std::string file;
  std::string output;
  std::string catalog;
  int racks = 0;
  bool check = false;
  std::string section;
  bool all = false;
};

Catalog catalog_of(const PlatformArgs& a) { return Catalog(a.catalog.empty() ? Catalog::default_root() : a.catalog); }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return s;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw ConfigError({path, 0, 0}, "", "cannot write this file");
}

PlatformLayout layout_of(const PlatformArgs& a) {
  if (!is_platform_spec_path(a.file))
    throw ConfigError({a.file, 0, 0}, "", "not a platform spec", "a .yaml platform spec (platforms/*.yaml)");
  PlatformSpec spec = load_platform_spec(a.file);
  if (a.racks > 0) spec.racks.front().count = a.racks;
  return build_layout(spec, catalog_of(a));
}

int emit(const PlatformArgs& a) {
  std::string xml = write_platform_xml(layout_of(a));
  if (a.check) {
    if (a.output.empty()) throw ConfigError({a.file, 0, 0}, "", "--check needs -o FILE", "the XML file to compare");
    if (read_text(a.output) != xml) {
      std::cerr << a.output << " differs from what " << a.file << " generates; regenerate with: tokenfab platform emit "
                << a.file << " -o " << a.output << "\n";
      return kExitInternal;
    }
    std::cout << a.output << ": up to date\n";
    return kExitOk;
  }
  if (a.output.empty()) {
    std::cout << xml;
  } else {
    write_text(a.output, xml);
  }
  return kExitOk;
}

int dot(const PlatformArgs& a) {
  const std::string text = platform_dot(layout_of(a));
  if (a.output.empty()) {
    std::cout << text;
  } else {
    write_text(a.output, text);
  }
  return kExitOk;
}

// Loads the platform the way a run does and reports its size, the wall time of the load and the
// process's peak memory (for bench/platform_load.sh).
int stats(const PlatformArgs& a) {
  const Catalog catalog = catalog_of(a);
  auto engine = make_quiet_engine();
  const auto t0 = std::chrono::steady_clock::now();
  load_platform_file(*engine, a.file, catalog);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  int accelerators = 0;
  for (auto* h : engine->get_all_hosts()) {
    const char* role = h->get_property("tokenfab:role");
    if (role && std::string(role) == "gpu") ++accelerators;
  }
  std::cout << fmt::format("platform      {}\nhosts         {}\naccelerators  {}\nlinks         {}\nload time     "
                           "{:.3f} s\npeak memory   {:.1f} MB\n",
                           a.file, engine->get_host_count(), accelerators, engine->get_link_count(), seconds,
                           usage.ru_maxrss / 1024.0);
  return kExitOk;
}

int help(const PlatformArgs& a) {
  const auto& root = platform_spec_schema();
  const SchemaDoc* doc = find_section(root, a.section);
  if (!doc) {
    std::cerr << "error: tokenfab platform help: no section '" << a.section << "'\n";
    return kExitConfig;
  }
  std::cout << render_help(*doc, a.section, a.all || !a.section.empty());
  return kExitOk;
}

const Register reg("platform", [](CLI::App& app) -> std::function<int()> {
  auto args = std::make_shared<PlatformArgs>();
  auto* cmd = app.add_subcommand("platform", "Platform specs: emit SimGrid XML, draw diagrams, measure loading");
  cmd->require_subcommand(1);
  auto* e = cmd->add_subcommand("emit", "Write the SimGrid XML of a platform spec");
  e->add_option("spec", args->file, "Platform spec (platforms/*.yaml)")->required();
  e->add_option("-o,--output", args->output, "XML file to write (default: stdout)");
  e->add_flag("--check", args->check, "Compare with -o FILE instead of writing it (exit 1 if it differs)");
  auto* d = cmd->add_subcommand("dot", "Write a condensed Graphviz diagram of a platform spec");
  d->add_option("spec", args->file, "Platform spec")->required();
  d->add_option("-o,--output", args->output, "DOT file to write (default: stdout)");
  auto* s = cmd->add_subcommand("stats", "Load a platform (XML or spec) and print its size, load time and peak memory");
  s->add_option("file", args->file, "Platform XML or spec")->required();
  auto* h = cmd->add_subcommand("help", "Describe the platform spec's keys: tokenfab platform help [section]");
  h->add_option("section", args->section, "Dotted section path, e.g. racks.scale_up");
  h->add_flag("--all", args->all, "Every section, recursively");
  for (auto* sub : {e, d, s})
    sub->add_option("--catalog", args->catalog, "Catalog folder (default: the shipped one, or $TOKENFAB_CATALOG)");
  for (auto* sub : {e, d})
    sub->add_option("--racks", args->racks, "Resize the spec's first rack group to N racks")->check(CLI::Range(1, 4096));
  return [cmd, e, d, s, h, args]() -> int {
    if (!cmd->parsed()) return -1;
    if (e->parsed()) return emit(*args);
    if (d->parsed()) return dot(*args);
    if (s->parsed()) return stats(*args);
    if (h->parsed()) return help(*args);
    return kExitConfig;
  };
});

}  // namespace
}  // namespace tokenfab::cli
