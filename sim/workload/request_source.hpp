// Where requests come from: a stream in arrival order (memory does not grow with its length).
#pragma once

#include <memory>
#include <optional>

#include "sim/config/scenario.hpp"
#include "sim/workload/request.hpp"
#include "sim/workload/workload_counters.hpp"

namespace tokenfab {

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
