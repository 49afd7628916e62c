#include "sim/serving/batch_scheduler.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tokenfab {

BatchScheduler::BatchScheduler(SchedulerLimits limits, KvCache kv, int replica, Sink on_done)
    : limits_(limits), kv_(kv), replica_(replica), on_done_(std::move(on_done)) {}

void BatchScheduler::enqueue(const Request& r) {
  Sequence s;
  s.record.request = r;
  s.record.replica = replica_;
  const std::int64_t total = r.input_tokens + r.output_tokens;
  std::string reason;
  if (limits_.max_context > 0 && total > limits_.max_context) {
    reason = fmt::format("prompt + output = {} tokens exceeds the model context of {}", total, limits_.max_context);
  } else if (kv_.blocks_for(total) > kv_.total_blocks()) {
    reason = fmt::format("needs {} KV tokens but the replica holds {}", total, kv_.capacity_tokens());
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
  waiting_.push_back(std::move(s));
}

const BatchShape& BatchScheduler::plan(double now) {
  work_.clear();
  shape_ = BatchShape{};
  std::int64_t budget = limits_.max_batched_tokens;
  auto take = [&](std::size_t slot, std::int64_t q) {
    Sequence& s = running_[slot];
    const std::int64_t input = s.record.request.input_tokens;
    const bool decoding = s.prefilled == input;
    // A decode feeds back the token produced last iteration, whose KV entry it writes now.
    const std::int64_t context = decoding ? input + s.generated - 1 : s.prefilled;
    const bool emits = decoding || s.prefilled + q >= input;
    work_.push_back({slot, q, context, emits});
    shape_.add(q, context, emits);
    if (s.record.first_scheduled < 0) s.record.first_scheduled = now;
    budget -= q;
  };
  // 1. Running decodes, one token each.
  for (std::size_t i = 0; i < running_.size() && budget > 0; ++i) {
    if (running_[i].prefilled == running_[i].record.request.input_tokens) take(i, 1);
  }
  // 2. Unfinished prefills, in admission order.
  for (std::size_t i = 0; i < running_.size() && budget > 0; ++i) {
    const Sequence& s = running_[i];
    const std::int64_t left = s.record.request.input_tokens - s.prefilled;
    if (left > 0) take(i, std::min(left, budget));
  }
  // 3. New requests, first come first served; stop at the first that does not fit.
  while (!waiting_.empty() && budget > 0 && static_cast<int>(running_.size()) < limits_.max_num_seqs) {
    Sequence& head = waiting_.front();
    const Request& r = head.record.request;
    const std::int64_t blocks = kv_.blocks_for(r.input_tokens + r.output_tokens);
    if (!kv_.can_allocate(blocks)) break;
    if (!limits_.chunked_prefill && r.input_tokens > budget) break;
    kv_.allocate(blocks);
    head.blocks = blocks;
    running_.push_back(std::move(head));
    waiting_.pop_front();
    take(running_.size() - 1, std::min(r.input_tokens, budget));
  }
  return shape_;
}

void BatchScheduler::complete(double now) {
  for (const auto& w : work_) {
    Sequence& s = running_[w.slot];
    if (s.prefilled < s.record.request.input_tokens) {
      s.prefilled += w.new_tokens;
    }
    if (w.emits_token) {
      s.generated += 1;
      if (s.generated == 1) s.record.first_token = now;
      if (s.generated == s.record.request.output_tokens) s.record.completion = now;
    }
  }
  // Finished sequences leave; the rest keep their relative (admission) order.
  std::size_t keep = 0;
  for (std::size_t i = 0; i < running_.size(); ++i) {
    Sequence& s = running_[i];
    if (s.record.completion >= 0) {
      kv_.release(s.blocks);
      s.record.outcome = Outcome::Completed;
      on_done_(std::move(s.record));
    } else {
      if (keep != i) running_[keep] = std::move(s);
      ++keep;
    }
  }
  running_.resize(keep);
  work_.clear();
}

std::vector<RequestRecord> BatchScheduler::in_flight() const {
  std::vector<RequestRecord> out;
  for (const auto& s : running_) out.push_back(s.record);
  for (const auto& s : waiting_) out.push_back(s.record);
  return out;
}

}  // namespace tokenfab
