#include "sim/batch/conclude.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "sim/batch/junit.hpp"

namespace tokenfab::batch {

int conclude(const BatchPlan& plan, const BatchReport& report, const std::vector<std::string>& files,
             const ConcludeOptions& opt, std::ostream& out, std::ostream& err) {
  if (!opt.quiet) {
    for (const auto& n : report.notes) fmt::print(err, "note: {}\n", n);
  }
  if (!opt.junit.empty()) {
    if (!write_junit(opt.junit, plan.name, junit_cases(plan.name, report)))
      throw SpecError(fmt::format("cannot write the JUnit file '{}'", opt.junit), "a writable path");
  }
  const ReportCounts c = count(report);
  fmt::print(out, "{} {}: {} point(s): {} ok, {} failed, {} not run", plan.kind, plan.name, report.points.size(), c.ok, c.failed,
             c.pending);
  if (c.expectations_failed > 0) fmt::print(out, "; {} point(s) miss an expectation", c.expectations_failed);
  out << "\n";
  if (!files.empty() || !opt.junit.empty()) {
    out << "  outputs:";
    for (const auto& f : files) out << " " << f;
    if (!opt.junit.empty()) out << " " << opt.junit;
    out << "\n";
  }
  for (const auto& f : report.frontiers) {
    std::string ids;
    for (const auto i : f.front) ids += (ids.empty() ? "" : " ") + plan.points[i].id;
    fmt::print(out, "  pareto {}: {} of {} point(s): {}\n", f.spec.name(), f.front.size(), f.candidates.size(),
               ids.empty() ? "-" : ids);
  }
  if (opt.interrupted) {
    fmt::print(out, "interrupted: run the same command again to resume ({} point(s) left)\n", c.pending);
    return kExitInterrupted;
  }
  const auto problems = check_failures(report);
  if (opt.check) {
    if (problems.empty()) {
      out << "check: passed\n";
      return 0;
    }
    fmt::print(out, "check: FAILED ({} problem(s))\n", problems.size());
    for (const auto& p : problems) fmt::print(out, "  {}\n", p);
    return kExitCheckFailed;
  }
  if (c.pending > 0) fmt::print(out, "  {} point(s) not run yet: run the same command again to continue\n", c.pending);
  return 0;
}

}  // namespace tokenfab::batch
