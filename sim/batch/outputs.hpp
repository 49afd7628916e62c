// What a batch writes from its plan and point results: results.jsonl (one record per point,
// with the full summary), results.csv (stable columns: point, parameters, status, metrics,
// expectations, frontier flags, error) and pareto.json. Sweep, compare and merge all write through
// here, so a merged sweep's files are byte for byte those of the unsharded run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/batch/expectation.hpp"
#include "sim/batch/pareto.hpp"
#include "sim/batch/results.hpp"

namespace tokenfab::batch {

struct Frontier {
  ParetoSpec spec;
  std::vector<std::size_t> front;           // point indices on the frontier, best x first
  std::vector<ParetoCandidate> candidates;  // points with both values, by index
  std::string note;                         // why some points have no value (the first reason)
};

struct PointReport {
  const PointPlan* plan = nullptr;
  const PointResult* result = nullptr;  // nullptr: not run (yet)
  std::vector<MetricLookup> metrics;    // in plan.metrics order
  std::vector<ExpectationResult> expectations;
  std::vector<std::string> frontiers;   // names of the frontiers it is on
};

struct BatchReport {
  std::vector<PointReport> points;  // the slice's points by index, those not run included
  std::vector<Frontier> frontiers;  // whole plans only (a shard's frontier would mislead)
  std::vector<std::string> notes;   // e.g. a metric column that no summary has
};

// `plan` and `results` must outlive the report (it points into them).
BatchReport make_report(const BatchPlan& plan, const std::vector<PointResult>& results, const std::optional<Shard>& shard);

// Writes results[.shard-K-of-N].jsonl and .csv, and pareto.json for a whole plan. Returns the paths.
std::vector<std::string> write_results(const std::string& out_dir, const BatchPlan& plan, const BatchReport& report,
                                       const std::optional<Shard>& shard);

// One line per problem that makes --check fail: a violated or unevaluable expectation, a failed
// point, a point not run.
std::vector<std::string> check_failures(const BatchReport& report);

// Counts for the closing line.
struct ReportCounts {
  std::size_t ok = 0, failed = 0, pending = 0, expectations_failed = 0;
};
ReportCounts count(const BatchReport& report);

// RFC 4180 field: quoted when it holds a comma, quote or newline.
std::string csv_field(const std::string& s);

}  // namespace tokenfab::batch
