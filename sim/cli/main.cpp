// tokenfab command line. Config errors are caught here once: one line, exit code 2.
#include <chrono>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "models/catalog.hpp"
#include "models/core/config_error.hpp"
#include "sim/config/scenario.hpp"
#include "sim/engine/log.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/report/report.hpp"

namespace {

constexpr int kExitConfig = 2;
constexpr int kExitInternal = 1;

struct CommonFlags {
  int verbose = 0;
  bool quiet = false;
  std::string catalog;
  std::vector<std::string> sg_cfg, sg_log;
  bool no_progress = false;

  tokenfab::RunOptions options() const {
    tokenfab::RunOptions o;
    o.catalog_root = catalog;
    o.sg_cfg = sg_cfg;
    o.sg_log = sg_log;
    o.progress = !no_progress && !quiet;
    return o;
  }
};

void add_common(CLI::App* cmd, CommonFlags& f) {
  cmd->add_flag("-v,--verbose", f.verbose, "More log output (-vv for every iteration)");
  cmd->add_flag("-q,--quiet", f.quiet, "Errors only");
  cmd->add_option("--catalog", f.catalog, "Catalog folder (default: the shipped one, or $TOKENFAB_CATALOG)");
  cmd->add_option("--sg-cfg", f.sg_cfg, "SimGrid configuration item, e.g. network/model:CM02 (repeatable)");
  cmd->add_option("--sg-log", f.sg_log, "SimGrid log setting, e.g. root.thresh:info (repeatable)");
  cmd->add_flag("--no-progress", f.no_progress, "No progress line on stderr");
}

int list_catalog(const std::string& root) {
  const tokenfab::Catalog catalog(root.empty() ? tokenfab::Catalog::default_root() : root);
  std::cout << "Hardware (" << catalog.root() << "/hardware):\n";
  for (const auto& n : catalog.device_names()) {
    const auto d = catalog.device(n);
    std::cout << fmt::format("  {:<26} {:<7} {}\n", n, tokenfab::device_kind_name(d.kind), d.description);
  }
  std::cout << "Models (" << catalog.root() << "/llm):\n";
  for (const auto& n : catalog.llm_names()) {
    const auto m = catalog.llm(n);
    std::cout << fmt::format("  {:<26} {:<7} {}\n", n, m.architecture, m.description);
  }
  return 0;
}

int print_help(const std::string& section, bool all) {
  const auto& root = tokenfab::scenario_schema();
  const tokenfab::SchemaDoc* doc = tokenfab::find_section(root, section);
  if (!doc) {
    std::cerr << "tokenfab help: no section '" << section << "'; sections: ";
    for (const auto& p : root.params()) std::cerr << p.name << " ";
    std::cerr << "\n";
    return kExitConfig;
  }
  std::cout << tokenfab::render_help(*doc, section, all || !section.empty());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tokenfab: a discrete-event simulator of AI token factories (SimGrid)"};
  app.require_subcommand(1);
  CommonFlags flags;

  std::string scenario_file, out_dir;
  std::optional<std::uint64_t> seed;
  auto* run = app.add_subcommand("run", "Simulate a scenario and write its results");
  run->add_option("scenario", scenario_file, "Scenario YAML")->required();
  run->add_option("-o,--output", out_dir, "Output folder (default: output.dir, or out/<name>)");
  run->add_option("--seed", seed, "Override the scenario's seed");
  add_common(run, flags);

  auto* validate = app.add_subcommand("validate", "Check a scenario (config, platform, placement, memory) without running it");
  validate->add_option("scenario", scenario_file, "Scenario YAML")->required();
  add_common(validate, flags);

  std::string help_section;
  bool help_all = false;
  auto* help = app.add_subcommand("help", "Describe scenario parameters: tokenfab help [section], e.g. workload.synthetic");
  help->add_option("section", help_section, "Dotted section path");
  help->add_flag("--all", help_all, "Every section, recursively");

  auto* list = app.add_subcommand("list", "List the hardware and model catalog");
  list->add_option("--catalog", flags.catalog, "Catalog folder");

  CLI11_PARSE(app, argc, argv);
  tokenfab::setup_logging(flags.quiet ? -1 : flags.verbose);

  try {
    if (*help) return print_help(help_section, help_all);
    if (*list) return list_catalog(flags.catalog);
    tokenfab::Scenario sc = tokenfab::load_scenario(scenario_file);
    if (*validate) {
      tokenfab::check_scenario(sc, flags.options());
      std::cout << scenario_file << ": ok\n";
      return 0;
    }
    if (seed) sc.seed = *seed;
    if (!out_dir.empty()) sc.output.dir = out_dir;
    const auto wall_start = std::chrono::steady_clock::now();
    const tokenfab::RunResult result = tokenfab::run_simulation(sc, flags.options());
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    tokenfab::print_summary_table(std::cout, result);
    const auto files = tokenfab::write_outputs(result, sc.output.dir);
    std::cout << "\n  outputs: ";
    for (std::size_t i = 0; i < files.size(); ++i) std::cout << (i ? ", " : "") << files[i];
    std::cout << "\n";
    spdlog::info("wall time {:.2f} s ({:.0f} simulated requests per wall second, {:.0f}x real time)", wall,
                 wall > 0 ? static_cast<double>(result.summary.arrived) / wall : 0.0,
                 wall > 0 ? result.summary.sim_time / wall : 0.0);
    return 0;
  } catch (const tokenfab::ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitConfig;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
