// The two reader families behind TraceReader::open: CSV (Azure, BurstGPT, generic) and JSON
// lines (Mooncake, generic). Internal to sim/workload.
#pragma once

#include <memory>
#include <string>

#include "sim/workload/trace_reader.hpp"

namespace tokenfab {

// `header` is the file's first line (already read from `in`).
std::unique_ptr<TraceReader> make_csv_reader(std::string path, std::ifstream in, const std::string& header,
                                             TraceLayout layout, const TraceOpenOptions& options);
// `first` is the file's first line (already read from `in`); it is returned as the first row.
std::unique_ptr<TraceReader> make_jsonl_reader(std::string path, std::ifstream in, std::string first,
                                               TraceLayout layout, const TraceOpenOptions& options);

}  // namespace tokenfab
