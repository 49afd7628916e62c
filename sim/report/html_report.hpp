// report.html: one self-contained page of figures and Vega charts for a finished run, or for a
// comparison of several runs (docs/report.md says what each part shows).
//
// It reads only the run's output files, so it works on any output folder, now or later:
//   write_html_report("out/quickstart");          // after tokenfab run: out/quickstart/report.html
//   write_comparison_report({"out/a", "out/b"}, "out/compare.html");
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace tokenfab {

struct HtmlReportOptions {
  // Folder holding Debian's libjs-vega modules (vega-*.min.js).
  // Default: empty = default_vega_dir() ($TOKENFAB_VEGA_DIR, else /usr/share/javascript/vega).
  std::string vega_dir;
  // Time bins of the throughput-over-time chart when it is derived from requests.csv. Default: 120.
  std::size_t time_bins = 120;
  // Points drawn per CDF line (quantiles; the data are not thinned otherwise). Default: 200.
  std::size_t cdf_points = 200;
  // Most points per time-series line; longer series are averaged over consecutive rows. Default: 1000.
  std::size_t max_series_points = 1000;
};

// One run: reads `run_dir`/summary.json (required), requests.csv and timeseries.csv (when
// present) and writes `out_path` (default: `run_dir`/report.html). Returns the path written.
// Throws ConfigError for a missing or malformed input or a missing libjs-vega.
std::string write_html_report(const std::string& run_dir, const HtmlReportOptions& options = {},
                              const std::string& out_path = "");

// Several runs (each an output folder with summary.json, or a summary.json path): a table, the
// Pareto frontiers of output tokens/s per MW and per GPU against output tokens/s per user, and the
// factory extrapolation per run. Returns the path written.
std::string write_comparison_report(const std::vector<std::string>& runs, const std::string& out_path,
                                    const HtmlReportOptions& options = {});

// The pages as text (what the writers above save).
std::string run_report_html(const std::string& run_dir, const HtmlReportOptions& options = {});
std::string comparison_report_html(const std::vector<std::string>& runs, const HtmlReportOptions& options = {});

}  // namespace tokenfab
