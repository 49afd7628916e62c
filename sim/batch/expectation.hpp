// CI gates: `expect: ["ttft_p99 < 2s", "goodput >= 0.95", "tokens_per_s_per_mw > 1.5e6"]` in a
// scenario or a sweep. A threshold carries a unit when its metric has a dimension (times:
// "2s", "200ms"); other thresholds are plain numbers, or percentages ("95%" = 0.95).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/core/yaml_node.hpp"
#include "sim/batch/metric.hpp"

namespace tokenfab::batch {

// `tokenfab run|sweep|compare|merge --check` exits with this code when an expectation is violated,
// cannot be evaluated, or a point failed (2 stays "bad input", 1 "internal error").
inline constexpr int kExitCheckFailed = 3;

enum class Op { Lt, Le, Gt, Ge, Eq, Ne };
std::string op_text(Op op);

struct Expectation {
  std::string text;       // as written
  Metric metric;
  Op op = Op::Lt;
  double threshold = 0;   // SI units
  std::string threshold_text;
};

// Parses "METRIC OP VALUE"; throws SpecError (message and expected forms) when malformed.
Expectation parse_expectation(const std::string& text);

enum class Verdict { Pass, Fail, Error };
std::string verdict_name(Verdict v);  // "pass", "fail", "error"

struct ExpectationResult {
  std::string text;
  Verdict verdict = Verdict::Error;
  std::optional<double> value;  // the metric's value, when it has one
  std::string message;          // "ttft_p99 = 2.31s, expected < 2s", or why it has no value
};

ExpectationResult evaluate(const Expectation& e, const Json& summary);
// Parses and evaluates each; a text that does not parse is an Error result, not an exception.
std::vector<ExpectationResult> evaluate_all(const std::vector<std::string>& texts, const Json& summary);

// Reads an `expect:` list of a scenario or sweep file (absent = empty), checking each entry's
// syntax and metric name; throws ConfigError at the offending entry.
std::vector<std::string> read_expectations(const std::optional<YamlNode>& node);

// The worst verdict of a list (Pass when empty).
Verdict worst(const std::vector<ExpectationResult>& results);

}  // namespace tokenfab::batch
