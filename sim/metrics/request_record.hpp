// What happened to one request: the raw material of every latency metric.
#pragma once

#include <string>

#include "sim/workload/request.hpp"

namespace tokenfab {

enum class Outcome { Completed, Rejected, InFlight };
std::string outcome_name(Outcome o);

struct RequestRecord {
  Request request;
  Outcome outcome = Outcome::InFlight;
  std::string reason;            // why it was rejected (empty otherwise)
  int replica = -1;              // replica that served it
  double first_scheduled = -1;   // start of the iteration that first processed it (-1: never)
  double first_token = -1;       // end of the iteration that produced its first output token
  double completion = -1;        // end of the iteration that produced its last output token
  // Disaggregated serving: the decode replica, when the KV transfer started and ended, and when
  // the decode replica first scheduled it (-1 / empty when not applicable).
  int decode_replica = -1;
  double kv_transfer_start = -1;
  double kv_transfer_end = -1;
  double first_scheduled_decode = -1;
  int preemptions = 0;           // times its KV was taken back for another request (recompute/swap)

  bool has_kv_transfer() const { return kv_transfer_end >= 0; }
  double kv_transfer_time() const { return kv_transfer_end - kv_transfer_start; }
  double ttft() const { return first_token - request.arrival; }
  double e2e() const { return completion - request.arrival; }
  double queueing() const { return first_scheduled - request.arrival; }
  // Mean time per output token after the first; defined for outputs longer than one token.
  bool has_tpot() const { return request.output_tokens > 1; }
  double tpot() const { return (completion - first_token) / static_cast<double>(request.output_tokens - 1); }
};

}  // namespace tokenfab
