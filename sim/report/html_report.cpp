#include "sim/report/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/core/config_error.hpp"
#include "sim/report/charts.hpp"
#include "sim/report/html_page.hpp"
#include "sim/report/pareto.hpp"
#include "sim/report/run_files.hpp"
#include "sim/report/vega_bundle.hpp"

namespace tokenfab {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// --- Reading summary.json fields that may be absent (older runs, sections not written) ----------

std::optional<double> num(const Json& j, const std::string& pointer) {
  const Json::json_pointer p(pointer);
  if (!j.contains(p)) return std::nullopt;
  const Json& v = j.at(p);
  if (!v.is_number()) return std::nullopt;
  return v.get<double>();
}

double num_or(const Json& j, const std::string& pointer, double fallback) { return num(j, pointer).value_or(fallback); }

std::string text(const Json& j, const std::string& pointer, const std::string& fallback = "") {
  const Json::json_pointer p(pointer);
  if (!j.contains(p) || !j.at(p).is_string()) return fallback;
  return j.at(p).get<std::string>();
}

const Json* section(const Json& j, const std::string& pointer) {
  const Json::json_pointer p(pointer);
  return j.contains(p) ? &j.at(p) : nullptr;
}

std::string ms(const std::optional<double>& s) { return s ? fmt::format("{:.1f}", *s * 1e3) : "n/a"; }

std::string limit_text(const Json& c, const char* key) {
  return c.contains(key) && c[key].is_number() ? fmt::format("{:.0f} ms", c[key].get<double>() * 1e3) : "none";
}

std::string summary_path_of(const std::string& run) {
  const fs::path p(run);
  return fs::is_directory(p) ? (p / "summary.json").string() : p.string();
}

// --- One run -----------------------------------------------------------------------------------

struct RunData {
  std::string dir;
  Json summary;
  std::optional<RequestFileData> requests;
  std::optional<TimeSeries> timeseries;
};

RunData load_run(const std::string& dir, const HtmlReportOptions& o) {
  RunData d;
  d.dir = dir;
  const std::string summary = (fs::path(dir) / "summary.json").string();
  if (!fs::exists(summary))
    throw ConfigError({summary, 0, 0}, "", "file not found", "the output folder of tokenfab run (with summary.json)");
  d.summary = read_summary_json(summary);
  const fs::path requests = fs::path(dir) / "requests.csv";
  if (fs::exists(requests)) {
    const double horizon = num_or(d.summary, "/time/sim_time_s", 0.0);
    d.requests = read_requests_csv(requests.string(), horizon, o.time_bins);
  }
  const fs::path series = fs::path(dir) / "timeseries.csv";
  if (fs::exists(series)) d.timeseries = read_timeseries_csv(series.string());
  return d;
}

void scenario_header(HtmlPage& page, const Json& s) {
  const std::string description = text(s, "/scenario/description");
  if (!description.empty()) page.paragraph(description);
  page.key_values({{"scenario", text(s, "/scenario/name", "?")},
                   {"model", text(s, "/scenario/model", "?")},
                   {"platform", text(s, "/scenario/platform", "?")},
                   {"seed", s.contains("scenario") && s["scenario"].contains("seed") ? s["scenario"]["seed"].dump() : "?"},
                   {"summary.json schema_version", s.contains("schema_version") ? s["schema_version"].dump() : "?"}});
}

void key_figures(HtmlPage& page, const Json& s) {
  page.heading("Key figures");
  std::vector<std::pair<std::string, std::string>> rows = {
      {"requests arrived / completed / rejected / in flight",
       fmt::format("{} / {} / {} / {}", num_or(s, "/requests/arrived", 0), num_or(s, "/requests/completed", 0),
                   num_or(s, "/requests/rejected", 0), num_or(s, "/requests/in_flight", 0))},
      {"simulated time (s)", human_number(num(s, "/time/sim_time_s"))},
      {"throughput window (s)", human_number(num(s, "/time/window_s"))},
      {"requests/s", human_number(num(s, "/throughput/requests_per_s"))},
      {"output tokens/s", human_number(num(s, "/throughput/output_tokens_per_s"))},
      {"input + output tokens/s", human_number(num(s, "/throughput/total_tokens_per_s"))},
      {"GPU busy fraction", percent(num_or(s, "/utilisation/gpu_busy_fraction", NAN))}};
  if (section(s, "/goodput/overall")) {
    rows.push_back({"goodput: requests/s within SLO", human_number(num(s, "/goodput/overall/good_requests_per_s"))});
    rows.push_back({"goodput: output tokens/s within SLO",
                    human_number(num(s, "/goodput/overall/good_output_tokens_per_s"))});
    rows.push_back({"SLO attainment", percent(num_or(s, "/goodput/overall/attainment", NAN))});
    rows.push_back({"output tokens/s per user (median 1/TPOT)",
                    human_number(num(s, "/goodput/overall/tokens_per_s_per_user/p50"))});
  }
  if (section(s, "/economics")) {
    rows.push_back({"output tokens/s per MW (provisioned)",
                    human_number(num(s, "/economics/efficiency/output_tokens_per_s_per_mw"))});
    const auto cost = num(s, "/economics/cost/per_mtok_output");
    rows.push_back({"cost per million output tokens", cost ? usd(*cost) : "n/a"});
    rows.push_back({"revenue per hour (pod)", usd(num_or(s, "/economics/revenue/total_per_hour", NAN))});
  }
  page.key_values(rows);
  std::vector<std::vector<std::string>> lat;
  for (const auto& [name, key] : {std::pair{"TTFT", "ttft"}, {"TPOT", "tpot"}, {"E2E", "e2e"}, {"queueing", "queueing"}}) {
    const std::string base = std::string("/latency_s/") + key;
    lat.push_back({name, ms(num(s, base + "/mean")), ms(num(s, base + "/p50")), ms(num(s, base + "/p90")),
                   ms(num(s, base + "/p99")), ms(num(s, base + "/max"))});
  }
  page.table({"latency (ms)", "mean", "p50", "p90", "p99", "max"}, lat);
}

// Classes of the goodput section with at least one arrival.
std::vector<const Json*> goodput_classes(const Json& s) {
  std::vector<const Json*> out;
  if (const Json* classes = section(s, "/goodput/classes"); classes && classes->is_array()) {
    for (const auto& c : *classes) {
      if (c.value("arrived", 0.0) > 0) out.push_back(&c);
    }
  }
  return out;
}

void goodput_section(HtmlPage& page, const Json& s) {
  page.heading("Goodput and SLO attainment");
  const auto classes = goodput_classes(s);
  if (classes.empty()) {
    page.paragraph("summary.json has no goodput section (written by tokenfab run since issue 7).", "note");
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const Json* c : classes) {
    rows.push_back({c->value("name", "?"), limit_text(*c, "ttft_limit_s"), limit_text(*c, "tpot_limit_s"),
                    human_number(c->value("arrived", 0.0)), human_number(c->value("good", 0.0)),
                    percent(c->value("attainment", NAN)), percent(c->value("ttft_attainment", NAN)),
                    percent(c->value("tpot_attainment", NAN)), human_number(c->value("good_requests_per_s", NAN)),
                    human_number(c->value("output_tokens_per_s", NAN)),
                    human_number(c->value("good_output_tokens_per_s", NAN)),
                    human_number(num(*c, "/tokens_per_s_per_user/p50"))});
  }
  page.table({"class", "TTFT limit", "TPOT limit", "arrived", "good", "attainment", "TTFT met", "TPOT met",
              "good req/s", "output tok/s", "good output tok/s", "tok/s per user (p50)"},
             rows);
  page.paragraph(
      "A request is good when it completed with TTFT and TPOT within its class's limits (DistServe's criterion); "
      "attainment is good / arrived, so rejected and unfinished requests count as misses. Rates are over the "
      "throughput window.",
      "note");

  BarChart chart;
  chart.title = "Goodput per tier";
  chart.subtitle = "output tokens/s of completed requests and of those within their SLO; label: SLO attainment";
  chart.x_title = "service class";
  chart.y_title = "output tokens/s";
  chart.legend_title = "requests";
  for (const Json* c : classes) {
    const std::string name = c->value("name", "?");
    chart.bars.push_back({name, "completed", c->value("output_tokens_per_s", 0.0), ""});
    chart.bars.push_back({name, "within SLO", c->value("good_output_tokens_per_s", 0.0),
                          percent(c->value("attainment", NAN))});
  }
  page.chart(bar_chart_spec(chart), "Goodput per service class (summary.json: goodput.classes).");
}

void economics_section(HtmlPage& page, const Json& s) {
  page.heading("Power, cost and revenue");
  const Json* e = section(s, "/economics");
  if (!e) {
    page.paragraph("summary.json has no economics section.", "note");
    return;
  }
  page.key_values({{"IT power, average", human_number(num(*e, "/power/it_average_w")) + "W"},
                   {"IT power, peak", human_number(num(*e, "/power/it_peak_w")) + "W"},
                   {"facility power (x PUE), average", human_number(num(*e, "/power/facility_average_w")) + "W"},
                   {"facility power, provisioned (" + text(*e, "/assumptions/provision", "?") + ")",
                    human_number(num(*e, "/power/provisioned_w")) + "W"},
                   {"output tokens/s per MW (provisioned)", human_number(num(*e, "/efficiency/output_tokens_per_s_per_mw"))},
                   {"good output tokens/s per MW", human_number(num(*e, "/efficiency/good_output_tokens_per_s_per_mw"))},
                   {"output tokens/s per GPU", human_number(num(*e, "/efficiency/output_tokens_per_s_per_gpu"))},
                   {"device capex", usd(num_or(*e, "/cost/capex_usd", NAN))},
                   {"cost per hour: devices (amortised)", usd(num_or(*e, "/cost/capex_per_hour", NAN))},
                   {"cost per hour: facility (amortised)", usd(num_or(*e, "/cost/facility_capex_per_hour", NAN))},
                   {"cost per hour: energy", usd(num_or(*e, "/cost/energy_per_hour", NAN))},
                   {"cost per hour: total", usd(num_or(*e, "/cost/total_per_hour", NAN))},
                   {"cost per million output tokens", num(*e, "/cost/per_mtok_output") ? usd(*num(*e, "/cost/per_mtok_output")) : "n/a"},
                   {"cost per million tokens (input + output)", num(*e, "/cost/per_mtok_total") ? usd(*num(*e, "/cost/per_mtok_total")) : "n/a"},
                   {"revenue per hour", usd(num_or(*e, "/revenue/total_per_hour", NAN))},
                   {"margin per hour", usd(num_or(*e, "/revenue/margin_per_hour", NAN))},
                   {"margin / revenue", num(*e, "/revenue/margin_fraction") ? percent(*num(*e, "/revenue/margin_fraction")) : "n/a"}});
  page.paragraph("Power: " + text(*e, "/power/source", "not stated"), "note");
  // IT power by component class, and what the PUE adds (economics.power.by_class).
  if (const Json* classes = section(*e, "/power/by_class")) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, c] : classes->items()) {
      rows.push_back({name, human_number(num(c, "/average_w")) + "W", human_number(num(c, "/peak_w")) + "W"});
    }
    page.table({"power by component class", "average", "peak"}, rows);
  }

  if (const Json* tiers = section(*e, "/revenue/tiers"); tiers && !tiers->empty()) {
    page.heading("Revenue per tier", 3);
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : *tiers) {
      rows.push_back({t.value("tier", "?"), usd(t.value("price_per_mtok", NAN)),
                      human_number(t.value("good_output_tokens_per_s", NAN)), usd(t.value("revenue_per_hour", NAN))});
    }
    page.table({"tier", "price per million output tokens", "good output tokens/s", "revenue per hour"}, rows);
  }

  page.heading("Factory at the power budget (extrapolation)", 3);
  page.paragraph("Extrapolation: " + text(*e, "/factory/extrapolation", "copies of the simulated pod") + ".",
                 "extrapolation");
  page.key_values({{"power budget", human_number(num(*e, "/factory/power_budget_w")) + "W"},
                   {"provisioned power per pod", human_number(num(*e, "/factory/pod_power_w")) + "W"},
                   {"pods", human_number(num(*e, "/factory/pods"))},
                   {"GPUs", human_number(num(*e, "/factory/gpus"))},
                   {"output tokens/s", human_number(num(*e, "/factory/output_tokens_per_s"))},
                   {"output tokens/s within SLO", human_number(num(*e, "/factory/good_output_tokens_per_s"))},
                   {"revenue per hour", usd(num_or(*e, "/factory/revenue_per_hour", NAN))},
                   {"cost per hour", usd(num_or(*e, "/factory/cost_per_hour", NAN))}});

  page.heading("Assumptions", 3);
  std::vector<std::pair<std::string, std::string>> a = {
      {"amortisation of devices (years)", human_number(num(*e, "/assumptions/amortisation_years"))},
      {"electricity (USD per kWh)", human_number(num(*e, "/assumptions/electricity_usd_per_kwh"))},
      {"PUE", human_number(num(*e, "/assumptions/pue"))},
      {"power budget", human_number(num(*e, "/assumptions/power_budget_w")) + "W"},
      {"provisioned by", text(*e, "/assumptions/provision", "?")},
      {"facility capex (USD per W)", human_number(num(*e, "/assumptions/facility_capex_usd_per_w"))},
      {"facility amortisation (years)", human_number(num(*e, "/assumptions/facility_amortisation_years"))}};
  page.key_values(a);
  if (const Json* capex = section(*e, "/capex"); capex && !capex->empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : *capex) {
      rows.push_back({l.value("device", "?"), human_number(l.value("count", NAN)), usd(l.value("unit_price_usd", NAN)),
                      usd(l.value("total_usd", NAN)), l.value("mark", ""), l.value("source", "")});
    }
    page.table({"device", "count", "unit price", "total", "mark", "source"}, rows);
  }
}

// Any other numeric section (the energy section of the engine) as a flat table, so that figures
// written by newer engines still show.
void generic_section(HtmlPage& page, const Json& s, const std::string& key, const std::string& title) {
  const Json* sec = section(s, "/" + key);
  if (!sec || !sec->is_object()) return;
  page.heading(title);
  std::vector<std::pair<std::string, std::string>> rows;
  const auto flatten = [&](const auto& self, const Json& j, const std::string& prefix) -> void {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string name = prefix.empty() ? it.key() : prefix + "." + it.key();
      if (it->is_object()) {
        self(self, *it, name);
      } else if (it->is_number()) {
        rows.push_back({name, human_number(it->get<double>())});
      } else if (it->is_string()) {
        rows.push_back({name, it->get<std::string>()});
      }
    }
  };
  flatten(flatten, *sec, "");
  page.key_values(rows);
}

// Consecutive rows averaged so that a line has at most `max_points` points.
std::vector<ChartPoint> thin(const std::vector<double>& x, const std::vector<double>& y, std::size_t max_points) {
  std::vector<ChartPoint> out;
  const std::size_t n = std::min(x.size(), y.size());
  const std::size_t stride = std::max<std::size_t>(1, (n + max_points - 1) / std::max<std::size_t>(max_points, 1));
  for (std::size_t i = 0; i < n; i += stride) {
    double sx = 0, sy = 0;
    std::size_t k = 0;
    for (std::size_t j = i; j < std::min(n, i + stride); ++j) {
      if (!std::isfinite(y[j])) continue;
      sx += x[j];
      sy += y[j];
      ++k;
    }
    if (k > 0) out.push_back({sx / static_cast<double>(k), sy / static_cast<double>(k)});
  }
  return out;
}

bool contains_any(const std::string& name, std::initializer_list<const char*> parts) {
  return std::any_of(parts.begin(), parts.end(), [&](const char* p) { return name.find(p) != std::string::npos; });
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void time_charts(HtmlPage& page, const RunData& d, const HtmlReportOptions& o) {
  page.heading("Over time");
  struct Group {
    const char* title;
    const char* y_title;
    double scale;
    std::vector<ChartSeries> series;
  };
  Group throughput{"Throughput over time", "tokens/s", 1.0, {}};
  Group power{"Power over time", "kW", 1e-3, {}};
  Group utilisation{"Utilisation over time", "fraction", 1.0, {}};
  Group queues{"Queues over time", "requests", 1.0, {}};
  Group requests{"Requests per interval", "requests", 1.0, {}};
  std::vector<std::string> unplotted;
  if (d.timeseries) {
    const TimeSeries& ts = *d.timeseries;
    for (std::size_t c = 0; c < ts.columns.size(); ++c) {
      const std::string& name = ts.columns[c];
      if (name == "interval_s") continue;  // each row's length (the last may be shorter), not a quantity
      Group* g = nullptr;
      if (contains_any(name, {"tokens_per_s"})) g = &throughput;
      else if (name.rfind("requests_", 0) == 0) g = &requests;
      else if (ends_with(name, "_w") || contains_any(name, {"power"})) g = &power;
      else if (contains_any(name, {"fraction", "util", "mfu", "occupancy"})) g = &utilisation;
      else if (contains_any(name, {"queue", "waiting", "running"})) g = &queues;
      if (!g) {
        unplotted.push_back(name);
        continue;
      }
      auto points = thin(ts.time, ts.values[c], o.max_series_points);
      for (auto& p : points) p.y *= g->scale;
      g->series.push_back({name, std::move(points)});
    }
  }
  std::string throughput_caption = "From timeseries.csv (the engine's account of each interval).";
  if (throughput.series.empty() && d.requests) {
    // No engine samples: derive output tokens/s from requests.csv.
    ChartSeries s{"output tokens/s (from requests.csv)", {}};
    const RequestFileData& r = *d.requests;
    for (std::size_t k = 0; k < r.output_tokens_per_bin.size(); ++k)
      s.points.push_back({(static_cast<double>(k) + 0.5) * r.bin_width, r.output_tokens_per_bin[k] / r.bin_width});
    throughput.series.push_back(std::move(s));
    throughput_caption = fmt::format(
        "Derived from requests.csv in {} bins of {:.3g} s: each request's first token at its first-token time, the "
        "others spread evenly until its completion.",
        r.output_tokens_per_bin.size(), r.bin_width);
  }
  for (Group* g : {&throughput, &requests, &power, &utilisation, &queues}) {
    if (g->series.empty()) continue;
    LineChart chart;
    chart.title = g->title;
    chart.x_title = "simulated time (s)";
    chart.y_title = g->y_title;
    chart.legend_title = "quantity";
    chart.series = g->series;
    page.chart(line_chart_spec(chart), g == &throughput ? throughput_caption : "From timeseries.csv.");
  }
  if (!d.timeseries)
    page.paragraph("No timeseries.csv in this run's folder: power, utilisation and queue charts need the engine's "
                   "time series.",
                   "note");
  if (!unplotted.empty()) {
    std::string list;
    for (const auto& n : unplotted) list += (list.empty() ? "" : ", ") + n;
    page.paragraph("timeseries.csv columns not charted: " + list + ".", "note");
  }
}

void latency_charts(HtmlPage& page, const RunData& d, const HtmlReportOptions& o) {
  page.heading("Latency distributions");
  if (!d.requests) {
    page.paragraph("No requests.csv in this run's folder (output.requests_csv: false): no CDFs.", "note");
    return;
  }
  const RequestFileData& r = *d.requests;
  std::vector<const LatencySamples*> groups;
  for (const auto& g : r.groups) groups.push_back(&g);
  if (groups.size() != 1) groups.insert(groups.begin(), &r.all);
  // SLO limits per class, from summary.json, as markers.
  std::vector<ChartMarker> ttft_marks, tpot_marks;
  for (const Json* c : goodput_classes(d.summary)) {
    const std::string name = c->value("name", "?");
    if (c->contains("ttft_limit_s") && (*c)["ttft_limit_s"].is_number())
      ttft_marks.push_back({name + " limit", (*c)["ttft_limit_s"].get<double>() * 1e3});
    if (c->contains("tpot_limit_s") && (*c)["tpot_limit_s"].is_number())
      tpot_marks.push_back({name + " limit", (*c)["tpot_limit_s"].get<double>() * 1e3});
  }
  for (const bool ttft : {true, false}) {
    LineChart chart;
    chart.title = ttft ? "TTFT: cumulative distribution" : "TPOT: cumulative distribution";
    chart.subtitle = ttft ? "time to first token of completed requests" : "time per output token after the first";
    chart.x_title = ttft ? "TTFT (ms)" : "TPOT (ms)";
    chart.y_title = "fraction of requests";
    chart.legend_title = "service class";
    chart.step = true;
    chart.markers = ttft ? ttft_marks : tpot_marks;
    for (const LatencySamples* g : groups) {
      chart.series.push_back({g->group, cdf_points(ttft ? g->ttft : g->tpot, o.cdf_points, 1e3)});
    }
    const std::size_t n = ttft ? r.all.ttft.size() : r.all.tpot.size();
    if (n == 0) {
      page.paragraph(std::string("No completed request has a ") + (ttft ? "TTFT" : "TPOT") + ": no CDF.", "note");
      continue;
    }
    page.chart(line_chart_spec(chart), fmt::format("Empirical CDF over {} requests (requests.csv); dashed lines: SLO "
                                                   "limits of the service classes.",
                                                   n));
  }
}

// --- Several runs --------------------------------------------------------------------------------

struct RunPoint {
  std::string label;
  std::string path;
  Json summary;
  std::optional<double> speed;    // output tokens/s per user (median 1/TPOT)
  std::optional<double> per_mw;   // output tokens/s per provisioned MW
  std::optional<double> per_gpu;  // output tokens/s per GPU
};

std::optional<double> speed_per_user(const Json& s) {
  if (auto v = num(s, "/goodput/overall/tokens_per_s_per_user/p50"); v && *v > 0) return v;
  if (auto tpot = num(s, "/latency_s/tpot/p50"); tpot && *tpot > 0) return 1.0 / *tpot;
  return std::nullopt;
}

std::optional<double> gpus_of(const Json& s) {
  if (const Json* reps = section(s, "/replicas"); reps && reps->is_array() && !reps->empty()) {
    double n = 0;
    for (const auto& r : *reps) n += r.contains("hosts") && r["hosts"].is_array() ? static_cast<double>(r["hosts"].size()) : 0.0;
    if (n > 0) return n;
  }
  return std::nullopt;
}

std::vector<RunPoint> load_points(const std::vector<std::string>& runs) {
  std::vector<RunPoint> points;
  for (const auto& run : runs) {
    const std::string path = summary_path_of(run);
    if (!fs::exists(path)) throw ConfigError({path, 0, 0}, "", "file not found", "a run folder with summary.json");
    RunPoint p;
    p.path = run;
    p.summary = read_summary_json(path);
    p.label = text(p.summary, "/scenario/name", fs::path(run).filename().string());
    p.speed = speed_per_user(p.summary);
    p.per_mw = num(p.summary, "/economics/efficiency/output_tokens_per_s_per_mw");
    p.per_gpu = num(p.summary, "/economics/efficiency/output_tokens_per_s_per_gpu");
    if (!p.per_gpu) {
      const auto gpus = gpus_of(p.summary);
      const auto tps = num(p.summary, "/throughput/output_tokens_per_s");
      if (gpus && tps) p.per_gpu = *tps / *gpus;
    }
    points.push_back(std::move(p));
  }
  // Runs that share a scenario name are told apart by their folder.
  std::vector<std::ptrdiff_t> same;
  for (const auto& p : points)
    same.push_back(std::count_if(points.begin(), points.end(), [&](const RunPoint& q) { return q.label == p.label; }));
  for (std::size_t i = 0; i < points.size(); ++i) {
    RunPoint& p = points[i];
    if (same[i] > 1) {
      const fs::path path = fs::path(p.path).lexically_normal();
      const fs::path folder = fs::is_directory(path) ? path : path.parent_path();
      p.label += " (" + (folder.filename().empty() ? folder.parent_path().filename() : folder.filename()).string() + ")";
    }
  }
  return points;
}

void pareto(HtmlPage& page, const std::vector<RunPoint>& points, bool per_mw) {
  std::vector<ParetoCandidate> candidates;
  std::vector<const RunPoint*> used;
  for (const auto& p : points) {
    const auto y = per_mw ? p.per_mw : p.per_gpu;
    if (!p.speed || !y) continue;
    candidates.push_back({*p.speed, *y});
    used.push_back(&p);
  }
  const std::string what = per_mw ? "output tokens/s per MW" : "output tokens/s per GPU";
  if (used.empty()) {
    page.paragraph("No run has both " + what + " and tokens/s per user: no Pareto chart.", "note");
    return;
  }
  const auto frontier = pareto_frontier(candidates);
  ParetoChart chart;
  chart.title = "Pareto frontier: " + what + " against output tokens/s per user";
  chart.subtitle = per_mw ? "throughput per MW of provisioned facility power; red: runs no other run beats on both"
                          : "throughput per GPU; red: runs no other run beats on both";
  chart.x_title = "output tokens/s per user (median 1/TPOT)";
  chart.y_title = what;
  for (std::size_t i = 0; i < used.size(); ++i)
    chart.points.push_back({used[i]->label, candidates[i].x, candidates[i].y, frontier[i]});
  page.chart(pareto_chart_spec(chart),
             fmt::format("{} of {} runs on the frontier. Up and to the right is better: more tokens from the same "
                         "power (or GPUs) at a higher speed per user.",
                         std::count(frontier.begin(), frontier.end(), true), used.size()));
}

void comparison_table(HtmlPage& page, const std::vector<RunPoint>& points) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : points) {
    const Json& s = p.summary;
    const auto cost = num(s, "/economics/cost/per_mtok_output");
    rows.push_back({p.label, text(s, "/scenario/model", "?"), human_number(gpus_of(s)),
                    human_number(num(s, "/throughput/output_tokens_per_s")), human_number(p.speed),
                    human_number(num(s, "/goodput/overall/good_output_tokens_per_s")),
                    percent(num_or(s, "/goodput/overall/attainment", NAN)), human_number(p.per_mw),
                    human_number(p.per_gpu), cost ? usd(*cost) : "n/a",
                    usd(num_or(s, "/economics/revenue/total_per_hour", NAN)),
                    human_number(num(s, "/economics/factory/output_tokens_per_s"))});
  }
  page.table({"run", "model", "GPUs", "output tok/s", "tok/s per user", "good output tok/s", "attainment",
              "tok/s per MW", "tok/s per GPU", "$ per M output tok", "revenue $/h", "factory tok/s"},
             rows);
}

void factory_chart(HtmlPage& page, const std::vector<RunPoint>& points) {
  BarChart chart;
  chart.title = "Factory output at the power budget (extrapolation)";
  chart.subtitle = "copies of each simulated pod filling its power budget";
  chart.x_title = "run";
  chart.y_title = "output tokens/s";
  chart.legend_title = "output";
  for (const auto& p : points) {
    const auto all = num(p.summary, "/economics/factory/output_tokens_per_s");
    const auto good = num(p.summary, "/economics/factory/good_output_tokens_per_s");
    if (!all || !good) continue;
    chart.bars.push_back({p.label, "all output", *all, ""});
    chart.bars.push_back({p.label, "within SLO", *good, human_number(*good)});
  }
  if (chart.bars.empty()) return;
  page.chart(bar_chart_spec(chart), "Pods = floor(budget / provisioned pod power); tokens/s = pods x the pod's tokens/s. "
                                    "Each run's budget is in its summary.json (economics.assumptions).");
}

// Where each run's power goes: the classes of economics.power.by_class (accelerators, network,
// storage, cooling, ...), side by side; CPO against pluggable optics shows in "optics".
void power_class_chart(HtmlPage& page, const std::vector<RunPoint>& points) {
  BarChart chart;
  chart.title = "IT power by component class and run";
  chart.subtitle = "average power of each class; cooling is what the PUE adds on top of IT power";
  chart.x_title = "component class";
  chart.y_title = "average power (W)";
  chart.legend_title = "run";
  for (const auto& p : points) {
    const Json* classes = section(p.summary, "/economics/power/by_class");
    if (!classes) continue;
    for (const auto& [name, c] : classes->items()) {
      const auto w = num(c, "/average_w");
      if (w) chart.bars.push_back({name, p.label, *w, human_number(*w) + "W"});
    }
  }
  if (chart.bars.empty()) return;
  page.chart(bar_chart_spec(chart), "summary.json: economics.power.by_class (docs/metrics.md, Energy and power).");
}

void tier_comparison_chart(HtmlPage& page, const std::vector<RunPoint>& points) {
  BarChart chart;
  chart.title = "Goodput per service class and run";
  chart.x_title = "service class";
  chart.y_title = "output tokens/s within SLO";
  chart.legend_title = "run";
  for (const auto& p : points) {
    for (const Json* c : goodput_classes(p.summary)) {
      chart.bars.push_back({c->value("name", "?"), p.label, c->value("good_output_tokens_per_s", 0.0),
                            percent(c->value("attainment", NAN))});
    }
  }
  if (chart.bars.empty()) return;
  page.chart(bar_chart_spec(chart), "Label: SLO attainment of the class in that run.");
}

std::string write_text(const std::string& path, const std::string& html) {
  const fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  if (!out) throw ConfigError({path, 0, 0}, "", "cannot write the report", "a writable path");
  out << html;
  return path;
}

std::string vega_js(const HtmlReportOptions& o) { return vega_script(o.vega_dir.empty() ? default_vega_dir() : o.vega_dir); }

}  // namespace

std::string run_report_html(const std::string& run_dir, const HtmlReportOptions& o) {
  const RunData d = load_run(run_dir, o);
  HtmlPage page("tokenfab report: " + text(d.summary, "/scenario/name", fs::path(run_dir).filename().string()));
  scenario_header(page, d.summary);
  key_figures(page, d.summary);
  time_charts(page, d, o);
  latency_charts(page, d, o);
  goodput_section(page, d.summary);
  generic_section(page, d.summary, "energy", "Energy (engine)");
  economics_section(page, d.summary);
  return page.render(vega_js(o));
}

std::string comparison_report_html(const std::vector<std::string>& runs, const HtmlReportOptions& o) {
  const auto points = load_points(runs);
  HtmlPage page(fmt::format("tokenfab comparison: {} runs", points.size()));
  page.heading("Runs");
  comparison_table(page, points);
  page.heading("Pareto frontiers");
  pareto(page, points, true);
  pareto(page, points, false);
  page.heading("Factory and tiers");
  factory_chart(page, points);
  tier_comparison_chart(page, points);
  power_class_chart(page, points);
  page.paragraph("Each run's own report (tokenfab report FOLDER) lists its assumptions and how its power was "
                 "obtained.",
                 "note");
  return page.render(vega_js(o));
}

std::string write_html_report(const std::string& run_dir, const HtmlReportOptions& o, const std::string& out_path) {
  const std::string html = run_report_html(run_dir, o);
  return write_text(out_path.empty() ? (fs::path(run_dir) / "report.html").string() : out_path, html);
}

std::string write_comparison_report(const std::vector<std::string>& runs, const std::string& out_path,
                                    const HtmlReportOptions& o) {
  return write_text(out_path, comparison_report_html(runs, o));
}

}  // namespace tokenfab
