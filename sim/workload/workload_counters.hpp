// What a workload source did to the rows it read: reported in the summary so that no request is
// dropped silently between the trace file and the factory.
#pragma once

#include <cstdint>
#include <string>

namespace tokenfab {

struct WorkloadCounters {
  bool trace = false;                // the source replays a trace file (counters below apply)
  std::string format;                // trace format used (detected or given)
  std::uint64_t rows = 0;            // data rows read (good and bad)
  std::uint64_t bad_rows = 0;        // malformed rows skipped (skip_bad_rows)
  std::string first_bad_row;         // the first skipped row's error, file:line:col: field: problem
  std::uint64_t zero_token_rows = 0; // rows with 0 input or output tokens (e.g. BurstGPT failures), dropped
  std::uint64_t outside_window = 0;  // rows before the window's start, dropped
  std::uint64_t filtered = 0;        // rows dropped by filters
  std::uint64_t sampled_out = 0;     // rows dropped by sampling
  std::uint64_t capped_input = 0;    // requests whose prompt was cut to max_input_tokens
  std::uint64_t capped_output = 0;   // requests whose output was cut to max_output_tokens
  std::uint64_t emitted = 0;         // requests handed to the factory
  double time_factor = 1;            // arrival = (trace time - window start) x time_factor
};

}  // namespace tokenfab
