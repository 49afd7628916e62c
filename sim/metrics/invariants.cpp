#include "sim/metrics/invariants.hpp"

#include <fmt/format.h>

namespace tokenfab {
namespace {

[[noreturn]] void violated(const std::string& what) { throw InvariantViolation("invariant violated: " + what); }

}  // namespace

void check_invariants(const std::vector<RequestRecord>& records, const Summary& s, const InvariantInputs& in) {
  if (s.arrived != s.completed + s.rejected + s.in_flight)
    violated(fmt::format("arrived {} != completed {} + rejected {} + in flight {}", s.arrived, s.completed, s.rejected,
                         s.in_flight));
  if (records.size() != s.arrived)
    violated(fmt::format("{} request records for {} arrivals", records.size(), s.arrived));
  std::int64_t completed_tokens = 0;
  std::int64_t in_flight_tokens_max = 0;
  std::int64_t rejected_first_tokens = 0;  // P/D: prompts done, then their KV had nowhere to go
  for (const auto& r : records) {
    const auto id = r.request.id;
    if (r.request.arrival < 0) violated(fmt::format("request {} arrives at a negative time", id));
    auto ordered = [&](double a, double b, const char* what) {
      if (a >= 0 && b >= 0 && b < a) violated(fmt::format("request {}: {} goes backwards ({} then {})", id, what, a, b));
    };
    ordered(r.request.arrival, r.first_scheduled, "arrival -> first scheduled");
    ordered(r.first_scheduled, r.first_token, "first scheduled -> first token");
    ordered(r.first_token, r.kv_transfer_start, "first token -> KV transfer start");
    ordered(r.kv_transfer_start, r.kv_transfer_end, "KV transfer");
    ordered(r.kv_transfer_end, r.first_scheduled_decode, "KV arrival -> decode");
    ordered(r.first_token, r.completion, "first token -> completion");
    if (r.outcome == Outcome::Completed) {
      if (r.first_token < 0 || r.completion < 0) violated(fmt::format("request {} completed without timestamps", id));
      completed_tokens += r.request.output_tokens;
    } else if (r.outcome == Outcome::InFlight && r.first_token >= 0) {
      in_flight_tokens_max += r.request.output_tokens - 1;
    } else if (r.outcome == Outcome::Rejected && r.first_token >= 0) {
      rejected_first_tokens += 1;
    }
  }
  if (completed_tokens != s.output_tokens)
    violated(fmt::format("summary output tokens {} != sum of completed outputs {}", s.output_tokens, completed_tokens));
  // Tokens produced = completed outputs, plus between 1 and output-1 for each started request
  // still in flight, plus the first token of each request rejected after its prompt was done.
  if (in.tokens_emitted < completed_tokens + rejected_first_tokens ||
      in.tokens_emitted > completed_tokens + rejected_first_tokens + in_flight_tokens_max +
                              static_cast<std::int64_t>(s.in_flight))
    violated(fmt::format("schedulers produced {} output tokens; completed requests hold {}", in.tokens_emitted,
                         completed_tokens));
  if (in.kv_overflow) violated("a KV cache went above its capacity or below zero");
  // Energy can only exceed the idle floor (tolerance for floating-point integration).
  const auto& e = s.energy;
  if (e.device_joules + 1e-6 * e.idle_floor_joules < e.idle_floor_joules)
    violated(fmt::format("device energy {} J is below idle power x time {} J", e.device_joules, e.idle_floor_joules));
  if (e.device_joules > e.max_power_w * e.measured_over_s * (1 + 1e-9) + 1e-9)
    violated(fmt::format("device energy {} J is above full power x time {} J", e.device_joules,
                         e.max_power_w * e.measured_over_s));
}

}  // namespace tokenfab
