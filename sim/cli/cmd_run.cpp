// tokenfab run SCENARIO: simulate and write summary.json / requests.csv.
#include <chrono>
#include <iostream>
#include <optional>

#include <spdlog/spdlog.h>

#include "sim/batch/junit.hpp"
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
  bool check = false;  // exit 3 when an `expect:` entry is violated
  std::string junit;   // JUnit XML with one test case for this run
};

// The scenario's `expect:` results are printed whenever it has any; --check turns a violation
// into exit code 3, and --junit writes them as one JUnit test case (docs/batch.md).
int check_expectations(const RunArgs& a, const Scenario& sc, const RunResult& result) {
  const auto results = batch::evaluate_all(sc.expect, batch::Json::parse(summary_json(result)));
  if (!results.empty()) std::cout << "\n  expectations:\n";
  for (const auto& r : results) std::cout << fmt::format("    {:<5}  {}\n", batch::verdict_name(r.verdict), r.message);
  if (!a.junit.empty() &&
      !batch::write_junit(a.junit, sc.name, {batch::make_case(sc.name, "tokenfab." + sc.name, false, "", results)}))
    throw ConfigError({a.junit, 0, 0}, "--junit", "cannot write this file");
  if (!a.check) return kExitOk;
  const bool ok = batch::worst(results) == batch::Verdict::Pass;
  std::cout << (ok ? "check: passed" : "check: FAILED") << std::endl;
  return ok ? kExitOk : batch::kExitCheckFailed;
}

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
  return check_expectations(a, sc, result);
}

const Register reg("run", [](CLI::App& app) -> std::function<int()> {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Simulate a scenario and write its results");
  cmd->add_option("scenario", args->scenario, "Scenario YAML")->required();
  cmd->add_option("-o,--output", args->out_dir, "Output folder (default: output.dir, or out/<name>)");
  cmd->add_option("--seed", args->seed, "Override the scenario's seed");
  cmd->add_flag("--check", args->check, "Exit 3 when an expectation (expect:) is violated or cannot be evaluated");
  cmd->add_option("--junit", args->junit, "Write the expectations as JUnit XML (one test case)");
  add_common_flags(cmd, args->flags);
  return [cmd, args]() { return cmd->parsed() ? run_command(*args) : -1; };
});

}  // namespace
}  // namespace tokenfab::cli
