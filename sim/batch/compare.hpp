// `tokenfab compare`: several scenarios (or one scenario on several platforms) run as the points
// of a batch, shown side by side with ratios against the first.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sim/batch/outputs.hpp"

namespace tokenfab::batch {

// Rows of the comparison table (and columns of its results.csv) unless --metrics says otherwise.
const std::vector<std::string>& compare_metrics();

// One point per scenario file; or, with `platforms`, one point per platform for the single
// scenario given (platform paths relative to the working folder). Every point is validated as a
// scenario first; throws ConfigError.
BatchPlan compare_plan(const std::vector<std::string>& scenarios, const std::vector<std::string>& platforms,
                       const std::vector<std::string>& metrics);

// The side-by-side table: a row per metric, a column per point and a ratio column against the
// first point for every other one ("n/a" where a summary lacks the metric).
void print_compare_table(std::ostream& out, const BatchPlan& plan, const BatchReport& report);

// compare.json: per point its metrics and their ratios against the first point.
Json compare_json(const BatchPlan& plan, const BatchReport& report);

}  // namespace tokenfab::batch
