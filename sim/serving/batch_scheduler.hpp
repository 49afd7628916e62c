// Continuous batching for one replica, as vLLM and TensorRT-LLM do it: each iteration has a token
// budget; running decodes go first (one token each), then unfinished prefill chunks in admission
// order, then new requests in arrival order (FCFS) while sequences, budget and KV blocks allow.
//
// KV is reserved for a request's whole length (prompt + output) when it is admitted, so a running
// request never runs out of KV and no preemption is needed; a request that could never fit is
// rejected on arrival with a reason. The scheduler is plain C++ (no SimGrid), tested directly.
//
// Cost: decoding sequences are kept as aggregates (count, summed context) plus a heap of finish
// steps, so an iteration costs O(prefilling + admitted + finishing) and not O(batch): the engine
// can step through millions of decode iterations cheaply.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <queue>
#include <vector>

#include "models/perf/perf_model.hpp"
#include "sim/metrics/request_record.hpp"
#include "sim/serving/kv_cache.hpp"
#include "sim/serving/prefix_cache.hpp"

namespace tokenfab {

// What a replica does with a request: all of it, only the prompt (then hands the request and its
// KV over to a decode replica), or only the output (its KV arrives from a prefill replica).
enum class ReplicaRole { Unified, Prefill, Decode };
std::string role_name(ReplicaRole r);

struct SchedulerLimits {
  ReplicaRole role = ReplicaRole::Unified;
  std::int64_t max_batched_tokens = 8192;
  int max_num_seqs = 256;
  bool chunked_prefill = true;
  std::int64_t max_context = 0;  // model context; longer requests are rejected (0 = no limit)
  std::int64_t prefix_cache_blocks = 0;   // HBM prefix cache capacity in prefix blocks (0 = off)
  std::int64_t prefix_block_tokens = 512; // tokens per prefix block (the trace's hash block)
};

class BatchScheduler {
 public:
  using Sink = std::function<void(RequestRecord&&)>;

  BatchScheduler(SchedulerLimits limits, KvCache kv, int replica, Sink on_done);

  // A request reaches the replica. It may be rejected at once (reason recorded, sent to the sink).
  void enqueue(const Request& r);
  // Decode role: a request whose prompt was processed elsewhere (first token already out) and
  // whose KV has arrived. It waits for KV blocks and a batch slot like any request.
  void enqueue_prefilled(RequestRecord&& record);
  // Prefill role: where requests go once their prompt is done (their first token stamped).
  void set_handoff(Sink handoff) { on_handoff_ = std::move(handoff); }
  bool idle() const { return waiting_.empty() && running() == 0; }

  // Forms the next iteration starting at `now`; an empty shape means nothing can run.
  const BatchShape& plan(double now);
  // Applies the planned iteration, which ended at `now`: advances sequences, stamps first tokens,
  // finishes requests (to the sink) and frees their KV.
  void complete(double now);

  std::size_t waiting() const { return waiting_.size(); }
  std::size_t running() const { return static_cast<std::size_t>(decoding_) + prefilling_.size(); }
  std::size_t decoding() const { return static_cast<std::size_t>(decoding_); }
  const KvCache& kv() const { return kv_; }
  const PrefixCache& prefix_cache() const { return prefix_cache_; }
  std::int64_t prefill_tokens_saved() const { return prefill_tokens_saved_; }
  // Tokens still to process for queued and running requests (a load measure for routers).
  std::int64_t outstanding_tokens() const { return outstanding_tokens_; }
  // Output tokens produced so far (first tokens and decodes), for the end-of-run invariants.
  std::int64_t tokens_emitted() const { return tokens_emitted_; }
  // The replica failed: every request it holds is handed back (progress lost) and its KV emptied.
  std::vector<RequestRecord> evict_all();
  // Requests still held (waiting or running), as in-flight records.
  std::vector<RequestRecord> in_flight() const;

  // Of the last planned iteration, the prefill chunks: (slot in prefilling order, new tokens,
  // context). Decodes are aggregated and not listed. For tests and logs.
  struct Chunk {
    std::int64_t new_tokens;
    std::int64_t context;
  };
  const std::vector<Chunk>& planned_chunks() const { return chunks_; }
  std::int64_t planned_decodes() const { return planned_decodes_; }

 private:
  struct Sequence {
    RequestRecord record;
    bool kv_ready = false;          // decode role: prompt KV arrived, goes straight to decoding
    std::int64_t prefilled = 0;     // prompt tokens already in KV
    std::int64_t blocks = 0;        // KV blocks reserved
    std::int64_t decode_start = 0;  // decode step at which it started decoding
  };
  struct Finish {
    std::int64_t step;  // decode step after which it is done
    std::uint64_t order;  // admission order: ties finish in admission order
    std::size_t slot;
    bool operator>(const Finish& o) const { return step != o.step ? step > o.step : order > o.order; }
  };

  std::size_t store(Sequence&& s);
  void finish(std::size_t slot, double now);
  void start_decoding(std::size_t slot);
  // KV tokens a request holds here: the prompt on a prefill replica, prompt + output elsewhere.
  std::int64_t kv_tokens(const Request& r) const;

  SchedulerLimits limits_;
  KvCache kv_;
  PrefixCache prefix_cache_;
  std::int64_t prefill_tokens_saved_ = 0;
  int replica_;
  Sink on_done_;
  Sink on_handoff_;
  std::deque<Sequence> waiting_;
  std::vector<std::size_t> prefilling_;  // slots, admission order
  std::vector<Sequence> slots_;
  std::vector<std::size_t> free_slots_;
  std::vector<std::uint64_t> order_of_slot_;
  std::uint64_t admissions_ = 0;
  // Decoding sequences as aggregates.
  std::int64_t decoding_ = 0;
  std::int64_t decode_context_ = 0;  // sum of contexts of the decoding sequences at the next step
  std::int64_t decode_step_ = 0;     // decode steps executed so far
  std::priority_queue<Finish, std::vector<Finish>, std::greater<>> finishes_;
  std::int64_t outstanding_tokens_ = 0;
  std::int64_t tokens_emitted_ = 0;
  // The planned iteration.
  BatchShape shape_;
  std::vector<Chunk> chunks_;
  std::vector<std::size_t> chunk_slots_;
  std::int64_t planned_decodes_ = 0;
};

}  // namespace tokenfab
