#include "sim/batch/expectation.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace tokenfab::batch {
namespace {

constexpr const char* kForm = "METRIC OP VALUE with OP one of <, <=, >, >=, ==, != (e.g. 'ttft_p99 < 2s')";

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// A plain number written in full (sign, decimals, exponent), or nullopt.
std::optional<double> plain_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (*b == '+') ++b;
  double v = 0;
  const auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || !std::isfinite(v)) return std::nullopt;
  return v;
}

bool holds(double v, Op op, double t) {
  switch (op) {
    case Op::Lt: return v < t;
    case Op::Le: return v <= t;
    case Op::Gt: return v > t;
    case Op::Ge: return v >= t;
    case Op::Eq: return v == t;
    case Op::Ne: return v != t;
  }
  return false;
}

}  // namespace

std::string op_text(Op op) {
  switch (op) {
    case Op::Lt: return "<";
    case Op::Le: return "<=";
    case Op::Gt: return ">";
    case Op::Ge: return ">=";
    case Op::Eq: return "==";
    case Op::Ne: return "!=";
  }
  return "?";
}

std::string verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Pass: return "pass";
    case Verdict::Fail: return "fail";
    case Verdict::Error: return "error";
  }
  return "error";
}

Expectation parse_expectation(const std::string& text) {
  const auto at = text.find_first_of("<>=!");
  if (at == std::string::npos) throw SpecError(fmt::format("'{}' has no comparison", text), kForm);
  Expectation e;
  e.text = text;
  const std::string name = trim(text.substr(0, at));
  if (name.empty()) throw SpecError(fmt::format("'{}' has no metric before the comparison", text), kForm);
  const std::string two = text.substr(at, 2);
  std::size_t len = 2;
  if (two == "<=") e.op = Op::Le;
  else if (two == ">=") e.op = Op::Ge;
  else if (two == "==") e.op = Op::Eq;
  else if (two == "!=") e.op = Op::Ne;
  else if (text[at] == '<') e.op = Op::Lt, len = 1;
  else if (text[at] == '>') e.op = Op::Gt, len = 1;
  else throw SpecError(fmt::format("'{}': unknown comparison '{}'", text, two.substr(0, 1)), kForm);
  e.threshold_text = trim(text.substr(at + len));
  if (e.threshold_text.empty()) throw SpecError(fmt::format("'{}' has no value after '{}'", text, op_text(e.op)), kForm);
  e.metric = resolve_metric(name);

  if (e.metric.dim) {
    // A bare number against a time would be a guess between seconds and milliseconds.
    if (plain_number(e.threshold_text))
      throw SpecError(fmt::format("'{}': {} is {}, so its threshold needs a unit", text, name, dimension_noun(*e.metric.dim)),
                      dimension_expected(*e.metric.dim));
    try {
      e.threshold = parse_quantity(e.threshold_text, *e.metric.dim);
    } catch (const UnitError& u) {
      throw SpecError(fmt::format("'{}': {}", text, u.what()), u.expected());
    }
    return e;
  }
  std::string number = e.threshold_text;
  double scale = 1;
  if (number.size() > 1 && number.back() == '%') {
    number = trim(number.substr(0, number.size() - 1));
    scale = 0.01;
  }
  const auto v = plain_number(number);
  if (!v)
    throw SpecError(fmt::format("'{}': '{}' is not a number ({} has no unit)", text, e.threshold_text, name),
                    "a plain number such as 0.95, 1.5e6 or 95%");
  e.threshold = *v * scale;
  return e;
}

ExpectationResult evaluate(const Expectation& e, const Json& summary) {
  ExpectationResult r;
  r.text = e.text;
  const MetricLookup m = metric_value(e.metric, summary);
  if (!m.value) {
    r.verdict = Verdict::Error;
    r.message = m.error;
    return r;
  }
  r.value = m.value;
  const bool ok = holds(*m.value, e.op, e.threshold);
  r.verdict = ok ? Verdict::Pass : Verdict::Fail;
  r.message = fmt::format("{} = {}{} {} {}", e.metric.name, format_metric(e.metric, *m.value), ok ? ", as expected:" : ", expected",
                          op_text(e.op), e.threshold_text);
  return r;
}

std::vector<ExpectationResult> evaluate_all(const std::vector<std::string>& texts, const Json& summary) {
  std::vector<ExpectationResult> out;
  for (const auto& t : texts) {
    try {
      out.push_back(evaluate(parse_expectation(t), summary));
    } catch (const SpecError& err) {
      out.push_back({t, Verdict::Error, std::nullopt, err.what()});
    }
  }
  return out;
}

std::vector<std::string> read_expectations(const std::optional<YamlNode>& n) {
  std::vector<std::string> out;
  if (!n || n->is_null()) return out;
  if (!n->is_sequence()) n->fail(fmt::format("got {}", n->kind_noun()), "a list of expectations such as 'ttft_p99 < 2s'");
  for (const auto& e : n->elements()) {
    const std::string text = e.as_string();
    try {
      (void)parse_expectation(text);
    } catch (const SpecError& err) {
      e.fail(err.what(), err.expected());
    }
    out.push_back(text);
  }
  return out;
}

Verdict worst(const std::vector<ExpectationResult>& results) {
  Verdict w = Verdict::Pass;
  for (const auto& r : results) {
    if (r.verdict == Verdict::Error) return Verdict::Error;
    if (r.verdict == Verdict::Fail) w = Verdict::Fail;
  }
  return w;
}

}  // namespace tokenfab::batch
