#include "sim/batch/outputs.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

namespace tokenfab::batch {
namespace {

std::string number_text(double v) { return fmt::format("{}", v); }  // shortest round-trip form

Json params_json(const PointPlan& p) {
  Json j = Json::object();
  for (const auto& [k, v] : p.params) j[k] = v;
  return j;
}

Json record(const BatchPlan& plan, const PointReport& pr) {
  const PointPlan& p = *pr.plan;
  const PointResult& r = *pr.result;
  Json j;
  j["index"] = p.index;
  j["id"] = p.id;
  j["label"] = p.label;
  j["rep"] = p.rep;
  j["seed"] = p.seed;
  j["params"] = params_json(p);
  j["status"] = r.status == PointStatus::Ok ? "ok" : "failed";
  j["exit_code"] = r.exit_code;
  j["error"] = r.error;
  Json metrics = Json::object();
  for (std::size_t m = 0; m < plan.metrics.size(); ++m) {
    metrics[plan.metrics[m]] = pr.metrics[m].value ? Json(*pr.metrics[m].value) : Json(nullptr);
  }
  j["metrics"] = metrics;
  Json ex = Json::array();
  for (const auto& e : pr.expectations) {
    ex.push_back({{"expect", e.text},
                  {"verdict", verdict_name(e.verdict)},
                  {"value", e.value ? Json(*e.value) : Json(nullptr)},
                  {"message", e.message}});
  }
  j["expectations"] = ex;
  j["pareto"] = pr.frontiers;
  j["summary"] = r.summary;
  return j;
}

Json pareto_json(const BatchPlan& plan, const BatchReport& report) {
  Json frontiers = Json::array();
  for (const auto& f : report.frontiers) {
    Json points = Json::array();
    for (const auto& c : f.candidates) {
      const PointPlan& p = plan.points[c.index];
      const bool on = std::find(f.front.begin(), f.front.end(), c.index) != f.front.end();
      points.push_back({{"index", p.index}, {"id", p.id}, {"label", p.label}, {"params", params_json(p)}, {"x", c.x},
                        {"y", c.y}, {"on_front", on}});
    }
    Json front = Json::array();
    for (const auto i : f.front) front.push_back(plan.points[i].id);
    frontiers.push_back({{"name", f.spec.name()},
                         {"x", f.spec.x},
                         {"y", f.spec.y},
                         {"x_goal", goal_name(f.spec.x_goal)},
                         {"y_goal", goal_name(f.spec.y_goal)},
                         {"front", front},
                         {"points", points},
                         {"note", f.note}});
  }
  Json j;
  j["kind"] = plan.kind;
  j["name"] = plan.name;
  j["frontiers"] = frontiers;
  return j;
}

}  // namespace

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

BatchReport make_report(const BatchPlan& plan, const std::vector<PointResult>& results, const std::optional<Shard>& shard) {
  BatchReport report;
  std::vector<const PointResult*> by_index(plan.points.size(), nullptr);
  for (const auto& r : results) {
    if (r.index < by_index.size()) by_index[r.index] = &r;
  }
  std::vector<Metric> metrics;
  for (const auto& name : plan.metrics) metrics.push_back(resolve_metric(name));
  for (const auto& p : plan.points) {
    if (shard && !shard->contains(p.index)) continue;
    PointReport pr;
    pr.plan = &p;
    pr.result = by_index[p.index];
    if (pr.result && pr.result->status == PointStatus::Ok) {
      for (const auto& m : metrics) pr.metrics.push_back(metric_value(m, pr.result->summary));
      pr.expectations = evaluate_all(p.expect, pr.result->summary);
    } else {
      pr.metrics.assign(metrics.size(), MetricLookup{});
    }
    report.points.push_back(std::move(pr));
  }
  // Columns no summary can fill are worth a word (e.g. energy metrics before summaries carry them).
  std::string empty_columns, first_reason;
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    std::string error;
    bool any_ok = false, any_value = false;
    for (const auto& pr : report.points) {
      if (!pr.result || pr.result->status != PointStatus::Ok) continue;
      any_ok = true;
      any_value = any_value || pr.metrics[m].value.has_value();
      if (error.empty()) error = pr.metrics[m].error;
    }
    if (!any_ok || any_value) continue;
    empty_columns += (empty_columns.empty() ? "" : ", ") + plan.metrics[m];
    if (first_reason.empty()) first_reason = error;
  }
  if (!empty_columns.empty())
    report.notes.push_back(fmt::format("no summary has a value for column(s) {} (e.g. {})", empty_columns, first_reason));
  if (shard) return report;
  for (const auto& spec : plan.pareto) {
    Frontier f;
    f.spec = spec;
    const Metric mx = resolve_metric(spec.x), my = resolve_metric(spec.y);
    for (const auto& pr : report.points) {
      if (!pr.result || pr.result->status != PointStatus::Ok) continue;
      const MetricLookup x = metric_value(mx, pr.result->summary), y = metric_value(my, pr.result->summary);
      if (x.value && y.value) {
        f.candidates.push_back({pr.plan->index, *x.value, *y.value});
      } else if (f.note.empty()) {
        f.note = x.value ? y.error : x.error;
      }
    }
    f.front = pareto_front(f.candidates, spec.x_goal, spec.y_goal);
    for (const auto i : f.front) {
      for (auto& pr : report.points) {
        if (pr.plan->index == i) pr.frontiers.push_back(spec.name());
      }
    }
    if (!f.note.empty()) report.notes.push_back(fmt::format("pareto '{}': {}", spec.name(), f.note));
    report.frontiers.push_back(std::move(f));
  }
  return report;
}

std::vector<std::string> write_results(const std::string& out_dir, const BatchPlan& plan, const BatchReport& report,
                                       const std::optional<Shard>& shard) {
  // Appended piece by piece: GCC 12 warns (-Wrestrict, a known false positive) on "." + tag here.
  std::string stem = out_dir + "/results";
  if (shard) {
    stem += '.';
    stem += shard->tag();
  }
  std::vector<std::string> written;
  {
    std::ofstream out(stem + ".jsonl", std::ios::binary);
    for (const auto& pr : report.points) {
      if (pr.result) out << record(plan, pr).dump() << "\n";
    }
    written.push_back(stem + ".jsonl");
  }
  {
    std::ofstream out(stem + ".csv", std::ios::binary);
    std::vector<std::string> header{"index", "id", "label", "rep", "seed"};
    header.insert(header.end(), plan.param_columns.begin(), plan.param_columns.end());
    header.push_back("status");
    header.insert(header.end(), plan.metrics.begin(), plan.metrics.end());
    header.push_back("expectations");
    if (!shard) {
      for (const auto& f : plan.pareto) header.push_back("pareto: " + f.name());
    }
    header.push_back("error");
    for (std::size_t i = 0; i < header.size(); ++i) out << (i ? "," : "") << csv_field(header[i]);
    out << "\n";
    for (const auto& pr : report.points) {
      if (!pr.result) continue;
      const PointPlan& p = *pr.plan;
      std::vector<std::string> row{fmt::format("{}", p.index), p.id, p.label, fmt::format("{}", p.rep), fmt::format("{}", p.seed)};
      for (const auto& col : plan.param_columns) {
        std::string v;
        for (const auto& [k, val] : p.params) {
          if (k == col) v = val;
        }
        row.push_back(v);
      }
      row.push_back(pr.result->status == PointStatus::Ok ? "ok" : "failed");
      for (const auto& m : pr.metrics) row.push_back(m.value ? number_text(*m.value) : "");
      row.push_back(pr.expectations.empty() ? "" : verdict_name(worst(pr.expectations)));
      if (!shard) {
        for (const auto& f : plan.pareto) {
          const bool on = std::find(pr.frontiers.begin(), pr.frontiers.end(), f.name()) != pr.frontiers.end();
          row.push_back(on ? "1" : "0");
        }
      }
      row.push_back(pr.result->error);
      for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_field(row[i]);
      out << "\n";
    }
    written.push_back(stem + ".csv");
  }
  if (!shard) {
    std::ofstream(out_dir + "/pareto.json", std::ios::binary) << pareto_json(plan, report).dump(2) << "\n";
    written.push_back(out_dir + "/pareto.json");
  }
  return written;
}

std::vector<std::string> check_failures(const BatchReport& report) {
  std::vector<std::string> lines;
  for (const auto& pr : report.points) {
    const std::string who = pr.plan->label == pr.plan->id ? pr.plan->id : fmt::format("{} ({})", pr.plan->id, pr.plan->label);
    if (!pr.result) {
      lines.push_back(fmt::format("{}: not run", who));
      continue;
    }
    if (pr.result->status != PointStatus::Ok) {
      lines.push_back(fmt::format("{}: run failed: {}", who, pr.result->error));
      continue;
    }
    for (const auto& e : pr.expectations) {
      if (e.verdict == Verdict::Fail) lines.push_back(fmt::format("{}: {}", who, e.message));
      if (e.verdict == Verdict::Error) lines.push_back(fmt::format("{}: cannot check '{}': {}", who, e.text, e.message));
    }
  }
  return lines;
}

ReportCounts count(const BatchReport& report) {
  ReportCounts c;
  for (const auto& pr : report.points) {
    if (!pr.result) {
      ++c.pending;
    } else if (pr.result->status != PointStatus::Ok) {
      ++c.failed;
    } else {
      ++c.ok;
      c.expectations_failed += worst(pr.expectations) != Verdict::Pass ? 1 : 0;
    }
  }
  return c;
}

}  // namespace tokenfab::batch
