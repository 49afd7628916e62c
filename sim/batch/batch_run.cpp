#include "sim/batch/batch_run.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "sim/batch/point_runner.hpp"
#include "sim/batch/progress_bar.hpp"

namespace tokenfab::batch {

std::string manifest_name(const std::optional<Shard>& shard) {
  return shard ? "plan." + shard->tag() + ".json" : "plan.json";
}

void write_manifest(const std::string& out_dir, const BatchPlan& plan, const std::optional<Shard>& shard) {
  std::filesystem::create_directories(out_dir);
  std::ofstream(out_dir + "/" + manifest_name(shard), std::ios::binary) << plan_to_json(plan, shard).dump(2) << "\n";
}

BatchRun run_batch(const BatchPlan& plan, const std::string& out_dir, const BatchOptions& opt, std::ostream& log) {
  write_manifest(out_dir, plan, opt.shard);
  BatchRun run;
  std::vector<const PointPlan*> todo;
  std::size_t stale = 0;
  for (const auto& p : plan.points) {
    if (opt.shard && !opt.shard->contains(p.index)) continue;
    ++run.slice;
    if (opt.resume) {
      const auto old = load_result(point_dir(out_dir, p));
      if (old && old->key == p.key && old->index == p.index && (old->status == PointStatus::Ok || !opt.retry_failed)) {
        run.results.push_back(*old);
        ++run.reused;
        continue;
      }
      stale += old && old->key != p.key ? 1 : 0;
    }
    todo.push_back(&p);
  }
  if (opt.limit > 0 && todo.size() > opt.limit) todo.resize(opt.limit);

  if (!opt.quiet) {
    fmt::print(log, "{} {}: {} points{}, {} already done{}, {} to run with -j {}\n", plan.kind, plan.name, plan.points.size(),
               opt.shard ? fmt::format(" ({} {}/{}: {} points)", "shard", opt.shard->index, opt.shard->count, run.slice) : "",
               run.reused, stale ? fmt::format(" ({} stale results of a different sweep will be replaced)", stale) : "",
               todo.size(), opt.jobs);
    log.flush();
  }

  std::vector<ProcessJob> jobs;
  for (const PointPlan* p : todo) {
    const std::string dir = point_dir(out_dir, *p);
    std::filesystem::remove_all(dir);  // nothing of an earlier attempt survives
    std::filesystem::create_directories(dir);
    const std::string file = dir + "/scenario.yaml";
    std::ofstream(file, std::ios::binary) << p->scenario_yaml;
    ProcessJob job{dir, {opt.exe, "run", "-q", "--no-progress", file, "-o", dir}};
    job.argv.insert(job.argv.end(), opt.run_args.begin(), opt.run_args.end());
    jobs.push_back(std::move(job));
  }

  ProgressBar bar(std::cerr, ProgressBar::choose(opt.quiet), jobs.size());
  const bool finished = run_processes(
      jobs, opt.jobs,
      [&](std::size_t i, const ChildExit& how) {
        const PointPlan& p = *todo[i];
        PointResult r = collect_result(p, jobs[i].dir, how);
        store_result(jobs[i].dir, r);
        bar.point_done(p.id, p.label, r.status == PointStatus::Ok, r.error);
        run.results.push_back(std::move(r));
        ++run.ran;
      },
      [&bar]() { bar.redraw(); });
  bar.finish();
  run.interrupted = !finished;
  std::sort(run.results.begin(), run.results.end(),
            [](const PointResult& a, const PointResult& b) { return a.index < b.index; });
  run.pending = run.slice - run.results.size();
  return run;
}

}  // namespace tokenfab::batch
