// Continuous batching for one replica, as vLLM and TensorRT-LLM do it: each iteration has a token
// budget; running decodes go first (one token each), then unfinished prefill chunks, then new
// requests in arrival order (FCFS) while sequences, budget and KV blocks allow.
//
// KV is reserved for a request's whole length (prompt + output) when it is admitted, so a running
// request never runs out of KV and no preemption is needed; a request that could never fit is
// rejected on arrival with a reason. The scheduler is plain C++ (no SimGrid), tested directly.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "models/perf/perf_model.hpp"
#include "sim/metrics/request_record.hpp"
#include "sim/serving/kv_cache.hpp"

namespace tokenfab {

struct SchedulerLimits {
  std::int64_t max_batched_tokens = 8192;
  int max_num_seqs = 256;
  bool chunked_prefill = true;
  std::int64_t max_context = 0;  // model context; longer requests are rejected
};

// One sequence's share of an iteration.
struct ScheduledWork {
  std::size_t slot;         // index into the running set
  std::int64_t new_tokens;  // prefill chunk, or 1 for a decode
  std::int64_t context;     // tokens already in its KV cache
  bool emits_token;         // produces an output token at the end of the iteration
};

class BatchScheduler {
 public:
  using Sink = std::function<void(RequestRecord&&)>;

  BatchScheduler(SchedulerLimits limits, KvCache kv, int replica, Sink on_done);

  // A request reaches the replica. It may be rejected at once (reason recorded, sent to the sink).
  void enqueue(const Request& r);
  bool idle() const { return waiting_.empty() && running_.empty(); }

  // Forms the next iteration at time `now`; an empty shape means nothing can run.
  const BatchShape& plan(double now);
  const std::vector<ScheduledWork>& planned() const { return work_; }
  // Applies the planned iteration, which ended at `now`: advances sequences, stamps first tokens,
  // finishes requests (to the sink) and frees their KV.
  void complete(double now);

  std::size_t waiting() const { return waiting_.size(); }
  std::size_t running() const { return running_.size(); }
  const KvCache& kv() const { return kv_; }
  // Requests still held (waiting or running), as in-flight records.
  std::vector<RequestRecord> in_flight() const;

 private:
  struct Sequence {
    RequestRecord record;
    std::int64_t prefilled = 0;  // prompt tokens already in KV
    std::int64_t generated = 0;  // output tokens produced
    std::int64_t blocks = 0;     // KV blocks reserved
  };

  SchedulerLimits limits_;
  KvCache kv_;
  int replica_;
  Sink on_done_;
  std::deque<Sequence> waiting_;
  std::vector<Sequence> running_;
  std::vector<ScheduledWork> work_;
  BatchShape shape_;
};

}  // namespace tokenfab
