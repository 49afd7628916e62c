#include "sim/serving/batch_scheduler.hpp"

#include <gtest/gtest.h>

namespace tokenfab {
namespace {

struct Harness {
  std::vector<RequestRecord> done;
  BatchScheduler make(SchedulerLimits limits, std::int64_t kv_blocks, int block = 16) {
    return BatchScheduler(limits, KvCache(kv_blocks, block), 0, [this](RequestRecord&& r) { done.push_back(std::move(r)); });
  }
};

Request req(std::uint64_t id, std::int64_t in, std::int64_t out) { return Request{id, 0.0, in, out}; }

TEST(BatchScheduler, ChunkedPrefillRespectsTheTokenBudget) {
  Harness h;
  SchedulerLimits lim;
  lim.max_batched_tokens = 512;
  auto s = h.make(lim, 1000);
  s.enqueue(req(0, 1200, 2));
  std::vector<std::int64_t> chunks;
  double t = 0;
  while (!s.idle()) {
    const BatchShape& b = s.plan(t);
    EXPECT_LE(b.new_tokens, 512);
    chunks.push_back(b.new_tokens);
    s.complete(t += 1);
  }
  // 512 + 512 + 176 (first token at the end of the last chunk), then one decode.
  EXPECT_EQ(chunks, (std::vector<std::int64_t>{512, 512, 176, 1}));
  ASSERT_EQ(h.done.size(), 1u);
  EXPECT_DOUBLE_EQ(h.done[0].first_token, 3);
  EXPECT_DOUBLE_EQ(h.done[0].completion, 4);
  EXPECT_EQ(h.done[0].outcome, Outcome::Completed);
}

TEST(BatchScheduler, DecodesGoFirstAndPrefillFillsTheRest) {
  Harness h;
  SchedulerLimits lim;
  lim.max_batched_tokens = 100;
  auto s = h.make(lim, 1000);
  s.enqueue(req(0, 10, 50));
  s.plan(0);
  s.complete(1);  // request 0 prefilled, first token out
  s.enqueue(req(1, 500, 5));
  const BatchShape& b = s.plan(1);
  EXPECT_EQ(s.planned_decodes(), 1);                // the decode of request 0 goes first
  ASSERT_EQ(s.planned_chunks().size(), 1u);
  EXPECT_EQ(s.planned_chunks()[0].new_tokens, 99);  // the rest of the budget: request 1's prefill
  EXPECT_EQ(b.new_tokens, 100);
  // The decode attends over the prompt (10 entries) plus the entry it writes; the chunk over its
  // own causal triangle: 99 * (0 + 100/2) pairs.
  EXPECT_DOUBLE_EQ(b.attention_pairs, 11.0 + 99.0 * 50.0);
}

TEST(BatchScheduler, NoRequestStartsBeforeItArrives) {
  // SimGrid's timing precision (1e-9 s) can put a request in the queue a hair before its arrival
  // time (a 1-hour 8-rack run met it once): an iteration starting then must leave it waiting.
  Harness h;
  SchedulerLimits lim;
  auto s = h.make(lim, 1000);
  Request early = req(0, 10, 2);
  early.arrival = 3.9075689541369263;
  s.enqueue(early);
  EXPECT_EQ(s.head_arrival(), early.arrival);
  EXPECT_EQ(s.plan(3.907568953783473).new_tokens, 0);  // 3.5e-10 s too early: nothing starts
  EXPECT_EQ(s.running(), 0u);
  EXPECT_EQ(s.plan(early.arrival).new_tokens, 10);
  s.complete(4.0);
  s.plan(4.0);
  s.complete(4.1);
  ASSERT_EQ(h.done.size(), 1u);
  EXPECT_EQ(h.done[0].first_scheduled, early.arrival);
}

TEST(BatchScheduler, MaxNumSeqsAndKvCapacityGateAdmission) {
  Harness h;
  SchedulerLimits lim;
  lim.max_num_seqs = 2;
  auto s = h.make(lim, 10, 16);  // 160 tokens of KV
  s.enqueue(req(0, 32, 32));     // 4 blocks
  s.enqueue(req(1, 32, 32));     // 4 blocks
  s.enqueue(req(2, 10, 6));      // 1 block, but a third sequence
  s.plan(0);
  EXPECT_EQ(s.running(), 2u);
  EXPECT_EQ(s.waiting(), 1u);
  EXPECT_EQ(s.kv().used_blocks(), 8);
  Harness h2;
  SchedulerLimits wide;
  auto k = h2.make(wide, 10, 16);
  k.enqueue(req(0, 64, 64));  // 8 blocks
  k.enqueue(req(1, 32, 16));  // 3 blocks: does not fit beside the first
  k.plan(0);
  EXPECT_EQ(k.running(), 1u);
  EXPECT_EQ(k.waiting(), 1u);  // waits for KV, FCFS
}

TEST(BatchScheduler, ImpossibleRequestsAreRejectedWithAReason) {
  Harness h;
  SchedulerLimits lim;
  lim.max_context = 1000;
  auto s = h.make(lim, 10, 16);
  s.enqueue(req(0, 900, 200));  // beyond the model context
  s.enqueue(req(1, 150, 20));   // 170 tokens > 160 of KV
  ASSERT_EQ(h.done.size(), 2u);
  EXPECT_EQ(h.done[0].outcome, Outcome::Rejected);
  EXPECT_NE(h.done[0].reason.find("context"), std::string::npos);
  EXPECT_NE(h.done[1].reason.find("KV"), std::string::npos);
  EXPECT_TRUE(s.idle());
}

TEST(BatchScheduler, EverythingFinishesAndKvIsReturned) {
  Harness h;
  SchedulerLimits lim;
  lim.max_batched_tokens = 256;
  lim.max_num_seqs = 8;
  auto s = h.make(lim, 200, 16);
  for (std::uint64_t i = 0; i < 40; ++i) s.enqueue(req(i, 20 + static_cast<std::int64_t>(i) * 7, 1 + i % 9));
  double t = 0;
  int guard = 0;
  while (!s.idle() && ++guard < 100000) {
    EXPECT_GT(s.plan(t).new_tokens, 0);
    EXPECT_LE(s.kv().used_blocks(), s.kv().total_blocks());
    s.complete(t += 0.01);
  }
  ASSERT_EQ(h.done.size(), 40u);
  EXPECT_EQ(s.kv().used_blocks(), 0);
  for (const auto& r : h.done) {
    EXPECT_EQ(r.outcome, Outcome::Completed);
    EXPECT_LE(r.first_scheduled, r.first_token);
    EXPECT_LE(r.first_token, r.completion);
  }
}

}  // namespace
}  // namespace tokenfab
