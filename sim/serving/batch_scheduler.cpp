#include "sim/serving/batch_scheduler.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace tokenfab {

std::string role_name(ReplicaRole r) {
  switch (r) {
    case ReplicaRole::Unified: return "unified";
    case ReplicaRole::Prefill: return "prefill";
    case ReplicaRole::Decode: return "decode";
  }
  return "?";
}

Preemption preemption_from_name(const std::string& name) {
  if (name == "none") return Preemption::None;
  if (name == "recompute") return Preemption::Recompute;
  if (name == "swap") return Preemption::Swap;
  throw std::invalid_argument("no preemption mode named '" + name + "'");
}

const char* preemption_name(Preemption p) {
  switch (p) {
    case Preemption::None: return "none";
    case Preemption::Recompute: return "recompute";
    case Preemption::Swap: return "swap";
  }
  return "?";
}

std::int64_t BatchScheduler::kv_tokens(const Request& r) const {
  return limits_.role == ReplicaRole::Prefill ? r.input_tokens : r.input_tokens + r.output_tokens;
}

BatchScheduler::BatchScheduler(SchedulerLimits limits, KvCache kv, int replica, Sink on_done)
    : limits_(limits),
      kv_(kv),
      prefix_cache_(limits.role == ReplicaRole::Decode ? 0 : limits.prefix_cache_blocks,
                    limits.role == ReplicaRole::Decode ? 0 : limits.cpu_cache_blocks,
                    limits.role == ReplicaRole::Decode ? 0 : limits.storage_cache_blocks),
      replica_(replica),
      on_done_(std::move(on_done)) {
  // A prefill replica never grows a sequence's KV: nothing to preempt.
  if (limits_.role == ReplicaRole::Prefill) limits_.preemption = Preemption::None;
  residue_.assign(static_cast<std::size_t>(kv_.block_tokens()), 0);
}

void BatchScheduler::queue(Sequence&& s) {
  if (limits_.tier_rank.empty()) {
    waiting_.push_back(std::move(s));
    return;
  }
  // Behind every waiting request of at least its rank (FCFS within a rank).
  auto it = waiting_.end();
  while (it != waiting_.begin() && std::prev(it)->rank < s.rank) --it;
  waiting_.insert(it, std::move(s));
}

void BatchScheduler::queue_first(Sequence&& s) {
  s.rank = std::numeric_limits<double>::infinity();
  waiting_.push_front(std::move(s));
}

void BatchScheduler::enqueue(const Request& r) {
  Sequence s;
  s.record.request = r;
  s.record.replica = replica_;
  s.target = r.input_tokens;
  const std::int64_t total = r.input_tokens + r.output_tokens;
  std::string reason;
  if (limits_.max_context > 0 && total > limits_.max_context) {
    reason = fmt::format("prompt + output = {} tokens exceeds the model context of {}", total, limits_.max_context);
  } else if (kv_.blocks_for(kv_tokens(r)) > kv_.total_blocks()) {
    reason = fmt::format("needs {} KV tokens but the {} replica holds {}", kv_tokens(r), role_name(limits_.role),
                         kv_.capacity_tokens());
  } else if (!limits_.chunked_prefill && r.input_tokens > limits_.max_batched_tokens) {
    reason = fmt::format("prompt of {} tokens exceeds max_batched_tokens {} with chunked_prefill off", r.input_tokens,
                         limits_.max_batched_tokens);
  }
  if (!reason.empty()) {
    s.record.outcome = Outcome::Rejected;
    s.record.reason = std::move(reason);
    on_done_(std::move(s.record));
    return;
  }
  outstanding_tokens_ += limits_.role == ReplicaRole::Prefill ? r.input_tokens : total;
  if (!limits_.tier_rank.empty())
    s.rank = r.tier >= 0 && r.tier < static_cast<int>(limits_.tier_rank.size())
                 ? limits_.tier_rank[static_cast<std::size_t>(r.tier)]
                 : -std::numeric_limits<double>::infinity();
  queue(std::move(s));
}

void BatchScheduler::enqueue_prefilled(RequestRecord&& record) {
  Sequence s;
  s.record = std::move(record);
  s.record.decode_replica = replica_;
  const Request& r = s.record.request;
  if (kv_.blocks_for(kv_tokens(r)) > kv_.total_blocks()) {
    s.record.outcome = Outcome::Rejected;
    s.record.reason = fmt::format("needs {} KV tokens but the decode replica holds {}", kv_tokens(r), kv_.capacity_tokens());
    on_done_(std::move(s.record));
    return;
  }
  s.kv_ready = true;
  s.target = r.input_tokens;
  s.prefilled = r.input_tokens;
  s.generated = 1;
  outstanding_tokens_ += r.output_tokens - 1;
  waiting_.push_back(std::move(s));
}

std::size_t BatchScheduler::residue(std::int64_t start, std::int64_t context) const {
  // A decoding sequence writes KV entry `context + (d - start)` at decode step d; it needs a new
  // block when that entry opens one: d = start - context (mod block).
  const std::int64_t b = kv_.block_tokens();
  return static_cast<std::size_t>(((start - context) % b + b) % b);
}

std::int64_t BatchScheduler::growth_now() const {
  if (!preempting() || decoding_ == 0) return 0;
  return residue_[static_cast<std::size_t>(decode_step_ % kv_.block_tokens())];
}

std::int64_t BatchScheduler::held_blocks(const Sequence& s) const {
  return preempting() && s.decoding ? kv_.blocks_for(context_now(s)) : s.blocks;
}

std::int64_t BatchScheduler::admission_blocks(const Sequence& s) const {
  if (!preempting()) return kv_.blocks_for(kv_tokens(s.record.request));
  return kv_.blocks_for(s.swapped_context > 0 ? s.swapped_context : s.target);
}

std::int64_t BatchScheduler::prefilled_blocks(const Request& r) const {
  return kv_.blocks_for(preempting() ? r.input_tokens : kv_tokens(r));
}

std::int64_t BatchScheduler::waiting_blocks() const {
  std::int64_t blocks = 0;
  for (const auto& s : waiting_) blocks += admission_blocks(s);
  for (const auto& s : swapped_) blocks += admission_blocks(s);
  return blocks;
}

std::vector<const Request*> BatchScheduler::planned_handoffs() const {
  std::vector<const Request*> out;
  if (limits_.role != ReplicaRole::Prefill) return out;
  for (std::size_t i = 0; i < chunk_slots_.size(); ++i) {
    const Sequence& s = slots_[chunk_slots_[i]];
    // As complete() decides: the prompt ends here and more than its first token is wanted.
    if (s.prefilled + chunks_[i].new_tokens >= s.target && s.generated + 1 < s.record.request.output_tokens)
      out.push_back(&s.record.request);
  }
  return out;
}

void BatchScheduler::start_decoding(std::size_t slot, std::int64_t context, std::int64_t generated) {
  Sequence& s = slots_[slot];
  const std::int64_t remaining = s.record.request.output_tokens - generated;
  s.decoding = true;
  s.decode_start = decode_step_;
  s.base_context = context;
  s.base_generated = generated;
  decoding_ += 1;
  decode_context_ += context;  // first decode: the prompt + the last token fed back
  finishes_.insert({decode_step_ + remaining, order_of_slot_[slot], slot});
  if (preempting()) residue_[residue(decode_step_, context)] += 1;
}

void BatchScheduler::stop_decoding(std::size_t slot) {
  Sequence& s = slots_[slot];
  const std::int64_t remaining = s.record.request.output_tokens - s.base_generated;
  finishes_.erase({s.decode_start + remaining, order_of_slot_[slot], slot});
  decode_context_ -= context_now(s);
  decoding_ -= 1;
  if (preempting()) residue_[residue(s.decode_start, s.base_context)] -= 1;
  s.decoding = false;
}

std::size_t BatchScheduler::store(Sequence&& s) {
  std::size_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
    slots_[slot] = std::move(s);
    order_of_slot_[slot] = admissions_++;
  } else {
    slots_.push_back(std::move(s));
    order_of_slot_.push_back(admissions_++);
    slot = slots_.size() - 1;
  }
  running_.insert({order_of_slot_[slot], slot});
  return slot;
}

void BatchScheduler::preempt_youngest() {
  const auto youngest = std::prev(running_.end());
  const std::size_t slot = youngest->second;
  running_.erase(youngest);
  slots_[slot].record.preemptions += 1;
  counters_.preemptions += 1;
  if (slots_[slot].decoding) {
    const std::int64_t context = context_now(slots_[slot]);
    const std::int64_t generated = generated_now(slots_[slot]);
    stop_decoding(slot);
    Sequence s = std::move(slots_[slot]);
    free_slots_.push_back(slot);
    kv_.release(kv_.blocks_for(context));
    s.generated = generated;
    s.blocks = 0;
    const bool room = limits_.swap_capacity_tokens < 0 || swapped_tokens_ + context <= limits_.swap_capacity_tokens;
    if (limits_.preemption == Preemption::Swap && !room) counters_.swap_fallbacks += 1;
    if (limits_.preemption == Preemption::Swap && room) {
      s.swapped_context = context;
      swapped_tokens_ += context;
      const double t = limits_.cpu_link.seconds(context);
      pending_extra_ += t;
      counters_.swap_seconds += t;
      counters_.swapped_out_tokens += context;
      swapped_.push_back(std::move(s));
      return;
    }
    // Recompute (or swap with the host's swap space full): the prefill of prompt + generated
    // tokens rebuilds the KV; it yields the next token.
    s.target = s.record.request.input_tokens + generated;
    s.prefilled = 0;
    s.kv_ready = false;
    outstanding_tokens_ += s.target;
    counters_.recomputed_tokens += s.target;
    queue_first(std::move(s));
    return;
  }
  Sequence s = std::move(slots_[slot]);
  free_slots_.push_back(slot);
  // A prompt still in prefill starts it again (in both modes: its partial KV is dropped).
  prefilling_.erase(std::find(prefilling_.begin(), prefilling_.end(), slot));
  kv_.release(s.blocks);
  s.blocks = 0;
  outstanding_tokens_ += s.prefilled;  // prefix hits and chunks done are redone
  counters_.recomputed_tokens += s.prefilled;
  s.prefilled = 0;
  queue_first(std::move(s));
}

void BatchScheduler::track_storage(double now) {
  if (storage_outages_.empty()) return;
  bool down = false;
  for (const auto& [from, to] : storage_outages_) down = down || (from <= now && now < to);
  prefix_cache_.set_available(CacheTier::Storage, !down);
}

const BatchShape& BatchScheduler::plan(double now) {
  track_storage(now);
  shape_ = BatchShape{};
  chunks_.clear();
  chunk_slots_.clear();
  std::int64_t budget = limits_.max_batched_tokens;
  // Preemption modes: the decoding sequences' new blocks come first; make room by preempting the
  // youngest running requests (vLLM's policy).
  std::int64_t growth = growth_now();
  while (!kv_.can_allocate(growth) && !running_.empty()) {
    preempt_youngest();
    preempted_ = true;
    growth = growth_now();
  }
  // After a preemption nothing new is admitted in this iteration (vLLM's rule): what was just
  // preempted would otherwise come straight back. The flag lives until complete(), so that a plan
  // the engine drops and makes again (fast-forward) decides as the step-by-step run does.
  const bool admit = !preempted_ || running_.empty();
  // Starts decoding an admitted sequence; under preemption, its first entry may open a block.
  auto fits = [&](std::int64_t blocks, std::int64_t context) {
    const std::int64_t opens = preempting() && context % kv_.block_tokens() == 0 ? 1 : 0;
    return kv_.can_allocate(blocks + growth + opens);
  };
  // 0a. Swapped-out sequences come back before anything new (their KV returns over the host link).
  while (admit && !swapped_.empty() && static_cast<int>(running()) < limits_.max_num_seqs) {
    Sequence& front = swapped_.front();
    const std::int64_t blocks = admission_blocks(front);
    if (!fits(blocks, front.swapped_context)) break;
    kv_.allocate(blocks);
    Sequence s = std::move(front);
    swapped_.pop_front();
    const double t = limits_.cpu_link.seconds(s.swapped_context);
    pending_extra_ += t;
    counters_.swap_seconds += t;
    const std::int64_t context = s.swapped_context;
    swapped_tokens_ -= context;
    s.swapped_context = 0;
    const std::int64_t generated = s.generated;
    const std::size_t slot = store(std::move(s));
    start_decoding(slot, context, generated);
    growth = growth_now();
  }
  // 0. Decode role: requests whose KV arrived join the decoding set, FCFS, while slots and KV last.
  while (admit && !waiting_.empty() && waiting_.front().kv_ready &&
         static_cast<int>(running()) < limits_.max_num_seqs) {
    const std::int64_t blocks = admission_blocks(waiting_.front());
    if (!fits(blocks, waiting_.front().target)) break;
    kv_.allocate(blocks);
    Sequence s = std::move(waiting_.front());
    waiting_.pop_front();
    s.blocks = blocks;
    if (s.record.first_scheduled_decode < 0) s.record.first_scheduled_decode = now;
    const std::int64_t context = s.target;
    const std::int64_t generated = s.generated;
    start_decoding(store(std::move(s)), context, generated);
    growth = growth_now();
  }
  planned_growth_ = growth;
  // 1. Every decoding sequence, one token each (the config requires max_batched_tokens >=
  //    max_num_seqs, so the budget covers them). A decode feeds back the token produced last
  //    iteration, whose KV entry it writes now: q = 1 after `context` entries.
  planned_decodes_ = decoding_;
  if (planned_decodes_ > 0) {
    const double n = static_cast<double>(planned_decodes_);
    shape_.new_tokens += planned_decodes_;
    shape_.sequences += planned_decodes_;
    shape_.logits += planned_decodes_;
    shape_.attention_pairs += static_cast<double>(decode_context_) + n;
    shape_.kv_tokens_read += static_cast<double>(decode_context_) + n;
    budget -= planned_decodes_;
  }
  auto chunk = [&](std::size_t slot, std::int64_t q) {
    Sequence& s = slots_[slot];
    const bool emits = s.prefilled + q >= s.target;
    shape_.add(q, s.prefilled, emits);
    chunks_.push_back({q, s.prefilled});
    chunk_slots_.push_back(slot);
    if (s.record.first_scheduled < 0) s.record.first_scheduled = now;
    budget -= q;
  };
  // 2. Unfinished prefills, in admission order.
  for (std::size_t i = 0; i < prefilling_.size() && budget > 0; ++i) {
    const Sequence& s = slots_[prefilling_[i]];
    chunk(prefilling_[i], std::min(s.target - s.prefilled, budget));
  }
  // 3. New requests, first come first served (or by tier rank); stop at the first that does not fit.
  //    A request never starts before its arrival: SimGrid's timing precision (1e-9 s) can put
  //    one in the queue a hair before its arrival time, while an iteration ends; it waits for the
  //    next boundary.
  while (admit && !waiting_.empty() && !waiting_.front().kv_ready && budget > 0 &&
         waiting_.front().record.request.arrival <= now && static_cast<int>(running()) < limits_.max_num_seqs) {
    const Sequence& front = waiting_.front();
    const std::int64_t blocks = admission_blocks(front);
    if (!kv_.can_allocate(blocks + growth)) break;
    if (!limits_.chunked_prefill && front.target > budget) break;
    kv_.allocate(blocks);
    Sequence s = std::move(waiting_.front());
    waiting_.pop_front();
    s.blocks = blocks;
    if (prefix_cache_.enabled() && !s.record.request.prefix_blocks.empty()) {
      // Cached leading blocks skip prefill; at least the last prompt token is computed (it
      // produces the next output token). Blocks found in the CPU tier are reloaded into HBM
      // first, at their link's price; those found in storage, by the engine (SimGrid activities).
      const PrefixMatch hit = prefix_cache_.match(s.record.request.prefix_blocks);
      s.prefilled = std::min(hit.blocks * limits_.prefix_block_tokens, s.target - 1);
      prefill_tokens_saved_ += s.prefilled;
      outstanding_tokens_ -= s.prefilled;
      const std::size_t cpu = static_cast<std::size_t>(CacheTier::Cpu);
      const std::size_t storage = static_cast<std::size_t>(CacheTier::Storage);
      const double t = limits_.cpu_link.seconds(hit.by_tier[cpu] * limits_.prefix_block_tokens);
      pending_storage_tokens_ += hit.by_tier[storage] * limits_.prefix_block_tokens;
      counters_.reloaded_blocks[cpu] += hit.by_tier[cpu];
      counters_.reloaded_blocks[storage] += hit.by_tier[storage];
      counters_.reload_seconds += t;
      pending_extra_ += t;
    }
    const std::int64_t q = std::min(s.target - s.prefilled, budget);
    const std::size_t slot = store(std::move(s));
    prefilling_.push_back(slot);
    chunk(slot, q);
  }
  return shape_;
}

void BatchScheduler::finish(std::size_t slot, double now) {
  Sequence& s = slots_[slot];
  s.record.completion = now;
  s.record.outcome = Outcome::Completed;
  kv_.release(held_blocks(s));
  running_.erase({order_of_slot_[slot], slot});
  on_done_(std::move(s.record));
  free_slots_.push_back(slot);
}

void BatchScheduler::complete(double now) {
  track_storage(now);
  pending_extra_ = 0;
  pending_storage_tokens_ = 0;
  preempted_ = false;
  // Decodes: every decoding sequence gained one token (and, under preemption, the blocks that
  // this step's entries opened).
  if (planned_decodes_ > 0) {
    kv_.allocate(planned_growth_);
    planned_growth_ = 0;
    decode_step_ += 1;
    decode_context_ += planned_decodes_;
    tokens_emitted_ += planned_decodes_;
    outstanding_tokens_ -= planned_decodes_;
    while (!finishes_.empty() && finishes_.begin()->step <= decode_step_) {
      const Finish f = *finishes_.begin();
      Sequence& s = slots_[f.slot];
      s.blocks = held_blocks(s);  // what it holds now (grown blocks under preemption)
      stop_decoding(f.slot);
      finish(f.slot, now);
    }
  }
  // Prefill chunks: sequences whose prompt is done emit their next token and start decoding.
  std::size_t done_prefills = 0;
  for (std::size_t i = 0; i < chunk_slots_.size(); ++i) {
    const std::size_t slot = chunk_slots_[i];
    Sequence& s = slots_[slot];
    s.prefilled += chunks_[i].new_tokens;
    outstanding_tokens_ -= chunks_[i].new_tokens;
    if (s.prefilled < s.target) continue;
    ++done_prefills;
    if (prefix_cache_.enabled()) prefix_cache_.insert(s.record.request.prefix_blocks);
    if (s.generated == 0) s.record.first_token = now;
    tokens_emitted_ += 1;
    outstanding_tokens_ -= 1;
    if (s.generated + 1 >= s.record.request.output_tokens) {
      finish(slot, now);
    } else if (limits_.role == ReplicaRole::Prefill) {
      // The prompt's KV leaves with the request (the transfer is the engine's business); its
      // blocks are free for the next prompts.
      kv_.release(s.blocks);
      running_.erase({order_of_slot_[slot], slot});
      on_handoff_(std::move(s.record));
      free_slots_.push_back(slot);
    } else {
      start_decoding(slot, s.target, s.generated + 1);
    }
  }
  if (done_prefills > 0) {
    // Finished prompts leave the prefilling list (they are its first entries only when chunks
    // finish in order, so filter).
    prefilling_.erase(std::remove_if(prefilling_.begin(), prefilling_.end(),
                                     [&](std::size_t slot) {
                                       const Sequence& s = slots_[slot];
                                       return s.prefilled >= s.target;
                                     }),
                      prefilling_.end());
  }
  chunks_.clear();
  chunk_slots_.clear();
  planned_decodes_ = 0;
}

std::vector<RequestRecord> BatchScheduler::in_flight() const {
  std::vector<RequestRecord> out;
  for (std::size_t slot : prefilling_) out.push_back(slots_[slot].record);
  for (const Finish& f : finishes_) out.push_back(slots_[f.slot].record);
  for (const auto& s : waiting_) out.push_back(s.record);
  for (const auto& s : swapped_) out.push_back(s.record);
  return out;
}

std::vector<RequestRecord> BatchScheduler::evict_all() {
  std::vector<RequestRecord> out = in_flight();
  // Tokens the evicted requests had produced are lost work, produced again after the retry: take
  // them out of the count so that the end-of-run token invariant stays exact.
  for (const Finish& f : finishes_) tokens_emitted_ -= generated_now(slots_[f.slot]);
  for (std::size_t slot : prefilling_) tokens_emitted_ -= slots_[slot].generated;
  for (const auto& w : waiting_) tokens_emitted_ -= w.generated;
  for (const auto& w : swapped_) tokens_emitted_ -= w.generated;
  waiting_.clear();
  swapped_.clear();
  swapped_tokens_ = 0;
  prefilling_.clear();
  finishes_.clear();
  running_.clear();
  std::fill(residue_.begin(), residue_.end(), 0);
  slots_.clear();
  free_slots_.clear();
  order_of_slot_.clear();
  decoding_ = 0;
  decode_context_ = 0;
  outstanding_tokens_ = 0;
  chunks_.clear();
  chunk_slots_.clear();
  planned_decodes_ = 0;
  planned_growth_ = 0;
  pending_extra_ = 0;
  pending_storage_tokens_ = 0;
  preempted_ = false;
  kv_.release(kv_.used_blocks());
  return out;
}

}  // namespace tokenfab
