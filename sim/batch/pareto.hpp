// Pareto frontiers over two metrics: the points no other point beats on both (for example the
// token factory's trade-off between tokens/s per MW and tokens/s per user).
#pragma once

#include <string>
#include <vector>

#include "sim/batch/plan.hpp"

namespace tokenfab::batch {

// Builds a frontier spec; a goal is "max", "min" or "auto" (the alias's direction). Throws
// SpecError for an unknown metric or an "auto" goal on a metric with no known direction.
ParetoSpec make_pareto(const std::string& x, const std::string& y, const std::string& x_goal = "auto",
                       const std::string& y_goal = "auto");

// Parses a command-line frontier: "X,Y" or "X:max,Y:min". Throws SpecError.
ParetoSpec parse_pareto_arg(const std::string& text);

struct ParetoCandidate {
  std::size_t index = 0;  // the caller's identifier (a point index)
  double x = 0, y = 0;
};

// The non-dominated candidates' indices, ordered by x (better first), then y, then index. A
// candidate is dominated when another is at least as good on both metrics and better on one;
// exact duplicates all stay.
std::vector<std::size_t> pareto_front(std::vector<ParetoCandidate> candidates, Goal x_goal, Goal y_goal);

}  // namespace tokenfab::batch
