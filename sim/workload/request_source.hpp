// Where requests come from: a stream in arrival order (memory does not grow with its length).
#pragma once

#include <memory>
#include <optional>

#include "sim/config/scenario.hpp"
#include "sim/workload/request.hpp"
#include "sim/workload/workload_counters.hpp"

namespace tokenfab {

// Simulated time is a double: below 1e10 s (about 317 years, so Unix-epoch seconds fit) one step
// of the clock is under 2 us, fine for millisecond iterations; far later, an iteration no longer
// moves the clock and every latency would silently read 0 (found with rate: 1e-300). Arrivals
// past it are refused (make_request_source), and generators stop searching there.
inline constexpr double kArrivalHorizon = 1e10;

class RequestSource {
 public:
  virtual ~RequestSource() = default;
  // The next request, or nullopt at the end. Arrival times never decrease.
  virtual std::optional<Request> next() = 0;
  // What the source read, dropped, capped and emitted so far (traces; zeros for generators).
  virtual WorkloadCounters counters() const { return {}; }
};

// Builds the scenario's source (synthetic or trace) with its request-count and duration limits.
// `max_context` caps open-ended length distributions (the model's context length).
std::unique_ptr<RequestSource> make_request_source(const Scenario& scenario, std::int64_t max_context);

}  // namespace tokenfab
