// Each tokenfab subcommand lives in its own file (cmd_*.cpp) and registers itself here, so that
// adding a command touches no other command.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "sim/engine/simulation.hpp"

namespace tokenfab::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitConfig = 2;
inline constexpr int kExitInvariant = 3;  // an end-of-run invariant failed (a tokenfab bug)

// Flags every simulation-running command shares.
struct CommonFlags {
  int verbose = 0;
  bool quiet = false;
  std::string catalog;
  std::vector<std::string> sg_cfg, sg_log;
  bool no_progress = false;

  RunOptions options() const;
  int verbosity() const { return quiet ? -1 : verbose; }
};
void add_common_flags(CLI::App* cmd, CommonFlags& flags);

// A registered command: `setup` adds its options to the app and returns the action to run when
// the subcommand was chosen. The action may throw ConfigError (caught in main: exit 2).
struct Command {
  std::string name;
  std::function<std::function<int()>(CLI::App& app)> setup;
};

std::vector<Command>& registry();

// Registers a command at static-initialisation time; commands are linked into the executable
// directly (not through a static library), so their registrars always run.
struct Register {
  Register(std::string name, std::function<std::function<int()>(CLI::App& app)> setup);
};

}  // namespace tokenfab::cli
