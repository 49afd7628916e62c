#include "sim/batch/metric.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "models/core/yaml_node.hpp"

namespace tokenfab::batch {
namespace {

// Reads a dotted path; the error names the metric and the first key the summary lacks.
MetricLookup read_path(const std::string& metric, const std::string& path, const Json& summary) {
  const Json* node = &summary;
  std::string walked;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    const std::string seg = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    walked += (walked.empty() ? "" : ".") + seg;
    const Json* next = nullptr;
    if (node->is_object()) {
      const auto it = node->find(seg);
      if (it != node->end()) next = &*it;
    } else if (node->is_array()) {
      std::size_t i = 0;
      const auto [p, ec] = std::from_chars(seg.data(), seg.data() + seg.size(), i);
      if (ec == std::errc() && p == seg.data() + seg.size() && i < node->size()) next = &(*node)[i];
    }
    if (!next) {
      const std::string via = metric == path ? "" : fmt::format(" ({})", path);
      return {std::nullopt, fmt::format("metric '{}'{} is not in this summary.json: it has no '{}'", metric, via, walked)};
    }
    node = next;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (node->is_number()) return {node->get<double>(), ""};
  std::string what = node->is_object() ? "a section" : node->is_array() ? "a list" : node->is_null() ? "null" : "not a number";
  if (node->is_object()) {
    std::string keys;
    for (const auto& [k, v] : node->items()) keys += (keys.empty() ? "" : ", ") + k;
    what += " (keys: " + keys + ")";
  }
  return {std::nullopt, fmt::format("metric '{}' ({}) is {}, not a number", metric, path, what)};
}

MetricLookup number_at(const Json& summary, const std::string& path) { return read_path(path, path, summary); }

// GPUs in the run: every host of every replica.
MetricLookup gpu_count(const Json& s) {
  const auto it = s.find("replicas");
  if (it == s.end() || !it->is_array()) return {std::nullopt, "metric 'gpus' needs the 'replicas' list of summary.json"};
  double n = 0;
  for (const auto& r : *it) {
    const auto h = r.find("hosts");
    if (h == r.end() || !h->is_array()) return {std::nullopt, "metric 'gpus' needs replicas[].hosts in summary.json"};
    n += static_cast<double>(h->size());
  }
  return {n, ""};
}

MetricLookup ratio(const std::string& name, MetricLookup num, MetricLookup den) {
  if (!num.value) return {std::nullopt, fmt::format("metric '{}' cannot be derived: {}", name, num.error)};
  if (!den.value) return {std::nullopt, fmt::format("metric '{}' cannot be derived: {}", name, den.error)};
  if (*den.value == 0) return {std::nullopt, fmt::format("metric '{}' is undefined (division by zero)", name)};
  return {*num.value / *den.value, ""};
}

std::vector<MetricDef> build_table() {
  std::vector<MetricDef> t;
  auto add = [&t](std::string name, std::string path, std::optional<Dimension> dim, Goal goal, std::string doc) {
    t.push_back({std::move(name), std::move(path), dim, goal, std::move(doc), nullptr});
  };
  // --- Throughput and request counts (summary.json schema 1) ---------------------------------
  add("tokens_per_s", "throughput.output_tokens_per_s", std::nullopt, Goal::Max, "Output tokens per second over the run's window.");
  add("input_tokens_per_s", "throughput.input_tokens_per_s", std::nullopt, Goal::Max, "Prompt tokens per second.");
  add("total_tokens_per_s", "throughput.total_tokens_per_s", std::nullopt, Goal::Max, "Prompt plus output tokens per second.");
  add("requests_per_s", "throughput.requests_per_s", std::nullopt, Goal::Max, "Completed requests per second.");
  add("arrived", "requests.arrived", std::nullopt, Goal::None, "Requests that arrived.");
  add("completed", "requests.completed", std::nullopt, Goal::Max, "Requests completed.");
  add("rejected", "requests.rejected", std::nullopt, Goal::Min, "Requests rejected.");
  add("in_flight", "requests.in_flight", std::nullopt, Goal::Min, "Requests unfinished when the run stopped.");
  add("gpu_busy", "utilisation.gpu_busy_fraction", std::nullopt, Goal::Max, "GPU busy fraction (0..1).");
  add("sim_time", "time.sim_time_s", Dimension::Time, Goal::None, "Simulated time at the end of the run.");
  // --- Latency distributions: <family>_<statistic> -------------------------------------------
  const std::pair<const char*, const char*> families[] = {
      {"ttft", "time to first token"}, {"tpot", "time per output token"}, {"e2e", "end-to-end latency"},
      {"queueing", "queueing delay"}, {"kv_transfer", "KV-cache transfer time (disaggregated serving)"}};
  for (const auto& [family, what] : families) {
    for (const char* stat : {"mean", "p50", "p90", "p99", "max"}) {
      add(fmt::format("{}_{}", family, stat), fmt::format("latency_s.{}.{}", family, stat), Dimension::Time, Goal::Min,
          fmt::format("{} of the {}.", stat, what));
    }
  }
  // --- Derived from the sections above --------------------------------------------------------
  t.push_back({"gpus", "", std::nullopt, Goal::None, "GPUs serving (hosts of all replicas).", gpu_count});
  t.push_back({"tokens_per_s_per_gpu", "", std::nullopt, Goal::Max, "tokens_per_s / gpus.", [](const Json& s) {
                 return ratio("tokens_per_s_per_gpu", number_at(s, "throughput.output_tokens_per_s"), gpu_count(s));
               }});
  t.push_back({"tokens_per_s_per_user", "", std::nullopt, Goal::Max,
               "Decode speed one user sees: 1 / tpot_mean (output tokens per second per request).", [](const Json& s) {
                 return ratio("tokens_per_s_per_user", MetricLookup{1.0, ""}, number_at(s, "latency_s.tpot.mean"));
               }});
  t.push_back({"completed_fraction", "", std::nullopt, Goal::Max, "completed / arrived.", [](const Json& s) {
                 return ratio("completed_fraction", number_at(s, "requests.completed"), number_at(s, "requests.arrived"));
               }});
  // --- Energy (SimGrid's host energy plugin, devices of the replicas) --------------------------
  add("device_tokens_per_s_per_mw", "energy.output_tokens_per_s_per_mw", std::nullopt, Goal::Max,
      "Output tokens per second per MW of device (GPU/LPU) power alone.");
  add("joules_per_output_token", "energy.joules_per_output_token", std::nullopt, Goal::Min, "Device energy per output token (J).");
  add("joules_per_token", "energy.joules_per_token", std::nullopt, Goal::Min, "Device energy per token, prompt and output (J).");
  add("power_avg", "energy.average_power_w", Dimension::Power, Goal::Min, "Average device power.");
  // --- SLOs and economics: sections the economics work adds to summary.json (goodput:,
  // economics:). Until a summary carries them, these names give a clear "not in this summary".
  add("goodput", "goodput.overall.attainment", std::nullopt, Goal::Max, "Fraction of requests that met their SLOs (0..1).");
  add("goodput_tokens_per_s", "goodput.overall.good_output_tokens_per_s", std::nullopt, Goal::Max,
      "Output tokens per second of requests that met their SLOs.");
  add("tokens_per_s_per_mw", "economics.efficiency.output_tokens_per_s_per_mw", std::nullopt, Goal::Max,
      "Output tokens per second per MW of facility power (devices, network, storage, cooling).");
  add("facility_power_avg", "economics.power.facility_average_w", Dimension::Power, Goal::Min, "Average facility power.");
  add("network_power_avg", "economics.power.network_average_w", Dimension::Power, Goal::Min,
      "Average IT power of NICs, switches and optics attributed to the pod.");
  add("facility_joules_per_output_token", "energy.facility.joules_per_output_token", std::nullopt, Goal::Min,
      "Facility energy (whole pod x PUE) per output token (J).");
  add("factory_revenue_per_hour", "economics.factory.revenue_per_hour", std::nullopt, Goal::Max,
      "Revenue per hour of the whole factory at its power budget (USD; an extrapolation from the pod).");
  add("cost_per_mtok", "economics.cost.per_mtok_output", std::nullopt, Goal::Min, "Cost per million output tokens (USD).");
  add("revenue_per_hour", "economics.revenue.total_per_hour", std::nullopt, Goal::Max, "Revenue per hour at the tier prices (USD).");
  add("margin_per_hour", "economics.revenue.margin_per_hour", std::nullopt, Goal::Max, "Revenue minus cost per hour (USD).");
  add("factory_tokens_per_s", "economics.factory.output_tokens_per_s", std::nullopt, Goal::Max,
      "Output tokens per second of the whole factory at its power budget (an extrapolation from the pod).");
  return t;
}

bool valid_segment(const std::string& s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  }
  return true;
}

std::string alias_list() {
  std::string s;
  for (const auto& d : metric_aliases()) s += (s.empty() ? "" : ", ") + d.name;
  return s;
}

}  // namespace

std::string goal_name(Goal g) {
  switch (g) {
    case Goal::Max: return "max";
    case Goal::Min: return "min";
    case Goal::None: return "none";
  }
  return "none";
}

const std::vector<MetricDef>& metric_aliases() {
  static const std::vector<MetricDef> table = build_table();
  return table;
}

Metric resolve_metric(const std::string& name) {
  for (const auto& d : metric_aliases()) {
    if (d.name == name) return {name, d.path, d.dim, d.goal, &d};
  }
  const std::string expected = "an alias (" + alias_list() + ") or a dotted path into summary.json such as latency_s.ttft.p99";
  if (name.find('.') == std::string::npos) {
    std::vector<std::string> names;
    for (const auto& d : metric_aliases()) names.push_back(d.name);
    const auto near = closest_match(name, names);
    throw SpecError(fmt::format("unknown metric '{}'{}", name, near ? fmt::format(", did you mean '{}'?", *near) : ""),
                      expected);
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    if (!valid_segment(name.substr(start, dot == std::string::npos ? std::string::npos : dot - start)))
      throw SpecError(fmt::format("'{}' is not a well-formed metric path", name), expected);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  // A path that an alias reads inherits the alias's dimension and direction.
  for (const auto& d : metric_aliases()) {
    if (!d.path.empty() && d.path == name) return {name, name, d.dim, d.goal, &d};
  }
  return {name, name, std::nullopt, Goal::None, nullptr};
}

MetricLookup metric_value(const Metric& m, const Json& summary) {
  if (m.def && m.def->derive) return m.def->derive(summary);
  MetricLookup r = read_path(m.name, m.path, summary);
  if (r.value && !std::isfinite(*r.value)) return {std::nullopt, fmt::format("metric '{}' is not finite", m.name)};
  return r;
}

std::string format_metric(const Metric& m, double v) {
  if (m.dim == Dimension::Time) return format_quantity(v, Dimension::Time);
  if (m.dim) return format_quantity(v, *m.dim);
  return fmt::format("{:.6g}", v);
}

}  // namespace tokenfab::batch
