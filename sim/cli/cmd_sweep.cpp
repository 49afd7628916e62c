// tokenfab sweep SWEEP.yaml: run a base scenario over a grid (or zip) of parameter values, one
// process per point (-j N in parallel), resumable, shardable (--shard K/N), with results.jsonl,
// results.csv, pareto.json and optional --check / --junit gates (docs/batch.md).
#include <iostream>
#include <optional>

#include "sim/batch/batch_run.hpp"
#include "sim/batch/conclude.hpp"
#include "sim/batch/pareto.hpp"
#include "sim/batch/point_runner.hpp"
#include "sim/batch/sweep_spec.hpp"
#include "sim/cli/commands.hpp"
#include "sim/engine/log.hpp"

namespace tokenfab::cli {
namespace {

struct SweepArgs {
  CommonFlags flags;
  std::string sweep;
  std::string out_dir;
  int jobs = 1;
  std::string shard;
  bool fresh = false;
  bool retry_failed = false;
  std::size_t limit = 0;
  bool check = false;
  std::string junit;
  std::vector<std::string> pareto;
  bool dry_run = false;
  bool schema = false;
  bool list_metrics = false;
};

// Options every point's `tokenfab run` inherits from this command.
std::vector<std::string> forwarded(const CommonFlags& f) {
  std::vector<std::string> out;
  if (!f.catalog.empty()) out.insert(out.end(), {"--catalog", f.catalog});
  for (const auto& c : f.sg_cfg) out.insert(out.end(), {"--sg-cfg", c});
  for (const auto& l : f.sg_log) out.insert(out.end(), {"--sg-log", l});
  return out;
}

[[noreturn]] void usage_error(const std::string& what, const batch::SpecError& e) {
  throw ConfigError({what, 0, 0}, "", e.what(), e.expected());
}

int list_metrics() {
  for (const auto& m : batch::metric_aliases()) {
    std::cout << fmt::format("  {:<24} {:<34} {:<5} {}\n", m.name, m.path.empty() ? "(derived)" : m.path,
                             batch::goal_name(m.goal), m.doc);
  }
  return kExitOk;
}

int sweep_command(const SweepArgs& a) {
  if (a.schema) {
    std::cout << render_help(batch::sweep_schema(), "", true);
    return kExitOk;
  }
  if (a.list_metrics) return list_metrics();
  if (a.sweep.empty()) throw ConfigError({"tokenfab sweep", 0, 0}, "", "no sweep file given", "tokenfab sweep SWEEP.yaml");
  setup_logging(a.flags.verbosity());
  batch::SweepSpec spec = batch::load_sweep(a.sweep);
  try {
    for (const auto& p : a.pareto) spec.pareto.push_back(batch::parse_pareto_arg(p));
  } catch (const batch::SpecError& e) {
    usage_error("--pareto", e);
  }
  std::optional<batch::Shard> shard;
  if (!a.shard.empty()) {
    try {
      shard = batch::parse_shard(a.shard);
    } catch (const batch::SpecError& e) {
      usage_error("--shard", e);
    }
  }
  const batch::BatchPlan plan = batch::expand_sweep(spec);
  if (a.dry_run) {
    for (const auto& p : plan.points) {
      if (shard && !shard->contains(p.index)) continue;
      std::cout << fmt::format("{}  seed {:<6} {}\n", p.id, p.seed, p.label);
    }
    std::cout << fmt::format("{} point(s){}; plan {}\n", plan.points.size(),
                             shard ? fmt::format(", shard {}/{} runs the ones listed", shard->index, shard->count) : "",
                             plan.hash());
    return kExitOk;
  }
  const std::string out_dir = a.out_dir.empty() ? spec.output : a.out_dir;
  batch::BatchOptions opt;
  opt.exe = batch::self_executable();
  opt.run_args = forwarded(a.flags);
  opt.jobs = a.jobs;
  opt.shard = shard;
  opt.resume = !a.fresh;
  opt.retry_failed = a.retry_failed;
  opt.limit = a.limit;
  opt.quiet = a.flags.quiet || a.flags.no_progress;
  const batch::BatchRun run = batch::run_batch(plan, out_dir, opt, std::cout);
  const batch::BatchReport report = batch::make_report(plan, run.results, shard);
  const auto files = batch::write_results(out_dir, plan, report, shard);
  try {
    return batch::conclude(plan, report, files, {a.check, a.junit, run.interrupted, a.flags.quiet}, std::cout, std::cerr);
  } catch (const batch::SpecError& e) {
    usage_error("--junit", e);
  }
}

const Register reg("sweep", [](CLI::App& app) -> std::function<int()> {
  auto args = std::make_shared<SweepArgs>();
  auto* cmd = app.add_subcommand("sweep", "Run a scenario over a grid of parameter values (docs/batch.md)");
  cmd->add_option("sweep", args->sweep, "Sweep YAML");
  cmd->add_option("-o,--output", args->out_dir, "Output folder (default: the sweep's output:, or out/<name>)");
  cmd->add_option("-j,--jobs", args->jobs, "Points run in parallel (one process each)")->check(CLI::Range(1, 1024));
  cmd->add_option("--shard", args->shard, "Run only slice K of N (K/N, 1-based; point i goes to slice i mod N + 1)");
  cmd->add_flag("--fresh", args->fresh, "Run every point again (default: resume, skipping points with results)");
  cmd->add_flag("--retry-failed", args->retry_failed, "Run failed points again when resuming");
  cmd->add_option("--limit", args->limit, "Run at most this many pending points now, then stop (resume later)");
  cmd->add_flag("--check", args->check, "Exit 3 when an expectation is violated or a point failed or did not run");
  cmd->add_option("--junit", args->junit, "Write JUnit XML (one test case per point)");
  cmd->add_option("--pareto", args->pareto, "Extra Pareto frontier X,Y or X:max,Y:min (repeatable)");
  cmd->add_flag("--dry-run", args->dry_run, "List the points (and their shard) without running");
  cmd->add_flag("--schema", args->schema, "Describe the sweep file's keys");
  cmd->add_flag("--list-metrics", args->list_metrics, "List metric aliases usable in metrics:, pareto: and expect:");
  add_common_flags(cmd, args->flags);
  return [cmd, args]() { return cmd->parsed() ? sweep_command(*args) : -1; };
});

}  // namespace
}  // namespace tokenfab::cli
