#include "sim/batch/compare.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "sim/batch/yaml_edit.hpp"
#include "sim/config/scenario.hpp"
#include "sim/batch/text_file.hpp"

namespace tokenfab::batch {
namespace {

// Labels are column headings: unique, so a name used twice gets its position appended.
void make_labels_unique(BatchPlan& plan) {
  std::set<std::string> seen, dup;
  for (const auto& p : plan.points) {
    if (!seen.insert(p.label).second) dup.insert(p.label);
  }
  for (auto& p : plan.points) {
    if (dup.count(p.label)) p.label += fmt::format("#{}", p.index + 1);
  }
}

PointPlan make_point(BatchPlan& plan, const std::string& param, const std::string& value, const std::string& label,
                     const Scenario& sc, YAML::Node root, const std::string& key_text, std::size_t count) {
  PointPlan p;
  p.index = plan.points.size();
  p.id = point_id(p.index, count);
  p.label = label;
  p.seed = sc.seed;
  p.params.emplace_back(param, value);
  p.expect = sc.expect;
  p.key = fnv1a_hex(key_text + "\n--\n" + param + "=" + value);
  root["name"] = sc.name;
  p.scenario_yaml = fmt::format("# tokenfab compare, point {} of {}: {}\n# Reproduce this point alone: tokenfab run <this file>\n",
                                p.id, count, label) +
                    emit_yaml(root);
  return p;
}

std::string ratio_text(const MetricLookup& v, const MetricLookup& base) {
  if (!v.value || !base.value || *base.value == 0) return "n/a";
  return fmt::format("{:.2f}x", *v.value / *base.value);
}

}  // namespace

const std::vector<std::string>& compare_metrics() {
  static const std::vector<std::string> rows{"tokens_per_s", "tokens_per_s_per_gpu", "tokens_per_s_per_mw",
                                             "ttft_p50",     "ttft_p99",             "tpot_p50",
                                             "tpot_p99",     "goodput",              "cost_per_mtok",
                                             "revenue_per_hour"};
  return rows;
}

BatchPlan compare_plan(const std::vector<std::string>& scenarios, const std::vector<std::string>& platforms,
                       const std::vector<std::string>& metrics) {
  BatchPlan plan;
  plan.kind = "compare";
  plan.name = "compare";
  plan.metrics = metrics.empty() ? compare_metrics() : metrics;
  if (!platforms.empty()) {
    if (scenarios.size() != 1)
      throw ConfigError({scenarios.empty() ? std::string("--platform") : scenarios[1], 0, 0}, "",
                        "--platform compares one scenario on several platforms, but several scenarios were given",
                        "tokenfab compare SCENARIO --platform P1 --platform P2 ...");
    const Scenario base = load_scenario(scenarios.front());
    const std::string text = read_text(scenarios.front());
    plan.name = base.name;
    plan.description = fmt::format("{} on {} platforms", base.name, platforms.size());
    plan.param_columns = {"platform"};
    const auto file = std::make_shared<const std::string>(scenarios.front());
    for (const auto& platform : platforms) {
      if (!std::filesystem::exists(platform)) throw ConfigError({platform, 0, 0}, "--platform", "platform file not found");
      YAML::Node root = portable_scenario(scenarios.front());
      set_path(root, "platform", YAML::Node(absolute_from(".", platform)));
      (void)scenario_schema().read(YamlNode(root, file, ""));
      plan.points.push_back(make_point(plan, "platform", platform, std::filesystem::path(platform).stem().string(), base,
                                       root, text, platforms.size()));
    }
  } else {
    if (scenarios.size() < 2)
      throw ConfigError({scenarios.empty() ? std::string("compare") : scenarios.front(), 0, 0}, "",
                        "a comparison needs two scenarios or more, or one scenario with --platform",
                        "tokenfab compare A.yaml B.yaml ..., or tokenfab compare A.yaml --platform P1 --platform P2");
    plan.param_columns = {"scenario"};
    for (const auto& s : scenarios) {
      const Scenario sc = load_scenario(s);
      plan.points.push_back(make_point(plan, "scenario", s, sc.name, sc, portable_scenario(s), read_text(s), scenarios.size()));
    }
  }
  make_labels_unique(plan);
  if (platforms.empty()) {
    plan.name.clear();
    for (const auto& p : plan.points) plan.name += (plan.name.empty() ? "" : "-vs-") + p.label;
  }
  return plan;
}

void print_compare_table(std::ostream& out, const BatchPlan& plan, const BatchReport& report) {
  if (report.points.empty()) return;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head{"metric"};
  for (std::size_t c = 0; c < report.points.size(); ++c) {
    head.push_back(report.points[c].plan->label);
    if (c > 0) head.push_back(fmt::format("/ {}", report.points[0].plan->label));
  }
  rows.push_back(head);
  for (std::size_t m = 0; m < plan.metrics.size(); ++m) {
    const Metric metric = resolve_metric(plan.metrics[m]);
    std::vector<std::string> row{plan.metrics[m]};
    const MetricLookup& base = report.points[0].metrics[m];
    for (std::size_t c = 0; c < report.points.size(); ++c) {
      const PointReport& pr = report.points[c];
      const MetricLookup& v = pr.metrics[m];
      if (!pr.result) {
        row.push_back("not run");
      } else if (pr.result->status != PointStatus::Ok) {
        row.push_back("failed");
      } else {
        row.push_back(v.value ? format_metric(metric, *v.value) : "n/a");
      }
      if (c > 0) row.push_back(ratio_text(v, base));
    }
    rows.push_back(row);
  }
  std::vector<std::size_t> width(head.size(), 0);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  for (const auto& r : rows) {
    out << " ";
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (i == 0) {
        fmt::print(out, " {:<{}}", r[i], width[i]);
      } else {
        fmt::print(out, "  {:>{}}", r[i], width[i]);
      }
    }
    out << "\n";
  }
  for (const auto& pr : report.points) {
    if (pr.result && pr.result->status != PointStatus::Ok) fmt::print(out, "  {} failed: {}\n", pr.plan->label, pr.result->error);
  }
}

Json compare_json(const BatchPlan& plan, const BatchReport& report) {
  Json j;
  j["kind"] = "compare";
  j["baseline"] = report.points.empty() ? "" : report.points[0].plan->label;
  j["metrics"] = plan.metrics;
  Json cols = Json::array();
  for (const auto& pr : report.points) {
    Json values = Json::object(), ratios = Json::object();
    for (std::size_t m = 0; m < plan.metrics.size(); ++m) {
      const MetricLookup& v = pr.metrics[m];
      const MetricLookup& base = report.points[0].metrics[m];
      values[plan.metrics[m]] = v.value ? Json(*v.value) : Json(nullptr);
      ratios[plan.metrics[m]] = v.value && base.value && *base.value != 0 ? Json(*v.value / *base.value) : Json(nullptr);
    }
    Json params = Json::object();
    for (const auto& [k, v] : pr.plan->params) params[k] = v;
    cols.push_back({{"id", pr.plan->id},
                    {"label", pr.plan->label},
                    {"params", params},
                    {"status", !pr.result ? "not run" : pr.result->status == PointStatus::Ok ? "ok" : "failed"},
                    {"error", pr.result ? pr.result->error : ""},
                    {"metrics", values},
                    {"ratio_to_baseline", ratios}});
  }
  j["scenarios"] = cols;
  return j;
}

}  // namespace tokenfab::batch
