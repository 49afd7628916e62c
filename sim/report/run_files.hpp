// Reads a finished run's output folder back for the HTML report: summary.json, and requests.csv
// and timeseries.csv when present (formats: docs/outputs.md). Malformed files are ConfigErrors
// naming the file, the line and the column.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tokenfab {

// summary.json as parsed JSON.
nlohmann::ordered_json read_summary_json(const std::string& path);

// Latency samples of one group of requests (a tier, or all requests).
struct LatencySamples {
  std::string group;
  std::vector<double> ttft;  // s, completed requests, ascending
  std::vector<double> tpot;  // s, completed requests with more than one output token, ascending
};

// What the report takes from requests.csv.
struct RequestFileData {
  std::vector<LatencySamples> groups;  // one per tier in first-seen order; a single "all" without tiers
  LatencySamples all;                  // every completed request
  // Output tokens per time bin, each request's tokens spread evenly from its first token to its
  // completion (the first token at the first-token time). Bins of `bin_width` from 0.
  double bin_width = 0;
  std::vector<double> output_tokens_per_bin;
  std::size_t rows = 0;
};

// `horizon` (s, > 0) is the end of the binned time axis (summary.json's sim_time_s); `bins` bins.
RequestFileData read_requests_csv(const std::string& path, double horizon, std::size_t bins);

// timeseries.csv: a header whose first column is the time in seconds, then numeric columns.
struct TimeSeries {
  std::vector<std::string> columns;       // without the time column
  std::vector<double> time;               // s
  std::vector<std::vector<double>> values;  // values[column][row]; NaN for an empty cell
};
TimeSeries read_timeseries_csv(const std::string& path);

// Splits one CSV line (RFC 4180 quotes: "a,b" and "" inside quotes). `line_no` for errors;
// `starts`, when given, receives each cell's 1-based column in the line.
std::vector<std::string> split_csv_line(const std::string& line, const std::string& file, int line_no,
                                        std::vector<int>* starts = nullptr);

}  // namespace tokenfab
