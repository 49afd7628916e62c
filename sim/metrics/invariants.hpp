// End-of-run invariants, checked after every simulation. A violation is a bug in tokenfab, not in
// the input: it stops the run loudly (InvariantViolation, exit code 3) instead of writing figures
// that cannot be trusted.
#pragma once

#include <stdexcept>
#include <vector>

#include "sim/metrics/summary.hpp"

namespace tokenfab {

class InvariantViolation : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

struct InvariantInputs {
  std::int64_t tokens_emitted = 0;  // output tokens the schedulers produced
  bool kv_overflow = false;         // a KV cache went above capacity or below zero
};

// Request conservation (arrived = completed + rejected + in flight), ordered non-negative
// timestamps per request, KV occupancy within capacity, energy at least idle power x time, and
// output tokens = the sum of completed output lengths (plus tokens of requests still in flight).
void check_invariants(const std::vector<RequestRecord>& records, const Summary& summary, const InvariantInputs& in);

}  // namespace tokenfab
