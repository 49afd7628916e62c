// tokenfab run SCENARIO: simulate and write summary.json / requests.csv.
#include <chrono>
#include <iostream>
#include <optional>

#include <spdlog/spdlog.h>

#include "sim/cli/commands.hpp"
#include "sim/config/scenario.hpp"
#include "sim/engine/log.hpp"
#include "sim/report/report.hpp"

namespace tokenfab::cli {
namespace {

struct RunArgs {
  CommonFlags flags;
  std::string scenario;
  std::string out_dir;
  std::optional<std::uint64_t> seed;
};

int run_command(const RunArgs& a) {
  setup_logging(a.flags.verbosity());
  Scenario sc = load_scenario(a.scenario);
  if (a.seed) sc.seed = *a.seed;
  if (!a.out_dir.empty()) sc.output.dir = a.out_dir;
  const auto wall_start = std::chrono::steady_clock::now();
  const RunResult result = run_simulation(sc, a.flags.options());
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  print_summary_table(std::cout, result);
  const auto files = write_outputs(result, sc.output.dir);
  std::cout << "\n  outputs:";
  for (const auto& f : files) std::cout << " " << f;
  std::cout << std::endl;
  spdlog::info("wall time {:.2f} s: {:.0f} simulated requests per wall second, {:.0f}x faster than real time", wall,
               wall > 0 ? static_cast<double>(result.summary.arrived) / wall : 0.0,
               wall > 0 ? result.summary.sim_time / wall : 0.0);
  return kExitOk;
}

const Register reg("run", [](CLI::App& app) -> std::function<int()> {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Simulate a scenario and write its results");
  cmd->add_option("scenario", args->scenario, "Scenario YAML")->required();
  cmd->add_option("-o,--output", args->out_dir, "Output folder (default: output.dir, or out/<name>)");
  cmd->add_option("--seed", args->seed, "Override the scenario's seed");
  add_common_flags(cmd, args->flags);
  return [cmd, args]() { return cmd->parsed() ? run_command(*args) : -1; };
});

}  // namespace
}  // namespace tokenfab::cli
