// Helpers for the robustness tests: a small scenario around the shipped HGX H100 platform, and a
// CLI run that reports how long it took and how much memory the tokenfab process used.
#pragma once

#include <sys/resource.h>

#include <chrono>
#include <string>

#include "tests/support/test_support.hpp"

namespace tokenfab::test {

// A scenario file in `dir` serving llama-3.1-70b (tp 8) on platforms/hgx-h100.xml with the
// given `workload:` body (indented by the caller, two spaces).
inline std::string small_scenario(const std::string& dir, const std::string& workload_body,
                                  const std::string& extra = "") {
  return write_file(dir + "/s.yaml", "name: limits\nplatform: " + source_path("platforms/hgx-h100.xml") +
                                         "\nmodel: llama-3.1-70b\ndeployment: {replicas: 1, tp: 8}\n" + extra +
                                         "workload:\n" + workload_body);
}

struct BoundedRun {
  CliResult result;
  double seconds = 0;       // wall time of the command
  double peak_rss_mb = 0;   // largest resident set of any child so far (the tokenfab process)
};

inline BoundedRun run_bounded(const std::string& args) {
  BoundedRun b;
  const auto start = std::chrono::steady_clock::now();
  b.result = run_cli(args);
  b.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  b.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: kilobytes
  return b;
}

// Bounds generous enough for a sanitizer build on a loaded machine, tight enough to catch a run
// that grows with the absurd figure (10^9 GPUs would need tens of GB and minutes).
inline constexpr double kMaxSeconds = 60;
inline constexpr double kMaxRssMb = 1536;

}  // namespace tokenfab::test
