// The end of a batch command (sweep, compare, merge): JUnit file, notes, the closing counts, the
// --check verdict, and the exit code.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sim/batch/outputs.hpp"

namespace tokenfab::batch {

inline constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

struct ConcludeOptions {
  bool check = false;     // exit kExitCheckFailed on any violation, failed or missing point
  std::string junit;      // write JUnit XML here (empty: none)
  bool interrupted = false;
  bool quiet = false;     // no notes
};

// Prints to `out` (results, counts, violations) and `err` (notes); returns the exit code:
// kExitInterrupted when interrupted, kExitCheckFailed when --check finds a problem, else 0.
// Throws SpecError when the JUnit file cannot be written.
int conclude(const BatchPlan& plan, const BatchReport& report, const std::vector<std::string>& files,
             const ConcludeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tokenfab::batch
