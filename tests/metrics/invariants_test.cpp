// The end-of-run invariants catch each kind of impossible result.
#include "sim/metrics/invariants.hpp"

#include <gtest/gtest.h>

namespace tokenfab {
namespace {

RequestRecord done(std::uint64_t id, double arrival, double first, double end, std::int64_t out) {
  RequestRecord r;
  r.request = Request{id, arrival, 10, out};
  r.outcome = Outcome::Completed;
  r.first_scheduled = arrival;
  r.first_token = first;
  r.completion = end;
  return r;
}

struct Case {
  std::vector<RequestRecord> records;
  Summary summary;
  InvariantInputs inputs;
};

Case good() {
  Case c;
  c.records = {done(0, 0.0, 0.1, 0.5, 5), done(1, 0.2, 0.3, 0.9, 3)};
  c.summary = summarize(c.records, 1.0, 0.5, 1, 10);
  c.summary.energy.measured_over_s = 1.0;
  c.summary.energy.idle_floor_joules = 100;
  c.summary.energy.max_power_w = 700;
  c.summary.energy.device_joules = 400;
  c.inputs.tokens_emitted = 8;
  return c;
}

void expect_violation(const Case& c, const std::string& says) {
  try {
    check_invariants(c.records, c.summary, c.inputs);
    FAIL() << "no violation";
  } catch (const InvariantViolation& e) {
    EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
  }
}

TEST(Invariants, ConsistentRunPasses) {
  const Case c = good();
  EXPECT_NO_THROW(check_invariants(c.records, c.summary, c.inputs));
}

TEST(Invariants, LostRequest) {
  Case c = good();
  c.summary.arrived = 3;
  expect_violation(c, "arrived 3");
}

TEST(Invariants, TimestampsGoingBackwards) {
  Case c = good();
  c.records[1].completion = 0.25;  // before its first token
  expect_violation(c, "first token -> completion");
}

TEST(Invariants, TokensNotAccountedFor) {
  Case c = good();
  c.inputs.tokens_emitted = 7;
  expect_violation(c, "output tokens");
}

TEST(Invariants, KvOverflow) {
  Case c = good();
  c.inputs.kv_overflow = true;
  expect_violation(c, "KV cache");
}

TEST(Invariants, EnergyBelowIdleOrAboveFull) {
  Case low = good();
  low.summary.energy.device_joules = 50;
  expect_violation(low, "below idle");
  Case high = good();
  high.summary.energy.device_joules = 800;
  expect_violation(high, "above full power");
}

}  // namespace
}  // namespace tokenfab
