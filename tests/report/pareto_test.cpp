// The Pareto frontier of (speed per user, throughput per MW) points, both better larger.
#include "sim/report/pareto.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace tokenfab {
namespace {

TEST(Pareto, KeepsThePointsNoOtherBeatsOnBoth) {
  // a (10, 100) and c (50, 40) trade speed for throughput; b (10, 80) is beaten by a on
  // throughput at the same speed; d (40, 30) is beaten by c on both; e (60, 5) is the fastest.
  const std::vector<ParetoCandidate> pts{{10, 100}, {10, 80}, {50, 40}, {40, 30}, {60, 5}};
  const std::vector<bool> expected{true, false, true, false, true};
  EXPECT_EQ(pareto_frontier(pts), expected);
}

TEST(Pareto, EqualPointsAreBothOnTheFrontier) {
  EXPECT_EQ(pareto_frontier({{1, 1}, {1, 1}}), (std::vector<bool>{true, true}));
}

TEST(Pareto, NonFinitePointsAreNeverOnItNorDominateOthers) {
  const std::vector<ParetoCandidate> pts{{NAN, 1e9}, {1, 1}, {INFINITY, INFINITY}};
  EXPECT_EQ(pareto_frontier(pts), (std::vector<bool>{false, true, false}));
}

TEST(Pareto, EmptyInputGivesEmptyOutput) { EXPECT_TRUE(pareto_frontier({}).empty()); }

}  // namespace
}  // namespace tokenfab
