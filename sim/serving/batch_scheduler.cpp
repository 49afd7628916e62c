#include "sim/serving/batch_scheduler.hpp"

#include <algorithm>

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

std::int64_t BatchScheduler::kv_tokens(const Request& r) const {
  return limits_.role == ReplicaRole::Prefill ? r.input_tokens : r.input_tokens + r.output_tokens;
}

BatchScheduler::BatchScheduler(SchedulerLimits limits, KvCache kv, int replica, Sink on_done)
    : limits_(limits),
      kv_(kv),
      prefix_cache_(limits.role == ReplicaRole::Decode ? 0 : limits.prefix_cache_blocks),
      replica_(replica),
      on_done_(std::move(on_done)) {}

void BatchScheduler::enqueue(const Request& r) {
  Sequence s;
  s.record.request = r;
  s.record.replica = replica_;
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
  waiting_.push_back(std::move(s));
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
  s.prefilled = r.input_tokens;
  outstanding_tokens_ += r.output_tokens - 1;
  waiting_.push_back(std::move(s));
}

void BatchScheduler::start_decoding(std::size_t slot) {
  Sequence& s = slots_[slot];
  const std::int64_t remaining = s.record.request.output_tokens - 1;
  s.decode_start = decode_step_;
  decoding_ += 1;
  decode_context_ += s.record.request.input_tokens;  // first decode: prompt + token 1 fed back
  finishes_.push({decode_step_ + remaining, order_of_slot_[slot], slot});
}

std::size_t BatchScheduler::store(Sequence&& s) {
  if (!free_slots_.empty()) {
    const std::size_t slot = free_slots_.back();
    free_slots_.pop_back();
    slots_[slot] = std::move(s);
    order_of_slot_[slot] = admissions_++;
    return slot;
  }
  slots_.push_back(std::move(s));
  order_of_slot_.push_back(admissions_++);
  return slots_.size() - 1;
}

const BatchShape& BatchScheduler::plan(double now) {
  shape_ = BatchShape{};
  chunks_.clear();
  chunk_slots_.clear();
  std::int64_t budget = limits_.max_batched_tokens;
  // 0. Decode role: requests whose KV arrived join the decoding set, FCFS, while slots and KV last.
  while (!waiting_.empty() && waiting_.front().kv_ready && static_cast<int>(running()) < limits_.max_num_seqs) {
    const std::int64_t blocks = kv_.blocks_for(kv_tokens(waiting_.front().record.request));
    if (!kv_.can_allocate(blocks)) break;
    kv_.allocate(blocks);
    Sequence s = std::move(waiting_.front());
    waiting_.pop_front();
    s.blocks = blocks;
    if (s.record.first_scheduled_decode < 0) s.record.first_scheduled_decode = now;
    start_decoding(store(std::move(s)));
  }
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
    const bool emits = s.prefilled + q >= s.record.request.input_tokens;
    shape_.add(q, s.prefilled, emits);
    chunks_.push_back({q, s.prefilled});
    chunk_slots_.push_back(slot);
    if (s.record.first_scheduled < 0) s.record.first_scheduled = now;
    budget -= q;
  };
  // 2. Unfinished prefills, in admission order.
  for (std::size_t i = 0; i < prefilling_.size() && budget > 0; ++i) {
    const Sequence& s = slots_[prefilling_[i]];
    chunk(prefilling_[i], std::min(s.record.request.input_tokens - s.prefilled, budget));
  }
  // 3. New requests, first come first served; stop at the first that does not fit.
  while (!waiting_.empty() && !waiting_.front().kv_ready && budget > 0 &&
         static_cast<int>(running()) < limits_.max_num_seqs) {
    const Request& r = waiting_.front().record.request;
    const std::int64_t blocks = kv_.blocks_for(kv_tokens(r));
    if (!kv_.can_allocate(blocks)) break;
    if (!limits_.chunked_prefill && r.input_tokens > budget) break;
    kv_.allocate(blocks);
    Sequence s = std::move(waiting_.front());
    waiting_.pop_front();
    s.blocks = blocks;
    if (prefix_cache_.enabled() && !s.record.request.prefix_blocks.empty()) {
      // Cached leading blocks skip prefill; at least the last prompt token is computed (it
      // produces the first output token).
      const std::int64_t hit = prefix_cache_.match(s.record.request.prefix_blocks);
      s.prefilled = std::min(hit * limits_.prefix_block_tokens, s.record.request.input_tokens - 1);
      prefill_tokens_saved_ += s.prefilled;
      outstanding_tokens_ -= s.prefilled;
    }
    const std::int64_t q = std::min(s.record.request.input_tokens - s.prefilled, budget);
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
  kv_.release(s.blocks);
  on_done_(std::move(s.record));
  free_slots_.push_back(slot);
}

void BatchScheduler::complete(double now) {
  // Decodes: every decoding sequence gained one token.
  if (planned_decodes_ > 0) {
    decode_step_ += 1;
    decode_context_ += planned_decodes_;
    tokens_emitted_ += planned_decodes_;
    outstanding_tokens_ -= planned_decodes_;
    while (!finishes_.empty() && finishes_.top().step <= decode_step_) {
      const Finish f = finishes_.top();
      finishes_.pop();
      const Sequence& s = slots_[f.slot];
      decode_context_ -= s.record.request.input_tokens + s.record.request.output_tokens - 1;
      decoding_ -= 1;
      finish(f.slot, now);
    }
  }
  // Prefill chunks: sequences whose prompt is done emit their first token and start decoding.
  std::size_t done_prefills = 0;
  for (std::size_t i = 0; i < chunk_slots_.size(); ++i) {
    const std::size_t slot = chunk_slots_[i];
    Sequence& s = slots_[slot];
    s.prefilled += chunks_[i].new_tokens;
    outstanding_tokens_ -= chunks_[i].new_tokens;
    if (s.prefilled < s.record.request.input_tokens) continue;
    ++done_prefills;
    if (prefix_cache_.enabled()) prefix_cache_.insert(s.record.request.prefix_blocks);
    s.record.first_token = now;
    tokens_emitted_ += 1;
    outstanding_tokens_ -= 1;
    if (s.record.request.output_tokens == 1) {
      finish(slot, now);
    } else if (limits_.role == ReplicaRole::Prefill) {
      // The prompt's KV leaves with the request (the transfer is the engine's business); its
      // blocks are free for the next prompts.
      kv_.release(s.blocks);
      on_handoff_(std::move(s.record));
      free_slots_.push_back(slot);
    } else {
      start_decoding(slot);
    }
  }
  if (done_prefills > 0) {
    // Finished prompts leave the prefilling list (they are its first entries only when chunks
    // finish in order, so filter).
    prefilling_.erase(std::remove_if(prefilling_.begin(), prefilling_.end(),
                                     [&](std::size_t slot) {
                                       const Sequence& s = slots_[slot];
                                       return s.prefilled >= s.record.request.input_tokens;
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
  auto heap = finishes_;
  while (!heap.empty()) {
    out.push_back(slots_[heap.top().slot].record);
    heap.pop();
  }
  for (const auto& s : waiting_) out.push_back(s.record);
  return out;
}

std::vector<RequestRecord> BatchScheduler::evict_all() {
  std::vector<RequestRecord> out = in_flight();
  // Tokens the evicted requests had produced are lost work, produced again after the retry: take
  // them out of the count so that the end-of-run token invariant stays exact.
  auto heap = finishes_;
  while (!heap.empty()) {
    tokens_emitted_ -= decode_step_ - slots_[heap.top().slot].decode_start + 1;
    heap.pop();
  }
  for (const auto& w : waiting_) tokens_emitted_ -= w.kv_ready ? 1 : 0;
  waiting_.clear();
  prefilling_.clear();
  while (!finishes_.empty()) finishes_.pop();
  slots_.clear();
  free_slots_.clear();
  order_of_slot_.clear();
  decoding_ = 0;
  decode_context_ = 0;
  outstanding_tokens_ = 0;
  chunks_.clear();
  chunk_slots_.clear();
  planned_decodes_ = 0;
  kv_.release(kv_.used_blocks());
  return out;
}

}  // namespace tokenfab
