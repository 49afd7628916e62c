// Pareto extraction, shards and the plan manifest (no simulation).
#include <algorithm>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "sim/batch/pareto.hpp"
#include "sim/batch/plan.hpp"

namespace tokenfab::batch {
namespace {

// The definition, checked pair by pair.
std::set<std::size_t> brute_force_front(const std::vector<ParetoCandidate>& c, Goal gx, Goal gy) {
  auto better_or_equal = [](double a, double b, Goal g) { return g == Goal::Max ? a >= b : a <= b; };
  auto strictly_better = [](double a, double b, Goal g) { return g == Goal::Max ? a > b : a < b; };
  std::set<std::size_t> front;
  for (const auto& p : c) {
    bool dominated = false;
    for (const auto& q : c) {
      if (better_or_equal(q.x, p.x, gx) && better_or_equal(q.y, p.y, gy) &&
          (strictly_better(q.x, p.x, gx) || strictly_better(q.y, p.y, gy)))
        dominated = true;
    }
    if (!dominated) front.insert(p.index);
  }
  return front;
}

TEST(Pareto, FrontierMatchesTheDefinitionForEveryGoalPair) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> coarse(0, 9);  // coarse values give ties and duplicates
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<ParetoCandidate> c;
    for (std::size_t i = 0; i < 40; ++i) c.push_back({i, static_cast<double>(coarse(rng)), static_cast<double>(coarse(rng))});
    for (const Goal gx : {Goal::Max, Goal::Min}) {
      for (const Goal gy : {Goal::Max, Goal::Min}) {
        const auto front = pareto_front(c, gx, gy);
        EXPECT_EQ(std::set<std::size_t>(front.begin(), front.end()), brute_force_front(c, gx, gy));
        // Ordered by x, best first.
        for (std::size_t k = 1; k < front.size(); ++k) {
          const double a = c[front[k - 1]].x, b = c[front[k]].x;
          EXPECT_TRUE(gx == Goal::Max ? a >= b : a <= b);
        }
      }
    }
  }
}

TEST(Pareto, SpecsTakeTheAliasDirectionOrAnExplicitGoal) {
  const ParetoSpec s = parse_pareto_arg("tokens_per_s_per_user,ttft_p99");
  EXPECT_EQ(s.x_goal, Goal::Max);
  EXPECT_EQ(s.y_goal, Goal::Min);
  const ParetoSpec t = parse_pareto_arg("replicas.0.tp:min, tokens_per_s:max");
  EXPECT_EQ(t.x, "replicas.0.tp");
  EXPECT_EQ(t.x_goal, Goal::Min);
  // A raw path has no known direction: the user must say.
  EXPECT_THROW((void)parse_pareto_arg("replicas.0.tp,tokens_per_s"), SpecError);
  EXPECT_THROW((void)parse_pareto_arg("tokens_per_s"), SpecError);
  EXPECT_THROW((void)parse_pareto_arg("tokens_per_s:up,ttft_p99"), SpecError);
}

TEST(Shard, SlicesPartitionThePointsAndAreAPureFunctionOfTheIndex) {
  for (std::size_t n = 1; n <= 5; ++n) {
    std::vector<int> owners(23, 0);
    for (std::size_t k = 1; k <= n; ++k) {
      const Shard s = parse_shard(std::to_string(k) + "/" + std::to_string(n));
      for (std::size_t i = 0; i < owners.size(); ++i) owners[i] += s.contains(i) ? 1 : 0;
    }
    for (const int o : owners) EXPECT_EQ(o, 1);
  }
  EXPECT_EQ(parse_shard("2/3").tag(), "shard-2-of-3");
  for (const char* bad : {"0/3", "4/3", "3", "a/b", "1/0", "/3", "1/"}) EXPECT_THROW((void)parse_shard(bad), SpecError) << bad;
}

BatchPlan small_plan() {
  BatchPlan plan;
  plan.kind = "sweep";
  plan.name = "t";
  plan.param_columns = {"workload.synthetic.arrivals.rate"};
  plan.metrics = {"tokens_per_s", "ttft_p99"};
  plan.pareto = {parse_pareto_arg("tokens_per_s,ttft_p99")};
  for (std::size_t i = 0; i < 3; ++i) {
    PointPlan p;
    p.index = i;
    p.id = point_id(i, 3);
    p.label = "rate=" + std::to_string(i + 1);
    p.key = fnv1a_hex(p.label);
    p.seed = 40 + i;
    p.params = {{"workload.synthetic.arrivals.rate", std::to_string(i + 1)}};
    p.expect = {"ttft_p99 < 2s"};
    plan.points.push_back(p);
  }
  return plan;
}

TEST(Plan, ManifestRoundTripsAndRefusesEdits) {
  const BatchPlan plan = small_plan();
  const Json j = plan_to_json(plan, std::nullopt);
  const BatchPlan back = plan_from_json(j, "plan.json");
  EXPECT_EQ(plan_to_json(back, std::nullopt).dump(), j.dump());
  EXPECT_EQ(back.hash(), plan.hash());
  Json edited = j;
  edited["points"][1]["key"] = "0000000000000000";
  EXPECT_THROW((void)plan_from_json(edited, "plan.json"), SpecError);
  EXPECT_THROW((void)plan_from_json(Json::parse("{\"x\": 1}"), "plan.json"), SpecError);
}

TEST(Plan, IdsAndHashesAreStable) {
  EXPECT_EQ(point_id(3, 12), "p0003");
  EXPECT_EQ(point_id(12345, 20000), "p12345");
  // FNV-1a 64 of "a" (published test vector).
  EXPECT_EQ(fnv1a_hex("a"), "af63dc4c8601ec8c");
}

}  // namespace
}  // namespace tokenfab::batch
