#include "sim/cli/commands.hpp"

namespace tokenfab::cli {

RunOptions CommonFlags::options() const {
  RunOptions o;
  o.catalog_root = catalog;
  o.sg_cfg = sg_cfg;
  o.sg_log = sg_log;
  o.progress = !no_progress && !quiet;
  return o;
}

void add_common_flags(CLI::App* cmd, CommonFlags& f) {
  cmd->add_flag("-v,--verbose", f.verbose, "More log output (-vv for every iteration)");
  cmd->add_flag("-q,--quiet", f.quiet, "Errors only");
  cmd->add_option("--catalog", f.catalog, "Catalog folder (default: the shipped one, or $TOKENFAB_CATALOG)");
  cmd->add_option("--sg-cfg", f.sg_cfg, "SimGrid configuration item, e.g. network/model:CM02 (repeatable)");
  cmd->add_option("--sg-log", f.sg_log, "SimGrid log setting, e.g. root.thresh:info (repeatable)");
  cmd->add_flag("--no-progress", f.no_progress, "No progress line on stderr");
}

std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}

Register::Register(std::string name, std::function<std::function<int()>(CLI::App& app)> setup) {
  registry().push_back({std::move(name), std::move(setup)});
}

}  // namespace tokenfab::cli
