// Metrics named on the command line, in `expect:` and in sweep files: either a short alias
// (ttft_p99, tokens_per_s, goodput, ...) or a dotted path into summary.json
// (latency_s.ttft.p99). The alias table lives in metric.cpp, in one place, so that new summary
// sections (energy, cost, goodput) only add rows there; docs/batch.md lists the aliases.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/core/units.hpp"

namespace tokenfab::batch {

using Json = nlohmann::ordered_json;

// Which way is better, for Pareto frontiers and compare ratios.
enum class Goal { Max, Min, None };
std::string goal_name(Goal g);  // "max", "min", "none"

// A value that cannot be computed from one summary: the metric is absent, or not a number.
struct MetricLookup {
  std::optional<double> value;
  std::string error;  // why there is no value (names the metric and the missing key)
};

struct MetricDef {
  std::string name;                // the alias
  std::string path;                // dotted path in summary.json; empty for a derived metric
  std::optional<Dimension> dim;    // physical dimension (thresholds then need a unit)
  Goal goal = Goal::None;
  std::string doc;
  // Derived metrics compute their value from the whole summary instead of reading `path`.
  std::function<MetricLookup(const Json& summary)> derive;
};

// Every alias, in documentation order.
const std::vector<MetricDef>& metric_aliases();

// A resolved metric reference.
struct Metric {
  std::string name;                // as written by the user
  std::string path;                // dotted path (empty when derived)
  std::optional<Dimension> dim;
  Goal goal = Goal::None;
  const MetricDef* def = nullptr;  // the alias, when the name is one or the path equals one's path
};

// A malformed metric name or expectation (no file position: callers attach it). expected() lists
// the accepted forms.
class SpecError : public std::runtime_error {
 public:
  SpecError(const std::string& what, std::string expected)
      : std::runtime_error(what), expected_(std::move(expected)) {}
  const std::string& expected() const { return expected_; }

 private:
  std::string expected_;
};

// Resolves an alias or a dotted path (segments of letters, digits, '_' or '-'; a number indexes
// a list). Throws SpecError with a "did you mean" for a near miss of an alias.
Metric resolve_metric(const std::string& name);

// The metric's value in one summary (summary.json as parsed). Never throws: an absent key or a
// non-number gives an error that names the metric and the first missing key.
MetricLookup metric_value(const Metric& metric, const Json& summary);

// A value rendered for people: times with a unit ("19.8ms"), other numbers with 6 significant
// digits.
std::string format_metric(const Metric& metric, double value);

}  // namespace tokenfab::batch
