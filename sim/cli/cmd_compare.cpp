// tokenfab compare A.yaml B.yaml ... | compare SCENARIO --platform P1 --platform P2 ...: the same
// metrics side by side with ratios against the first, plus compare.json and the batch outputs
// (results.jsonl, results.csv) in the output folder (docs/batch.md).
#include <fstream>
#include <iostream>

#include "sim/batch/batch_run.hpp"
#include "sim/batch/compare.hpp"
#include "sim/batch/conclude.hpp"
#include "sim/batch/pareto.hpp"
#include "sim/batch/point_runner.hpp"
#include "sim/cli/commands.hpp"
#include "sim/engine/log.hpp"

namespace tokenfab::cli {
namespace {

struct CompareArgs {
  CommonFlags flags;
  std::vector<std::string> scenarios;
  std::vector<std::string> platforms;
  std::vector<std::string> metrics;
  std::string out_dir = "out/compare";
  int jobs = 1;
  bool check = false;
  std::string junit;
  std::vector<std::string> pareto;
};

int compare_command(const CompareArgs& a) {
  setup_logging(a.flags.verbosity());
  try {
    for (const auto& m : a.metrics) (void)batch::resolve_metric(m);
  } catch (const batch::SpecError& e) {
    throw ConfigError({"--metrics", 0, 0}, "", e.what(), e.expected());
  }
  batch::BatchPlan plan = batch::compare_plan(a.scenarios, a.platforms, a.metrics);
  try {
    for (const auto& p : a.pareto) plan.pareto.push_back(batch::parse_pareto_arg(p));
  } catch (const batch::SpecError& e) {
    throw ConfigError({"--pareto", 0, 0}, "", e.what(), e.expected());
  }
  batch::BatchOptions opt;
  opt.exe = batch::self_executable();
  if (!a.flags.catalog.empty()) opt.run_args.insert(opt.run_args.end(), {"--catalog", a.flags.catalog});
  for (const auto& c : a.flags.sg_cfg) opt.run_args.insert(opt.run_args.end(), {"--sg-cfg", c});
  for (const auto& l : a.flags.sg_log) opt.run_args.insert(opt.run_args.end(), {"--sg-log", l});
  opt.jobs = a.jobs;
  opt.resume = false;  // a comparison always runs what it shows
  opt.quiet = a.flags.quiet || a.flags.no_progress;
  const batch::BatchRun run = batch::run_batch(plan, a.out_dir, opt, std::cout);
  const batch::BatchReport report = batch::make_report(plan, run.results, std::nullopt);
  auto files = batch::write_results(a.out_dir, plan, report, std::nullopt);
  const std::string json_path = a.out_dir + "/compare.json";
  std::ofstream(json_path, std::ios::binary) << batch::compare_json(plan, report).dump(2) << "\n";
  files.insert(files.begin(), json_path);
  std::cout << "\n";
  batch::print_compare_table(std::cout, plan, report);
  std::cout << "\n";
  try {
    return batch::conclude(plan, report, files, {a.check, a.junit, run.interrupted, a.flags.quiet}, std::cout, std::cerr);
  } catch (const batch::SpecError& e) {
    throw ConfigError({"--junit", 0, 0}, "", e.what(), e.expected());
  }
}

const Register reg("compare", [](CLI::App& app) -> std::function<int()> {
  auto args = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand("compare", "Run scenarios (or one scenario on several platforms) side by side");
  cmd->add_option("scenarios", args->scenarios, "Scenario YAML files (one with --platform)")->required();
  cmd->add_option("--platform", args->platforms, "Platform file to run the scenario on (repeatable)");
  cmd->add_option("--metrics", args->metrics, "Rows of the table (aliases or summary.json paths)")->delimiter(',');
  cmd->add_option("-o,--output", args->out_dir, "Output folder (default out/compare)");
  cmd->add_option("-j,--jobs", args->jobs, "Scenarios run in parallel (one process each)")->check(CLI::Range(1, 1024));
  cmd->add_flag("--check", args->check, "Exit 3 when an expectation is violated or a scenario failed");
  cmd->add_option("--junit", args->junit, "Write JUnit XML (one test case per scenario)");
  cmd->add_option("--pareto", args->pareto, "Pareto frontier X,Y or X:max,Y:min (repeatable)");
  add_common_flags(cmd, args->flags);
  return [cmd, args]() { return cmd->parsed() ? compare_command(*args) : -1; };
});

}  // namespace
}  // namespace tokenfab::cli
