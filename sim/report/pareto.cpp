#include "sim/report/pareto.hpp"

#include <cmath>

namespace tokenfab {

std::vector<bool> pareto_frontier(const std::vector<ParetoCandidate>& points) {
  // Sweeps and comparisons hold tens of runs: the quadratic check is the clearest.
  std::vector<bool> on(points.size(), false);
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    bool dominated = false;
    for (std::size_t j = 0; j < points.size() && !dominated; ++j) {
      const auto& q = points[j];
      if (j == i || !std::isfinite(q.x) || !std::isfinite(q.y)) continue;
      dominated = q.x >= p.x && q.y >= p.y && (q.x > p.x || q.y > p.y);
    }
    on[i] = !dominated;
  }
  return on;
}

}  // namespace tokenfab
