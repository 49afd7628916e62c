// Continuous batching for one replica, as vLLM and TensorRT-LLM do it: each iteration has a token
// budget; running decodes go first (one token each), then unfinished prefill chunks in admission
// order, then new requests in arrival order (FCFS) while sequences, budget and KV blocks allow.
//
// KV: with preemption `none`, KV is reserved for a request's whole length (prompt + output) when
// it is admitted, so a running request never runs out of KV and requests wait FCFS for room. With
// `recompute` or `swap` (vLLM's preemption modes), only the prompt's blocks are taken at admission
// and a decoding sequence takes a block each time it crosses a block boundary; when the free
// blocks do not cover this iteration's needs, the youngest running request is preempted: its KV
// is dropped and it is queued first to redo the prefill of prompt + generated tokens (recompute),
// or its KV goes to host memory over the GPU-CPU link and comes back before it resumes (swap;
// both moves priced at the host link's bandwidth; when the swap space in host memory cannot take
// its KV, it is recomputed instead). A request that could never fit is rejected on arrival with a
// reason. The scheduler is plain C++ (no SimGrid), tested directly.
//
// Time the engine cannot see in the batch shape (swap traffic, reloads of prefix blocks from the
// CPU tier) is added to the iteration that causes it: pending_extra_seconds(). Reloads from the
// storage tier are left to the engine, which runs them as SimGrid I/O and communications before
// the iteration: pending_storage_tokens().
//
// Cost: decoding sequences are kept as aggregates (count, summed context) plus a heap of finish
// steps, so an iteration costs O(prefilling + admitted + finishing) and not O(batch): the engine
// can step through millions of decode iterations cheaply.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <functional>
#include <set>
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

// What happens when a running request needs a KV block and none is free (see above).
enum class Preemption { None, Recompute, Swap };
Preemption preemption_from_name(const std::string& name);  // none | recompute | swap
const char* preemption_name(Preemption p);

// Prices of moving KV between HBM and a lower memory tier, per token of KV of this replica (its
// devices move their shards in parallel) plus a fixed latency per move.
struct TierLink {
  double seconds_per_token = 0;
  double latency = 0;
  double seconds(std::int64_t tokens) const {
    return tokens > 0 ? latency + seconds_per_token * static_cast<double>(tokens) : 0.0;
  }
};

struct SchedulerLimits {
  ReplicaRole role = ReplicaRole::Unified;
  std::int64_t max_batched_tokens = 8192;
  int max_num_seqs = 256;
  bool chunked_prefill = true;
  std::int64_t max_context = 0;  // model context; longer requests are rejected (0 = no limit)
  std::int64_t prefix_cache_blocks = 0;   // HBM prefix cache capacity in prefix blocks (0 = off)
  std::int64_t prefix_block_tokens = 512; // tokens per prefix block (the trace's hash block)
  // Offload tiers of the prefix cache (0 = no such tier) and the price of a reload from each.
  std::int64_t cpu_cache_blocks = 0;
  std::int64_t storage_cache_blocks = 0;
  TierLink cpu_link;      // HBM <-> host CPU memory (NVLink-C2C or PCIe): CPU-tier reloads and swap
  Preemption preemption = Preemption::None;
  // Swap: host memory for swapped-out KV, in KV tokens of this replica (-1 = unbounded: the
  // platform does not say how much memory its CPUs have). A preemption that would overflow it
  // falls back to recompute.
  std::int64_t swap_capacity_tokens = -1;
  // Tier-aware priority: rank of each service tier (index = Request::tier); waiting requests of a
  // higher rank are admitted first (FCFS within a rank; no tier = lowest). Empty = plain FCFS.
  std::vector<double> tier_rank;
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
  bool idle() const { return waiting_.empty() && swapped_.empty() && running() == 0; }

  // Forms the next iteration starting at `now`; an empty shape means nothing can run.
  const BatchShape& plan(double now);
  // Applies the planned iteration, which ended at `now`: advances sequences, stamps first tokens,
  // finishes requests (to the sink) and frees their KV.
  void complete(double now);
  // Seconds of KV movement (swaps, tier reloads) the planned iteration must add to its priced
  // time; kept across re-planning until complete().
  double pending_extra_seconds() const { return pending_extra_; }
  // KV tokens of prefix blocks the planned iteration must first reload from the storage tier
  // (the engine moves them and reports the time: add_reload_seconds); kept like the above.
  std::int64_t pending_storage_tokens() const { return pending_storage_tokens_; }
  void add_reload_seconds(double seconds) { counters_.reload_seconds += seconds; }

  std::size_t waiting() const { return waiting_.size() + swapped_.size(); }
  std::size_t swapped() const { return swapped_.size(); }
  std::size_t running() const { return static_cast<std::size_t>(decoding_) + prefilling_.size(); }
  // Arrival time of the request at the head of the waiting queue (-infinity when none).
  double head_arrival() const {
    return waiting_.empty() ? -std::numeric_limits<double>::infinity() : waiting_.front().record.request.arrival;
  }
  std::size_t decoding() const { return static_cast<std::size_t>(decoding_); }
  const KvCache& kv() const { return kv_; }
  const PrefixCache& prefix_cache() const { return prefix_cache_; }
  // The storage node of the prefix cache's storage tier is down over [from, to) (a failure
  // event): lookups planned then find none of its blocks (sim/serving/prefix_cache.hpp).
  void add_storage_outage(double from, double to) { storage_outages_.emplace_back(from, to); }
  std::int64_t prefix_block_tokens() const { return limits_.prefix_block_tokens; }
  std::int64_t prefill_tokens_saved() const { return prefill_tokens_saved_; }
  // Preemption and offload figures (summary.json).
  struct Counters {
    std::int64_t preemptions = 0;
    std::int64_t recomputed_tokens = 0;   // prompt + generated tokens queued again for prefill
    std::int64_t swapped_out_tokens = 0;  // KV tokens moved to host memory
    std::int64_t swap_fallbacks = 0;      // swap space full: the preempted sequence was recomputed
    double swap_seconds = 0;              // swap-out plus swap-in time added to iterations
    std::array<std::int64_t, kCacheTiers> reloaded_blocks{};  // prefix blocks reloaded, by tier
    double reload_seconds = 0;            // tier reload time added to iterations (storage: by the engine)
  };
  const Counters& counters() const { return counters_; }
  // Swap preemption: whether this replica swaps, and its swap space in KV tokens (-1 = unbounded).
  bool swaps() const { return limits_.preemption == Preemption::Swap; }
  std::int64_t swap_capacity_tokens() const { return limits_.swap_capacity_tokens; }
  std::int64_t swapped_tokens() const { return swapped_tokens_; }  // KV tokens in the swap space now
  // Tokens still to process for queued and running requests (a load measure for routers).
  std::int64_t outstanding_tokens() const { return outstanding_tokens_; }
  // Decode role, for the kv_aware decode router: KV blocks a prefilled request takes on admission
  // here, and those of the requests waiting here for room (O(waiting)).
  std::int64_t prefilled_blocks(const Request& r) const;
  std::int64_t waiting_blocks() const;
  // Prefill role: the requests whose prompt the planned iteration finishes and hands over (their
  // KV may start moving during it: layerwise streaming). Valid until the scheduler changes.
  std::vector<const Request*> planned_handoffs() const;
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
    bool decoding = false;
    std::int64_t target = 0;        // tokens the prefill builds: the prompt (+ generated, recompute)
    std::int64_t generated = 0;     // output tokens produced before the current prefill / swap
    std::int64_t prefilled = 0;     // of `target`, tokens already in KV
    std::int64_t blocks = 0;        // KV blocks held (decoding under preemption: see held_blocks)
    std::int64_t decode_start = 0;  // decode step at which it started decoding
    std::int64_t base_context = 0;  // KV entries when it started decoding
    std::int64_t base_generated = 0;  // output tokens when it started decoding
    std::int64_t swapped_context = 0;  // swap: KV entries in host memory
    double rank = 0;                // tier priority (preempted requests go first)
  };
  struct Finish {
    std::int64_t step;  // decode step after which it is done
    std::uint64_t order;  // admission order: ties finish in admission order
    std::size_t slot;
    bool operator<(const Finish& o) const { return step != o.step ? step < o.step : order < o.order; }
  };

  std::size_t store(Sequence&& s);
  void finish(std::size_t slot, double now);
  void start_decoding(std::size_t slot, std::int64_t context, std::int64_t generated);
  bool preempting() const { return limits_.preemption != Preemption::None; }
  // KV entries / output tokens of a decoding sequence now.
  std::int64_t context_now(const Sequence& s) const { return s.base_context + decode_step_ - s.decode_start; }
  std::int64_t generated_now(const Sequence& s) const { return s.base_generated + decode_step_ - s.decode_start; }
  std::int64_t held_blocks(const Sequence& s) const;
  // Blocks a sequence takes when it is admitted.
  std::int64_t admission_blocks(const Sequence& s) const;
  std::size_t residue(std::int64_t start, std::int64_t context) const;
  // Blocks the decoding sequences need for this step's KV entries (preemption modes).
  std::int64_t growth_now() const;
  void preempt_youngest();
  void stop_decoding(std::size_t slot);
  void queue_first(Sequence&& s);
  void queue(Sequence&& s);
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
  std::deque<Sequence> swapped_;         // swap: preempted, KV in host memory, oldest first
  std::int64_t swapped_tokens_ = 0;      // KV tokens of swapped_ (bounded by swap_capacity_tokens)
  std::vector<std::pair<double, double>> storage_outages_;  // [from, to) of the storage tier's node
  // Makes the storage tier reachable or not as its node is at `now` (plan and complete).
  void track_storage(double now);
  std::vector<std::size_t> prefilling_;  // slots, admission order
  std::set<std::pair<std::uint64_t, std::size_t>> running_;  // (admission order, slot)
  std::vector<std::int64_t> residue_;    // preemption: decoding sequences by (start - context) mod block
  std::int64_t planned_growth_ = 0;      // blocks the planned decodes take at complete()
  double pending_extra_ = 0;
  std::int64_t pending_storage_tokens_ = 0;
  bool preempted_ = false;               // the iteration being planned preempted someone
  Counters counters_;
  std::vector<Sequence> slots_;
  std::vector<std::size_t> free_slots_;
  std::vector<std::uint64_t> order_of_slot_;
  std::uint64_t admissions_ = 0;
  // Decoding sequences as aggregates.
  std::int64_t decoding_ = 0;
  std::int64_t decode_context_ = 0;  // sum of contexts of the decoding sequences at the next step
  std::int64_t decode_step_ = 0;     // decode steps executed so far
  std::set<Finish> finishes_;
  std::int64_t outstanding_tokens_ = 0;
  std::int64_t tokens_emitted_ = 0;
  // The planned iteration.
  BatchShape shape_;
  std::vector<Chunk> chunks_;
  std::vector<std::size_t> chunk_slots_;
  std::int64_t planned_decodes_ = 0;
};

}  // namespace tokenfab
