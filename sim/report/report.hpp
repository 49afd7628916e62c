// Outputs of a run: the summary table on stdout, summary.json, requests.csv and timeseries.csv.
#pragma once

#include <ostream>
#include <string>

#include "sim/engine/simulation.hpp"

namespace tokenfab {

// Version of the summary.json layout (docs/outputs.md); bump on any incompatible change.
inline constexpr int kSummarySchemaVersion = 1;

void print_summary_table(std::ostream& out, const RunResult& run);
std::string summary_json(const RunResult& run);  // pretty-printed, newline-terminated
void write_requests_csv(std::ostream& out, const RunResult& run);

// Writes summary.json and (if enabled) requests.csv and timeseries.csv into `dir`, creating it.
// Returns the paths.
std::vector<std::string> write_outputs(const RunResult& run, const std::string& dir);

}  // namespace tokenfab
