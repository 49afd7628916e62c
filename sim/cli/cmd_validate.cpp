// tokenfab validate SCENARIO: every check of `run` (config, platform, placement, memory), no run.
#include <iostream>

#include "sim/cli/commands.hpp"
#include "sim/config/scenario.hpp"
#include "sim/engine/log.hpp"

namespace tokenfab::cli {
namespace {

struct ValidateArgs {
  CommonFlags flags;
  std::string scenario;
};

const Register reg("validate", [](CLI::App& app) -> std::function<int()> {
  auto args = std::make_shared<ValidateArgs>();
  auto* cmd = app.add_subcommand("validate", "Check a scenario (config, platform, placement, memory) without running it");
  cmd->add_option("scenario", args->scenario, "Scenario YAML")->required();
  add_common_flags(cmd, args->flags);
  return [cmd, args]() {
    if (!cmd->parsed()) return -1;
    setup_logging(args->flags.verbosity());
    const Scenario sc = load_scenario(args->scenario);
    check_scenario(sc, args->flags.options());
    std::cout << args->scenario << ": ok\n";
    return kExitOk;
  };
});

}  // namespace
}  // namespace tokenfab::cli
