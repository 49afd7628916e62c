// Goodput and SLO attainment (definitions: docs/metrics.md, "Goodput").
//
// A request is *good* when it completed and met both latency limits of its service class:
// TTFT <= the TTFT limit and TPOT <= the TPOT limit (DistServe's per-request SLO criterion, OSDI
// 2024). Goodput is the rate of good requests and of their tokens over the run's window (as vLLM's
// benchmark computes it for a fixed request rate; DistServe's "maximum rate at 90% attainment"
// needs a sweep of rates and is read off a comparison report). SLO attainment is the fraction of
// arrived requests that were good: rejected and unfinished requests count as misses.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/metrics/request_record.hpp"
#include "sim/metrics/summary.hpp"

namespace tokenfab {

// What a service class promises: a tier of the scenario's tier table, or the single SLO of
// requests without a tier.
struct ServiceClass {
  std::string name;
  std::optional<double> ttft_limit;  // s; unset = no TTFT limit
  std::optional<double> tpot_limit;  // s; unset = no TPOT limit
  double price_per_mtok = 0;         // USD per million output tokens delivered within the limits
};

// Output speed one user sees: 1/TPOT, output tokens/s after the first token.
struct SpeedPerUser {
  std::size_t count = 0;  // requests with a TPOT (more than one output token)
  double mean = 0, p10 = 0, p50 = 0;
};

struct ClassGoodput {
  ServiceClass service;
  std::uint64_t arrived = 0;
  std::uint64_t completed = 0;
  std::uint64_t ttft_met = 0;  // completed with TTFT within the limit
  std::uint64_t tpot_met = 0;  // completed with TPOT within the limit (vacuous for 1-token outputs)
  std::uint64_t good = 0;      // completed with both
  std::int64_t output_tokens = 0;       // of completed requests
  std::int64_t good_output_tokens = 0;  // of good requests
  std::int64_t good_input_tokens = 0;
  // Fractions of arrived requests (0 when none arrived).
  double attainment = 0, ttft_attainment = 0, tpot_attainment = 0;
  // Rates over the run's window (0 when the window is empty).
  double requests_per_s = 0, good_requests_per_s = 0;
  double output_tokens_per_s = 0, good_output_tokens_per_s = 0, good_input_tokens_per_s = 0;
  SpeedPerUser speed;                  // over completed requests
  std::vector<double> ttft_sorted;     // completed requests' TTFT, ascending (for CDFs)
  std::vector<double> tpot_sorted;     // completed requests' TPOT, ascending
};

struct GoodputReport {
  double window = 0;                  // s, the throughput window (first arrival -> last completion)
  ClassGoodput overall;               // all requests, each judged by its own class
  // Tiers with at least one arrival, in table order, then "untiered" if any request has no tier.
  std::vector<ClassGoodput> classes;
};

// `class_of(record)` gives the index of a record's class in `tiers`, or -1 for a request without
// a tier (judged by `untiered`). An index outside the table is treated as -1.
GoodputReport compute_goodput(const std::vector<RequestRecord>& records, const std::vector<ServiceClass>& tiers,
                              const ServiceClass& untiered, const std::function<int(const RequestRecord&)>& class_of,
                              double window);

// Whether a completed request met its class's limits.
bool meets_ttft(const RequestRecord& r, const ServiceClass& c);
bool meets_tpot(const RequestRecord& r, const ServiceClass& c);

}  // namespace tokenfab
