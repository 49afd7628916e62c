#include "models/perf/profile_table.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "models/core/config_error.hpp"

namespace tokenfab {
namespace {

const std::vector<std::string> kColumns{"device", "model", "tp", "weights", "operator", "tokens", "context", "seconds"};
const std::vector<std::string> kOperators{"linear", "attention_decode", "attention_prefill", "lm_head", "all_reduce"};
const std::vector<std::string> kRequired{"linear", "attention_decode", "attention_prefill"};

struct Field {
  std::string text;
  int column;
};

std::vector<Field> split(const std::string& line) {
  std::vector<Field> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    std::string f = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto b = f.find_first_not_of(" \t\r");
    const auto e = f.find_last_not_of(" \t\r");
    out.push_back({b == std::string::npos ? "" : f.substr(b, e - b + 1), static_cast<int>(start) + 1});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

double number(const std::string& file, int line, const Field& f, const std::string& name, bool integer) {
  const auto fail = [&] {
    throw ConfigError({file, line, f.column}, name, fmt::format("'{}' is not a valid {}", f.text, name),
                      integer ? "a non-negative integer" : "a positive number");
  };
  try {
    std::size_t used = 0;
    const double v = std::stod(f.text, &used);
    if (used != f.text.size() || !std::isfinite(v) || v < 0) fail();
    if (integer && v != std::floor(v)) fail();
    if (!integer && v <= 0) fail();
    return v;
  } catch (const std::logic_error&) {
    fail();
  }
  return 0;
}

// Piecewise-linear in x over a sorted map, with `value` giving the y of a key. A single point is
// extrapolated proportionally to x when `proportional` (tokens), else held flat (context).
template <class Map, class Value>
double interpolate(const Map& m, double x, bool proportional, Value value) {
  auto hi = m.lower_bound(x);
  if (hi == m.begin()) return value(hi->second);  // at or below the first point
  if (hi != m.end() && hi->first == x) return value(hi->second);
  if (hi == m.end()) {
    auto last = std::prev(m.end());
    if (last == m.begin()) return value(last->second) * (proportional ? x / std::max(last->first, 1.0) : 1.0);
    hi = last;
  }
  const auto lo = std::prev(hi);
  const double y0 = value(lo->second), y1 = value(hi->second);
  return y0 + (y1 - y0) * (x - lo->first) / (hi->first - lo->first);
}

}  // namespace

ProfileTable ProfileTable::load(const std::string& path, const ReplicaSetup& s) {
  std::ifstream in(path);
  if (!in) throw ConfigError({path, 0, 0}, "", "profile table not found or unreadable", "a CSV file (docs/performance-model.md)");
  ProfileTable t;
  std::set<std::string> other_setups;
  std::string line;
  int n = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++n;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto fields = split(line);
    if (!header) {
      std::vector<std::string> names;
      for (const auto& f : fields) names.push_back(f.text);
      if (names != kColumns)
        throw ConfigError({path, n, 1}, "header", "unexpected columns", "device,model,tp,weights,operator,tokens,context,seconds");
      header = true;
      continue;
    }
    if (fields.size() != kColumns.size())
      throw ConfigError({path, n, 1}, "", fmt::format("{} fields", fields.size()), fmt::format("{} fields", kColumns.size()));
    const std::string& op = fields[4].text;
    if (std::find(kOperators.begin(), kOperators.end(), op) == kOperators.end())
      throw ConfigError({path, n, fields[4].column}, "operator", fmt::format("'{}' is not an operator", op),
                        "linear, attention_decode, attention_prefill, lm_head or all_reduce");
    const double tp = number(path, n, fields[2], "tp", true);
    const double tokens = number(path, n, fields[5], "tokens", true);
    const double context = number(path, n, fields[6], "context", true);
    const double seconds = number(path, n, fields[7], "seconds", false);
    if (tokens < 1) throw ConfigError({path, n, fields[5].column}, "tokens", "0 tokens", "tokens >= 1");
    if (fields[0].text != s.device.name || fields[1].text != s.model.name || static_cast<int>(tp) != s.tp ||
        fields[3].text != precision_name(s.precision.weights)) {
      other_setups.insert(fmt::format("{} {} tp{} {}", fields[0].text, fields[1].text, tp, fields[3].text));
      continue;
    }
    auto& cell = t.ops_[op][tokens];
    if (cell.count(context))
      throw ConfigError({path, n, fields[5].column}, op, fmt::format("duplicate point tokens={} context={}", tokens, context),
                        "one time per operator, tokens and context");
    cell[context] = seconds;
  }
  if (!header) throw ConfigError({path, 0, 0}, "", "the table is empty", "a header line and rows");
  const std::string setup = fmt::format("{} {} tp{} {}", s.device.name, s.model.name, s.tp, precision_name(s.precision.weights));
  if (t.ops_.empty()) {
    std::string list;
    for (const auto& o : other_setups) list += (list.empty() ? "" : "; ") + o;
    throw ConfigError({path, 0, 0}, "", "no rows for " + setup, list.empty() ? "rows for this setup" : "the table has: " + list);
  }
  for (const auto& op : kRequired)
    if (!t.has(op)) throw ConfigError({path, 0, 0}, op, "no rows for operator " + op + " of " + setup, "measured points of " + op);
  return t;
}

double ProfileTable::time(const std::string& op, double tokens, double context) const {
  const auto& by_tokens = ops_.at(op);
  return interpolate(by_tokens, tokens, true,
                     [context](const std::map<double, double>& by_context) {
                       return interpolate(by_context, context, false, [](double v) { return v; });
                     });
}

ProfileTableModel::ProfileTableModel(ReplicaSetup setup)
    : s_(setup), table_(ProfileTable::load(setup.profile_table, setup)), roofline_(setup) {}

IterationCost ProfileTableModel::price(const BatchShape& b) const {
  IterationCost cost;
  if (b.new_tokens <= 0) return cost;
  const double L = s_.model.layers;
  const double T = static_cast<double>(b.new_tokens);
  double measured = L * table_.time("linear", T, 0);
  if (const double D = static_cast<double>(b.decode_sequences()); D > 0) {
    const double context = std::max(0.0, (b.decode_kv_tokens_read() - (T - static_cast<double>(b.prefill_tokens))) / D);
    measured += L * table_.time("attention_decode", D, context);
  }
  if (b.prefill_sequences > 0 && b.prefill_tokens > 0) {
    // The chunks as identical sequences of the mean length at the mean context that gives the
    // same causal pairs: pairs = q (c + (q+1)/2).
    const double Ps = static_cast<double>(b.prefill_sequences);
    const double q = static_cast<double>(b.prefill_tokens) / Ps;
    const double context = std::max(0.0, b.prefill_attention_pairs / static_cast<double>(b.prefill_tokens) - (q + 1) / 2);
    measured += L * Ps * table_.time("attention_prefill", q, context);
  }
  const IterationCost roof = roofline_.pass(b);
  if (b.logits > 0) {
    if (table_.has("lm_head")) {
      measured += table_.time("lm_head", static_cast<double>(b.logits), 0);
    } else {
      const IterationCost head = roofline_.head_cost(b);
      cost.compute_s += head.compute_s;
      cost.memory_s += head.memory_s;
    }
  }
  if (table_.has("all_reduce") && s_.tp > 1 && s_.pp == 1 && s_.dp == 1 && s_.ep == 1) {
    measured += 2.0 * L * table_.time("all_reduce", T, 0);
  } else {
    cost.network_s = roof.network_s;
  }
  cost.measured_s = measured;
  cost.overhead_s = s_.efficiency.iteration_overhead;
  cost.step_s = cost.measured_s + cost.compute_s + cost.memory_s + cost.network_s + cost.overhead_s;
  cost.interval_s = cost.step_s;
  cost.seconds = cost.step_s;
  cost.flops = roof.flops;
  cost.bytes = roof.bytes;
  const double top = std::max({cost.measured_s, cost.network_s, cost.overhead_s});
  cost.bound = top == cost.measured_s ? Bound::Measured : top == cost.network_s ? Bound::Network : Bound::Overhead;
  return cost;
}

}  // namespace tokenfab
