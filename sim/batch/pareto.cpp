#include "sim/batch/pareto.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

namespace tokenfab::batch {
namespace {

Goal goal_of(const Metric& m, const std::string& text, const std::string& axis) {
  if (text == "max") return Goal::Max;
  if (text == "min") return Goal::Min;
  if (text != "auto") throw SpecError(fmt::format("pareto {}_goal '{}' is not max, min or auto", axis, text), "max, min or auto");
  if (m.goal == Goal::None)
    throw SpecError(fmt::format("pareto: metric '{}' has no known direction; say whether to maximise or minimise it", m.name),
                    fmt::format("{}_goal: max or {}_goal: min (on the command line, {}:max)", axis, axis, m.name));
  return m.goal;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

ParetoSpec make_pareto(const std::string& x, const std::string& y, const std::string& x_goal, const std::string& y_goal) {
  const Metric mx = resolve_metric(x);
  const Metric my = resolve_metric(y);
  return {x, y, goal_of(mx, x_goal, "x"), goal_of(my, y_goal, "y")};
}

ParetoSpec parse_pareto_arg(const std::string& text) {
  const auto comma = text.find(',');
  if (comma == std::string::npos)
    throw SpecError(fmt::format("--pareto '{}' names one metric", text), "X,Y or X:max,Y:min, e.g. tokens_per_s_per_user,tokens_per_s");
  auto split = [](const std::string& part) {
    const auto colon = part.find(':');
    if (colon == std::string::npos) return std::pair{trim(part), std::string("auto")};
    return std::pair{trim(part.substr(0, colon)), trim(part.substr(colon + 1))};
  };
  const auto [x, xg] = split(text.substr(0, comma));
  const auto [y, yg] = split(text.substr(comma + 1));
  return make_pareto(x, y, xg, yg);
}

std::vector<std::size_t> pareto_front(std::vector<ParetoCandidate> c, Goal x_goal, Goal y_goal) {
  // Turn both metrics into "larger is better", sort by x then y (best first), and walk the groups
  // of equal x: within a group only its best y can survive, and only if no point with a larger x
  // reached that y.
  for (auto& p : c) {
    if (x_goal == Goal::Min) p.x = -p.x;
    if (y_goal == Goal::Min) p.y = -p.y;
  }
  std::sort(c.begin(), c.end(), [](const ParetoCandidate& a, const ParetoCandidate& b) {
    if (a.x != b.x) return a.x > b.x;
    if (a.y != b.y) return a.y > b.y;
    return a.index < b.index;
  });
  std::vector<std::size_t> front;
  double best_y = -std::numeric_limits<double>::infinity();
  bool any = false;
  for (std::size_t i = 0; i < c.size();) {
    std::size_t j = i;
    while (j < c.size() && c[j].x == c[i].x) ++j;
    const double group_y = c[i].y;  // the group's best (sorted)
    if (!any || group_y > best_y) {
      for (std::size_t k = i; k < j && c[k].y == group_y; ++k) front.push_back(c[k].index);
      best_y = group_y;
      any = true;
    }
    i = j;
  }
  return front;
}

}  // namespace tokenfab::batch
