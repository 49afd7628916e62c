// The `workload:` section of a scenario: where requests come from (declared parameters).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "models/core/schema.hpp"

namespace tokenfab {

// --- Token-length distributions (values clipped to [min, max]) -------------------------------
struct FixedLength {
  std::int64_t value = 0;  // every request has this many tokens
};
struct UniformLength {
  std::int64_t min = 1, max = 1;  // inclusive bounds
};
struct NormalLength {
  double mean = 0, stddev = 0;
  std::int64_t min = 1, max = 0;  // max 0 = model context
};
struct LognormalLength {
  double mean = 0;   // mean of the distribution itself (not of its log)
  double sigma = 0;  // standard deviation of the log
  std::int64_t min = 1, max = 0;
};
using LengthDistribution = std::variant<FixedLength, UniformLength, NormalLength, LognormalLength>;

// --- Arrival processes ------------------------------------------------------------------------
struct PoissonArrivals {
  double rate = 0;  // requests per second
};
struct ConstantArrivals {
  double rate = 0;  // requests per second, evenly spaced
};
using ArrivalProcess = std::variant<PoissonArrivals, ConstantArrivals>;

struct SyntheticWorkload {
  ArrivalProcess arrivals;
  LengthDistribution input_tokens;
  LengthDistribution output_tokens;
};

// A plain CSV trace: header with arrival_time (seconds), input_tokens, output_tokens.
struct TraceWorkload {
  std::string path;        // resolved against the scenario's folder
  double time_scale = 1;   // multiplies arrival times (0.5 = twice as fast)
};

struct WorkloadConfig {
  std::optional<SyntheticWorkload> synthetic;
  std::optional<TraceWorkload> trace;
  std::int64_t requests = 0;        // stop after this many arrivals (0 = no limit)
  std::optional<double> duration;   // stop arrivals after this simulated time
};

const Schema<WorkloadConfig>& workload_schema();

}  // namespace tokenfab
