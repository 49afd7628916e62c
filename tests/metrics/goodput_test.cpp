// Goodput and SLO attainment on hand-made request records, each request's verdict worked out in
// the comments.
#include "sim/metrics/goodput.hpp"

#include <gtest/gtest.h>

namespace tokenfab {
namespace {

RequestRecord completed(std::uint64_t id, int in, int out, double arrival, double first_token, double completion) {
  RequestRecord r;
  r.request.id = id;
  r.request.input_tokens = in;
  r.request.output_tokens = out;
  r.request.arrival = arrival;
  r.outcome = Outcome::Completed;
  r.first_scheduled = arrival;
  r.first_token = first_token;
  r.completion = completion;
  return r;
}

RequestRecord rejected(std::uint64_t id) {
  RequestRecord r;
  r.request.id = id;
  r.request.output_tokens = 10;
  r.outcome = Outcome::Rejected;
  return r;
}

// Tier by id: ids below 10 are "fast" (index 0), 10-19 "slow" (index 1), others untiered.
int tier_of(const RequestRecord& r) {
  if (r.request.id < 10) return 0;
  if (r.request.id < 20) return 1;
  return -1;
}

struct Fixture {
  std::vector<ServiceClass> tiers{{"fast", 0.5, 0.01, 45.0}, {"slow", 5.0, 0.1, 3.0}};
  ServiceClass untiered{"ignored", std::nullopt, std::nullopt, 0.0};
  std::vector<RequestRecord> records{
      // fast: TTFT 0.4 <= 0.5; TPOT (1.4 - 0.4) / 100 = 0.01 <= 0.01 (limit inclusive): good.
      completed(0, 100, 101, 0.0, 0.4, 1.4),
      // fast: TTFT 0.6 > 0.5: miss (TPOT 0.005 met).
      completed(1, 100, 101, 1.0, 1.6, 2.1),
      // fast: TTFT 0.1 met; TPOT (3.1 - 2.1) / 10 = 0.1 > 0.01: miss.
      completed(2, 50, 11, 2.0, 2.1, 3.1),
      // fast: one output token: no TPOT, judged on TTFT alone (0.2): good.
      completed(3, 50, 1, 3.0, 3.2, 3.2),
      // fast: rejected: a miss that still counts as arrived.
      rejected(4),
      // slow: TTFT 4 <= 5, TPOT 0.05 <= 0.1: good.
      completed(10, 1000, 21, 0.0, 4.0, 5.0),
      // untiered, no limits: good.
      completed(20, 10, 5, 6.0, 9.0, 10.0),
  };
};

TEST(Goodput, EachRequestIsJudgedByItsOwnClass) {
  const Fixture f;
  const double window = 10.0;
  const GoodputReport g = compute_goodput(f.records, f.tiers, f.untiered, tier_of, window);
  ASSERT_EQ(g.classes.size(), 3u);  // fast, slow, untiered
  const ClassGoodput& fast = g.classes[0];
  EXPECT_EQ(fast.service.name, "fast");
  EXPECT_EQ(fast.arrived, 5u);
  EXPECT_EQ(fast.completed, 4u);
  EXPECT_EQ(fast.ttft_met, 3u);  // ids 0, 2, 3
  EXPECT_EQ(fast.tpot_met, 3u);  // ids 0, 1, 3
  EXPECT_EQ(fast.good, 2u);      // ids 0, 3
  EXPECT_DOUBLE_EQ(fast.attainment, 2.0 / 5.0);
  EXPECT_DOUBLE_EQ(fast.ttft_attainment, 3.0 / 5.0);
  EXPECT_EQ(fast.good_output_tokens, 101 + 1);
  EXPECT_EQ(fast.good_input_tokens, 100 + 50);
  EXPECT_DOUBLE_EQ(fast.good_output_tokens_per_s, 102 / window);
  EXPECT_DOUBLE_EQ(fast.good_requests_per_s, 2 / window);
  EXPECT_DOUBLE_EQ(fast.output_tokens_per_s, (101 + 101 + 11 + 1) / window);

  const ClassGoodput& slow = g.classes[1];
  EXPECT_EQ(slow.good, 1u);
  EXPECT_DOUBLE_EQ(slow.attainment, 1.0);

  const ClassGoodput& none = g.classes[2];
  EXPECT_EQ(none.service.name, "untiered");
  EXPECT_EQ(none.good, 1u);

  // Overall: the sum of the classes.
  EXPECT_EQ(g.overall.arrived, 7u);
  EXPECT_EQ(g.overall.good, 4u);
  EXPECT_DOUBLE_EQ(g.overall.attainment, 4.0 / 7.0);
  EXPECT_EQ(g.overall.good_output_tokens, 101 + 1 + 21 + 5);
}

TEST(Goodput, SpeedPerUserIsTheInverseOfTpot) {
  const Fixture f;
  const GoodputReport g = compute_goodput(f.records, f.tiers, f.untiered, tier_of, 10.0);
  const ClassGoodput& fast = g.classes[0];
  // TPOTs of the fast class: 0.01, 0.005, 0.1 (the 1-token request has none) -> speeds 100, 200, 10.
  EXPECT_EQ(fast.speed.count, 3u);
  EXPECT_NEAR(fast.speed.p50, 100.0, 1e-9);
  EXPECT_NEAR(fast.speed.mean, (100.0 + 200.0 + 10.0) / 3, 1e-9);
  // p10 interpolates between the two slowest: 10 + 0.2 x (100 - 10) = 28.
  EXPECT_NEAR(fast.speed.p10, 28.0, 1e-9);
}

TEST(Goodput, WithoutTiersEverythingIsUntieredAndNoLimitMeansEveryCompletionCounts) {
  const Fixture f;
  const GoodputReport g = compute_goodput(f.records, {}, f.untiered, nullptr, 10.0);
  ASSERT_EQ(g.classes.size(), 1u);
  EXPECT_EQ(g.classes[0].service.name, "untiered");
  EXPECT_EQ(g.overall.good, 6u);  // every completed request; the rejected one is a miss
  EXPECT_EQ(g.overall.completed, 6u);
  EXPECT_DOUBLE_EQ(g.overall.attainment, 6.0 / 7.0);
}

TEST(Goodput, ATierIndexOutsideTheTableIsUntiered) {
  const Fixture f;
  const GoodputReport g =
      compute_goodput(f.records, {f.tiers[0]}, f.untiered, [](const RequestRecord&) { return 7; }, 10.0);
  ASSERT_EQ(g.classes.size(), 1u);  // the unused tier is not listed
  EXPECT_EQ(g.classes[0].service.name, "untiered");
  EXPECT_EQ(g.classes[0].arrived, 7u);
}

TEST(Goodput, EmptyWindowGivesZeroRatesNotInfinity) {
  const Fixture f;
  const GoodputReport g = compute_goodput(f.records, f.tiers, f.untiered, tier_of, 0.0);
  EXPECT_EQ(g.overall.good_output_tokens_per_s, 0);
  EXPECT_EQ(g.overall.good_requests_per_s, 0);
}

}  // namespace
}  // namespace tokenfab
