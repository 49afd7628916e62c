// The Pareto frontier of a set of runs when both coordinates are better larger (throughput per MW
// or per GPU against output speed per user): the runs no other run beats on both at once.
#pragma once

#include <vector>

namespace tokenfab {

struct ParetoCandidate {
  double x = 0;  // e.g. output tokens/s per user
  double y = 0;  // e.g. output tokens/s per MW
};

// frontier[i] is true when no point j has x_j >= x_i and y_j >= y_i with one of them strictly
// greater. Equal points are all on the frontier. Non-finite coordinates are never on it.
std::vector<bool> pareto_frontier(const std::vector<ParetoCandidate>& points);

}  // namespace tokenfab
