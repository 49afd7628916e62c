// tokenfab merge DIR...: combine the folders of a sharded sweep (--shard K/N) into the outputs the
// unsharded sweep would have written: plan.json, points/, results.jsonl, results.csv, pareto.json.
#include <iostream>

#include "sim/batch/batch_run.hpp"
#include "sim/batch/conclude.hpp"
#include "sim/batch/merge.hpp"
#include "sim/batch/pareto.hpp"
#include "sim/cli/commands.hpp"

namespace tokenfab::cli {
namespace {

struct MergeArgs {
  std::vector<std::string> dirs;
  std::string out_dir;
  bool partial = false;
  bool check = false;
  std::string junit;
  std::vector<std::string> pareto;
};

int merge_command(const MergeArgs& a) {
  batch::MergeInput in;
  try {
    in = batch::gather_shards(a.dirs);
    for (const auto& p : a.pareto) in.plan.pareto.push_back(batch::parse_pareto_arg(p));
  } catch (const batch::SpecError& e) {
    throw ConfigError({"tokenfab merge", 0, 0}, "", e.what(), e.expected());
  }
  if (!in.missing.empty() && !a.partial) {
    std::string ids;
    for (std::size_t i = 0; i < in.missing.size() && i < 10; ++i) ids += (ids.empty() ? "" : ", ") + in.plan.points[in.missing[i]].id;
    if (in.missing.size() > 10) ids += ", ...";
    throw ConfigError({"tokenfab merge", 0, 0}, "",
                      fmt::format("{} of {} point(s) have no result in these folders: {}", in.missing.size(),
                                  in.plan.points.size(), ids),
                      "every shard's folder (or --partial to merge what is there)");
  }
  const std::string out_dir = a.out_dir.empty() ? a.dirs.front() : a.out_dir;
  batch::write_manifest(out_dir, in.plan, std::nullopt);
  batch::copy_points(in, out_dir);
  const batch::BatchReport report = batch::make_report(in.plan, in.results, std::nullopt);
  const auto files = batch::write_results(out_dir, in.plan, report, std::nullopt);
  try {
    return batch::conclude(in.plan, report, files, {a.check, a.junit, false}, std::cout, std::cerr);
  } catch (const batch::SpecError& e) {
    throw ConfigError({"--junit", 0, 0}, "", e.what(), e.expected());
  }
}

const Register reg("merge", [](CLI::App& app) -> std::function<int()> {
  auto args = std::make_shared<MergeArgs>();
  auto* cmd = app.add_subcommand("merge", "Combine sharded sweep folders into the whole sweep's outputs");
  cmd->add_option("dirs", args->dirs, "Shard output folders")->required();
  cmd->add_option("-o,--output", args->out_dir, "Output folder (default: the first folder)");
  cmd->add_flag("--partial", args->partial, "Merge even when some points have no result yet");
  cmd->add_flag("--check", args->check, "Exit 3 when an expectation is violated or a point failed or is missing");
  cmd->add_option("--junit", args->junit, "Write JUnit XML (one test case per point)");
  cmd->add_option("--pareto", args->pareto, "Extra Pareto frontier X,Y or X:max,Y:min (repeatable)");
  return [cmd, args]() { return cmd->parsed() ? merge_command(*args) : -1; };
});

}  // namespace
}  // namespace tokenfab::cli
