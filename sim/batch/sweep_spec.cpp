#include "sim/batch/sweep_spec.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "sim/batch/expectation.hpp"
#include "sim/batch/pareto.hpp"
#include "sim/batch/yaml_edit.hpp"
#include "sim/config/scenario.hpp"
#include "sim/batch/text_file.hpp"

namespace tokenfab::batch {
namespace {

constexpr int kMaxSteps = 100'000;

struct RangeSpec {
  double from = 0, to = 0;
  int steps = 2;
  bool log = false;
};

const Schema<RangeSpec>& range_schema() {
  static const Schema<RangeSpec> s =
      Schema<RangeSpec>("range", "Evenly spaced numbers from `from` to `to` inclusive.")
          .number("from", &RangeSpec::from, std::nullopt, "First value.", Check::Any)
          .number("to", &RangeSpec::to, std::nullopt, "Last value.", Check::Any)
          .integer<int>("steps", &RangeSpec::steps, std::nullopt, "Number of values (1 gives just `from`).",
                        Check::Positive, kMaxSteps)
          .choice("scale", &RangeSpec::log, std::vector<std::pair<std::string, bool>>{{"linear", false}, {"log", true}},
                  "linear", "linear: equal differences; log: equal ratios (from and to > 0).")
          .validate([](const YamlNode& n, const RangeSpec& r) {
            if (r.log && (r.from <= 0 || r.to <= 0)) n.fail("a log scale needs from > 0 and to > 0", "from > 0 and to > 0");
          });
  return s;
}

// The i-th value of a range, rounded to 12 significant digits so that 0.1 steps print as 0.3,
// not 0.30000000000000004.
std::string range_value(const RangeSpec& r, int i) {
  double v = r.from;
  if (r.steps > 1) {
    const double t = static_cast<double>(i) / (r.steps - 1);
    v = r.log ? r.from * std::pow(r.to / r.from, t) : r.from + (r.to - r.from) * t;
  }
  if (i == r.steps - 1) v = r.to;  // exact end point
  return fmt::format("{:.12g}", v);
}

bool valid_axis_path(const std::string& path) {
  if (path.empty()) return false;
  for (const auto& seg : split_path(path))
    if (seg.empty()) return false;
  return true;
}

std::vector<SweepAxis> read_axes(const YamlNode& n) {
  if (!n.is_map()) n.fail(fmt::format("got {}", n.kind_noun()), "a map of YAML path -> list of values or {from, to, steps}");
  std::vector<SweepAxis> axes;
  for (const auto& key : n.keys()) {
    const YamlNode key_node = n.key_node(key);
    if (!valid_axis_path(key)) key_node.fail(fmt::format("'{}' is not a dotted YAML path", key), "a path such as deployment.replicas");
    const YamlNode v = *n.child(key);
    SweepAxis axis{key, {}, key_node.location()};
    if (v.is_sequence()) {
      for (const auto& e : v.elements()) {
        if (e.is_null()) e.fail("an axis value is empty", "a value for " + key);
        axis.values.push_back(YAML::Clone(e.raw()));
      }
      if (axis.values.empty()) v.fail("the axis has no values", "a non-empty list");
    } else if (v.is_map()) {
      const RangeSpec r = range_schema().read(v);
      for (int i = 0; i < r.steps; ++i) axis.values.emplace_back(range_value(r, i));
    } else {
      v.fail(fmt::format("got {}", v.kind_noun()), "a list of values, or {from, to, steps}");
    }
    axes.push_back(std::move(axis));
  }
  return axes;
}

// `set:` holds one value per path (any YAML); it changes the base for every point.
std::vector<SweepAxis> read_set(const YamlNode& n) {
  if (!n.is_map()) n.fail(fmt::format("got {}", n.kind_noun()), "a map of YAML path -> value");
  std::vector<SweepAxis> out;
  for (const auto& key : n.keys()) {
    const YamlNode key_node = n.key_node(key);
    if (!valid_axis_path(key)) key_node.fail(fmt::format("'{}' is not a dotted YAML path", key), "a path such as workload.requests");
    const YamlNode v = *n.child(key);
    if (v.is_null()) v.fail("no value", "a value for " + key);
    out.push_back({key, {YAML::Clone(v.raw())}, key_node.location()});
  }
  return out;
}

std::vector<std::string> read_metric_list(const YamlNode& n) {
  if (!n.is_sequence()) n.fail(fmt::format("got {}", n.kind_noun()), "a list of metric names");
  std::vector<std::string> out;
  for (const auto& e : n.elements()) {
    const std::string name = e.as_string();
    try {
      (void)resolve_metric(name);
    } catch (const SpecError& err) {
      e.fail(err.what(), err.expected());
    }
    out.push_back(name);
  }
  return out;
}

struct ParetoEntry {
  std::string x, y, x_goal, y_goal;
};

const Schema<ParetoEntry>& pareto_schema() {
  static const Schema<ParetoEntry> s =
      Schema<ParetoEntry>("pareto", "A frontier over two metrics.")
          .text("x", &ParetoEntry::x, std::nullopt, "First metric (alias or summary.json path).")
          .text("y", &ParetoEntry::y, std::nullopt, "Second metric.")
          .text("x_goal", &ParetoEntry::x_goal, "auto", "max, min, or auto (the alias's direction).")
          .text("y_goal", &ParetoEntry::y_goal, "auto", "max, min, or auto.")
          .validate([](const YamlNode& n, const ParetoEntry& e) {
            try {
              (void)make_pareto(e.x, e.y, e.x_goal, e.y_goal);
            } catch (const SpecError& err) {
              n.fail(err.what(), err.expected());
            }
          });
  return s;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// A point the scenario schema refuses: report it at the `set:` entry or axis that wrote the
// offending key (the longest related path), else at `axes:`.
[[noreturn]] void refuse_point(const SweepSpec& spec, const PointPlan& p, const ConfigError& e) {
  const SweepAxis* best = nullptr;
  std::string section;
  auto consider = [&](const std::vector<SweepAxis>& list, const char* name) {
    for (const auto& a : list) {
      const bool related = e.key_path() == a.path || starts_with(e.key_path(), a.path + ".") ||
                           starts_with(e.key_path(), a.path + "[") || starts_with(a.path, e.key_path() + ".") ||
                           e.key_path().empty();
      if (related && (!best || a.path.size() > best->path.size())) {
        best = &a;
        section = name;
      }
    }
  };
  consider(spec.set, "set");
  consider(spec.axes, "axes");
  const std::string where_key = e.key_path().empty() ? "" : e.key_path() + ": ";
  throw ConfigError(best ? best->where : spec.axes_where, best ? section + "." + best->path : "axes",
                    fmt::format("point {} ({}) is not a valid scenario: {}{}", p.id, p.label, where_key, e.problem()),
                    e.expected());
}

// Indices into each axis's values, one entry per combination, in file order (last axis fastest).
std::vector<std::vector<std::size_t>> combinations(const SweepSpec& spec) {
  std::vector<std::vector<std::size_t>> out;
  if (spec.axes.empty()) return {{}};
  if (spec.mode == SweepMode::Zip) {
    const std::size_t n = spec.axes.front().values.size();
    for (const auto& a : spec.axes) {
      if (a.values.size() != n)
        throw ConfigError(a.where, "axes." + a.path,
                          fmt::format("zipped axes need equal lengths: this one has {} values, '{}' has {}", a.values.size(),
                                      spec.axes.front().path, n),
                          "mode: grid, or the same number of values on every axis");
    }
    for (std::size_t i = 0; i < n; ++i) out.emplace_back(spec.axes.size(), i);
    return out;
  }
  std::vector<std::size_t> idx(spec.axes.size(), 0);
  while (true) {
    out.push_back(idx);
    std::size_t k = spec.axes.size();
    while (k > 0) {
      --k;
      if (++idx[k] < spec.axes[k].values.size()) break;
      idx[k] = 0;
      if (k == 0) return out;
    }
  }
}

}  // namespace

const std::vector<std::string>& default_metric_columns() {
  static const std::vector<std::string> cols{
      "tokens_per_s", "tokens_per_s_per_gpu", "tokens_per_s_per_user", "requests_per_s", "ttft_p50", "ttft_p99",
      "tpot_p50",     "tpot_p99",             "e2e_p99",               "completed",      "rejected", "in_flight",
      "gpu_busy",     "goodput",              "tokens_per_s_per_mw",   "cost_per_mtok"};
  return cols;
}

std::vector<ParetoSpec> default_pareto() { return {make_pareto("tokens_per_s_per_user", "tokens_per_s_per_gpu")}; }

const Schema<SweepSpec>& sweep_schema() {
  static const Schema<SweepSpec> s =
      Schema<SweepSpec>("sweep", "A base scenario run over a grid (or zip) of values at YAML paths.")
          .text("name", &SweepSpec::name, "", "Sweep name (default: the file name without .yaml).")
          .text("description", &SweepSpec::description, "", "Free text.")
          .text("scenario", &SweepSpec::scenario, std::nullopt, "Base scenario YAML, relative to this file.")
          .choice("mode", &SweepSpec::mode,
                  std::vector<std::pair<std::string, SweepMode>>{{"grid", SweepMode::Grid}, {"zip", SweepMode::Zip}}, "grid",
                  "grid: every combination of the axes; zip: the i-th values of every axis together.")
          .custom(ParamDoc("set", "map of YAML path -> value", "{}", false,
                           "Fixed changes to the base scenario for every point, e.g. workload.requests: 200."),
                  [](const std::optional<YamlNode>& n, const YamlNode&, SweepSpec& sp) {
                    if (n && !n->is_null()) sp.set = read_set(*n);
                  })
          .custom(ParamDoc("axes", "map of YAML path -> list or {from, to, steps, scale}", "{}", false,
                           "Values to set in the base scenario, e.g. deployment.replicas: [1, 2, 4] or "
                           "workload.synthetic.arrivals.rate: {from: 1, to: 16, steps: 4}."),
                  [](const std::optional<YamlNode>& n, const YamlNode& map, SweepSpec& sp) {
                    sp.axes_where = (n ? map.key_node("axes") : map).location();
                    if (n && !n->is_null()) sp.axes = read_axes(*n);
                  })
          .integer<int>("repetitions", &SweepSpec::repetitions, 1,
                        "Runs of each combination; repetition r uses the point's seed + r.", Check::Positive, 10'000)
          .custom(ParamDoc("metrics", "list of metric names", "the default columns", false,
                           "Metric columns of results.csv: aliases (ttft_p99, tokens_per_s, ...) or summary.json paths."),
                  [](const std::optional<YamlNode>& n, const YamlNode&, SweepSpec& sp) {
                    if (n && !n->is_null()) sp.metrics = read_metric_list(*n);
                  })
          .custom(ParamDoc("pareto", "list of {x, y, x_goal, y_goal}", "tokens_per_s_per_user vs tokens_per_s_per_gpu",
                           false, "Pareto frontiers to extract (pareto.json, results)."),
                  [](const std::optional<YamlNode>& n, const YamlNode&, SweepSpec& sp) {
                    if (!n || n->is_null()) return;
                    if (!n->is_sequence()) n->fail(fmt::format("got {}", n->kind_noun()), "a list of {x: METRIC, y: METRIC}");
                    for (const auto& e : n->elements()) {
                      const ParetoEntry p = pareto_schema().read(e);
                      sp.pareto.push_back(make_pareto(p.x, p.y, p.x_goal, p.y_goal));
                    }
                  })
          .custom(ParamDoc("expect", "list of strings", "[]", false,
                           "Expectations checked on every point, added to the base scenario's own."),
                  [](const std::optional<YamlNode>& n, const YamlNode&, SweepSpec& sp) { sp.expect = read_expectations(n); })
          .text("output", &SweepSpec::output, "", "Output folder (default out/<name>; -o overrides).");
  return s;
}

SweepSpec load_sweep(const std::string& path) {
  const YamlNode doc = YamlNode::load_file(path);
  if (!doc.is_map()) doc.fail(fmt::format("the file holds {}", doc.kind_noun()), "a map with scenario: and axes:");
  SweepSpec spec = sweep_schema().read(doc);
  spec.file = path;
  if (spec.name.empty()) spec.name = std::filesystem::path(path).stem().string();
  if (spec.output.empty()) spec.output = "out/" + spec.name;
  if (spec.metrics.empty()) spec.metrics = default_metric_columns();
  if (spec.pareto.empty()) spec.pareto = default_pareto();
  return spec;
}

BatchPlan expand_sweep(const SweepSpec& spec) {
  const std::filesystem::path sweep_dir = std::filesystem::path(spec.file).parent_path();
  const std::string base_file = absolute_from(sweep_dir.empty() ? "." : sweep_dir, spec.scenario);
  // The base alone first, so that its own mistakes are reported in its own file.
  const Scenario base = load_scenario(base_file);
  const std::string base_text = read_text(base_file);
  YAML::Node base_root = portable_scenario(base_file);
  const std::filesystem::path values_dir = sweep_dir.empty() ? "." : sweep_dir;
  std::string set_text;  // part of every point's key
  for (const auto& s : spec.set) {
    YAML::Node v = s.values.front();
    if (is_file_value(s.path, v)) v = YAML::Node(absolute_from(values_dir, v.Scalar()));
    const std::string why = set_path(base_root, s.path, v);
    if (!why.empty())
      throw ConfigError(s.where, "set." + s.path, "cannot set this path in the scenario: " + why,
                        "a path through maps of the scenario, such as workload.requests");
    set_text += "set " + s.path + "=" + value_text(s.values.front()) + "\n";
  }

  // Axis values that are file paths were written relative to the sweep file.
  std::vector<SweepAxis> axes = spec.axes;
  for (auto& a : axes) {
    for (auto& v : a.values) {
      if (is_file_value(a.path, v)) v = YAML::Node(absolute_from(values_dir, v.Scalar()));
    }
  }

  BatchPlan plan;
  plan.kind = "sweep";
  plan.name = spec.name;
  plan.description = spec.description;
  for (const auto& a : spec.axes) plan.param_columns.push_back(a.path);
  plan.metrics = spec.metrics;
  plan.pareto = spec.pareto;

  const auto combos = combinations(spec);
  const std::size_t count = combos.size() * static_cast<std::size_t>(spec.repetitions);
  const auto file_name = std::make_shared<const std::string>(spec.file);
  for (const auto& combo : combos) {
    for (int rep = 0; rep < spec.repetitions; ++rep) {
      PointPlan p;
      p.index = plan.points.size();
      p.id = point_id(p.index, count);
      p.rep = rep;
      YAML::Node root = YAML::Clone(base_root);
      std::string label;
      for (std::size_t a = 0; a < axes.size(); ++a) {
        const YAML::Node& value = axes[a].values[combo[a]];
        const std::string text = value_text(spec.axes[a].values[combo[a]]);  // as written
        p.params.emplace_back(axes[a].path, text);
        label += (label.empty() ? "" : " ") + axes[a].path + "=" + text;
        const std::string why = set_path(root, axes[a].path, value);
        if (!why.empty())
          throw ConfigError(axes[a].where, "axes." + axes[a].path, "cannot set this path in the scenario: " + why,
                            "a path through maps of the scenario, such as deployment.replicas");
      }
      if (spec.repetitions > 1) label += (label.empty() ? "" : " ") + fmt::format("rep={}", rep);
      p.label = label.empty() ? p.id : label;
      p.expect = base.expect;
      p.expect.insert(p.expect.end(), spec.expect.begin(), spec.expect.end());

      // The point must be a valid scenario before its seed is read from it.
      YAML::Node expect_node(YAML::NodeType::Sequence);
      for (const auto& e : p.expect) expect_node.push_back(e);
      root["name"] = fmt::format("{}-{}", spec.name, p.id);
      if (!p.expect.empty()) root["expect"] = expect_node;
      Scenario checked;
      try {
        checked = scenario_schema().read(YamlNode(root, file_name, ""));
      } catch (const ConfigError& e) {
        refuse_point(spec, p, e);
      }
      p.seed = checked.seed + static_cast<std::uint64_t>(rep);
      root["seed"] = p.seed;

      std::string key_text = base_text + "\n--\n" + spec.name + "\n" + set_text;
      for (const auto& [k, v] : p.params) key_text += k + "=" + v + "\n";
      key_text += fmt::format("seed={}\nrep={}\n", p.seed, rep);
      for (const auto& e : p.expect) key_text += "expect=" + e + "\n";
      p.key = fnv1a_hex(key_text);
      p.scenario_yaml = fmt::format(
          "# tokenfab sweep '{}', point {} of {}: {}\n# Base scenario: {}\n# Reproduce this point alone: tokenfab run "
          "<this file>\n",
          spec.name, p.id, count, p.label, base_file) + emit_yaml(root);
      plan.points.push_back(std::move(p));
    }
  }
  return plan;
}

}  // namespace tokenfab::batch
