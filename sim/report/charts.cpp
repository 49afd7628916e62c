#include "sim/report/charts.hpp"

#include <algorithm>
#include <cmath>

#include "sim/metrics/summary.hpp"

namespace tokenfab {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kWidth = 680;
constexpr int kHeight = 260;

// The parts every spec shares: size, title, padding.
Json base_spec(const std::string& title, const std::string& subtitle) {
  Json title_json = {{"text", title}, {"anchor", "start"}, {"fontSize", 14}};
  if (!subtitle.empty()) title_json["subtitle"] = subtitle;
  return {{"$schema", "https://vega.github.io/schema/vega/v5.json"},
          {"width", kWidth},
          {"height", kHeight},
          {"padding", 8},
          {"autosize", {{"type", "pad"}}},
          {"title", title_json}};
}

Json axis(const std::string& orient, const std::string& scale, const std::string& title) {
  Json a = {{"orient", orient}, {"scale", scale}, {"title", title}, {"grid", true}, {"gridOpacity", 0.35}};
  if (orient == "bottom") a["labelOverlap"] = true;
  return a;
}

}  // namespace

std::vector<ChartPoint> cdf_points(const std::vector<double>& sorted, std::size_t n, double scale) {
  std::vector<ChartPoint> out;
  if (sorted.empty() || n < 2) return out;
  const std::size_t count = sorted.size();
  const std::size_t steps = std::min(n, count) - 1;
  for (std::size_t i = 0; i <= steps; ++i) {
    const double q = steps == 0 ? 1.0 : static_cast<double>(i) / static_cast<double>(steps);
    // Fraction of requests at or below the value: rank / count, the empirical CDF.
    const double rank = q * static_cast<double>(count - 1);
    const double value = percentile(sorted, q);
    out.push_back({value * scale, (rank + 1.0) / static_cast<double>(count)});
  }
  return out;
}

Json line_chart_spec(const LineChart& c) {
  Json spec = base_spec(c.title, c.subtitle);
  Json points = Json::array();
  for (const auto& s : c.series) {
    for (const auto& p : s.points) {
      if (std::isfinite(p.x) && std::isfinite(p.y)) points.push_back({{"series", s.name}, {"x", p.x}, {"y", p.y}});
    }
  }
  Json markers = Json::array();
  for (const auto& m : c.markers) markers.push_back({{"label", m.label}, {"x", m.x}});
  spec["data"] = Json::array({{{"name", "points"}, {"values", points}}, {{"name", "markers"}, {"values", markers}}});
  // The x domain covers the markers too, so that an SLO limit beyond every sample stays visible.
  spec["scales"] = Json::array(
      {{{"name", "x"},
        {"type", "linear"},
        {"domain", {{"fields", Json::array({{{"data", "points"}, {"field", "x"}}, {{"data", "markers"}, {"field", "x"}}})}}},
        {"range", "width"},
        {"nice", true},
        {"zero", false}},
       {{"name", "y"}, {"type", "linear"}, {"domain", {{"data", "points"}, {"field", "y"}}}, {"range", "height"},
        {"nice", true}, {"zero", c.y_from_zero}},
       {{"name", "color"}, {"type", "ordinal"}, {"domain", {{"data", "points"}, {"field", "series"}}},
        {"range", "category"}}});
  spec["axes"] = Json::array({axis("bottom", "x", c.x_title), axis("left", "y", c.y_title)});
  spec["legends"] = Json::array({{{"stroke", "color"}, {"title", c.legend_title}, {"symbolType", "stroke"}, {"labelLimit", 260}}});
  Json line = {{"type", "line"},
               {"from", {{"data", "series_points"}}},
               {"encode",
                {{"enter",
                  {{"x", {{"scale", "x"}, {"field", "x"}}},
                   {"y", {{"scale", "y"}, {"field", "y"}}},
                   {"stroke", {{"scale", "color"}, {"field", "series"}}},
                   {"strokeWidth", {{"value", 2}}},
                   {"interpolate", {{"value", c.step ? "step-after" : "linear"}}}}}}}};
  Json marks = Json::array();
  marks.push_back({{"type", "group"},
                   {"from", {{"facet", {{"name", "series_points"}, {"data", "points"}, {"groupby", "series"}}}}},
                   {"marks", Json::array({line})}});
  marks.push_back({{"type", "rule"},
                   {"from", {{"data", "markers"}}},
                   {"encode",
                    {{"enter",
                      {{"x", {{"scale", "x"}, {"field", "x"}}},
                       {"y", {{"value", 0}}},
                       {"y2", {{"signal", "height"}}},
                       {"stroke", {{"value", "#666"}}},
                       {"strokeDash", {{"value", Json::array({4, 3})}}}}}}}});
  marks.push_back({{"type", "text"},
                   {"from", {{"data", "markers"}}},
                   {"encode",
                    {{"enter",
                      {{"x", {{"scale", "x"}, {"field", "x"}}},
                       {"y", {{"value", 0}}},
                       {"dx", {{"value", 3}}},
                       {"dy", {{"value", 10}}},
                       {"angle", {{"value", 0}}},
                       {"fontSize", {{"value", 10}}},
                       {"fill", {{"value", "#444"}}},
                       {"text", {{"field", "label"}}}}}}}});
  spec["marks"] = marks;
  return spec;
}

Json bar_chart_spec(const BarChart& c) {
  Json spec = base_spec(c.title, c.subtitle);
  Json rows = Json::array();
  for (const auto& b : c.bars) {
    rows.push_back({{"category", b.category}, {"series", b.series}, {"value", b.value}, {"label", b.label}});
  }
  spec["data"] = Json::array({{{"name", "bars"}, {"values", rows}}});
  spec["scales"] = Json::array(
      {{{"name", "x"}, {"type", "band"}, {"domain", {{"data", "bars"}, {"field", "category"}}}, {"range", "width"},
        {"padding", 0.2}},
       {{"name", "y"}, {"type", "linear"}, {"domain", {{"data", "bars"}, {"field", "value"}}}, {"range", "height"},
        {"nice", true}, {"zero", true}},
       {{"name", "color"}, {"type", "ordinal"}, {"domain", {{"data", "bars"}, {"field", "series"}}},
        {"range", "category"}}});
  spec["axes"] = Json::array({axis("bottom", "x", c.x_title), axis("left", "y", c.y_title)});
  spec["axes"][0]["grid"] = false;
  spec["legends"] = Json::array({{{"fill", "color"}, {"title", c.legend_title}, {"labelLimit", 260}}});
  Json rect = {{"name", "rects"},
               {"type", "rect"},
               {"from", {{"data", "facet"}}},
               {"encode",
                {{"enter",
                  {{"x", {{"scale", "pos"}, {"field", "series"}}},
                   {"width", {{"scale", "pos"}, {"band", 1}}},
                   {"y", {{"scale", "y"}, {"field", "value"}}},
                   {"y2", {{"scale", "y"}, {"value", 0}}},
                   {"fill", {{"scale", "color"}, {"field", "series"}}},
                   {"tooltip", {{"signal", "datum.series + ': ' + format(datum.value, ',.4~g')"}}}}}}}};
  // Labels above the bars: from the bar items (datum.datum is the row).
  Json text = {{"type", "text"},
               {"from", {{"data", "rects"}}},
               {"encode",
                {{"enter",
                  {{"x", {{"field", "x"}}},
                   {"dx", {{"field", "width"}, {"mult", 0.5}}},
                   {"y", {{"field", "y"}, {"offset", -3}}},
                   {"align", {{"value", "center"}}},
                   {"baseline", {{"value", "bottom"}}},
                   {"fontSize", {{"value", 10}}},
                   {"fill", {{"value", "#333"}}},
                   {"text", {{"field", "datum.label"}}}}}}}};
  spec["marks"] = Json::array(
      {{{"type", "group"},
        {"from", {{"facet", {{"data", "bars"}, {"name", "facet"}, {"groupby", "category"}}}}},
        {"encode", {{"enter", {{"x", {{"scale", "x"}, {"field", "category"}}}}}}},
        {"signals", Json::array({{{"name", "width"}, {"update", "bandwidth('x')"}}})},
        {"scales", Json::array({{{"name", "pos"}, {"type", "band"}, {"range", "width"},
                                 {"domain", {{"data", "bars"}, {"field", "series"}}}}})},
        {"marks", Json::array({rect, text})}}});
  return spec;
}

Json pareto_chart_spec(const ParetoChart& c) {
  Json spec = base_spec(c.title, c.subtitle);
  Json points = Json::array();
  std::vector<ScatterPoint> frontier;
  for (const auto& p : c.points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y) || (c.log_y && p.y <= 0)) continue;
    points.push_back({{"name", p.name}, {"x", p.x}, {"y", p.y}, {"set", p.frontier ? "on the frontier" : "dominated"}});
    if (p.frontier) frontier.push_back(p);
  }
  std::sort(frontier.begin(), frontier.end(), [](const ScatterPoint& a, const ScatterPoint& b) { return a.x < b.x; });
  Json line = Json::array();
  for (const auto& p : frontier) line.push_back({{"x", p.x}, {"y", p.y}});
  spec["data"] = Json::array({{{"name", "points"}, {"values", points}}, {{"name", "frontier"}, {"values", line}}});
  Json yscale = {{"name", "y"}, {"type", c.log_y ? "log" : "linear"}, {"domain", {{"data", "points"}, {"field", "y"}}},
                 {"range", "height"}, {"nice", true}};
  if (!c.log_y) yscale["zero"] = true;
  spec["scales"] = Json::array(
      {{{"name", "x"}, {"type", "linear"}, {"domain", {{"data", "points"}, {"field", "x"}}}, {"range", "width"},
        {"nice", true}, {"zero", true}},
       yscale,
       {{"name", "color"}, {"type", "ordinal"}, {"domain", Json::array({"on the frontier", "dominated"})},
        {"range", Json::array({"#d62728", "#7f7f7f"})}}});
  spec["axes"] = Json::array({axis("bottom", "x", c.x_title), axis("left", "y", c.y_title)});
  spec["legends"] = Json::array({{{"fill", "color"}, {"title", "point"}}});
  spec["marks"] = Json::array(
      {{{"type", "line"},
        {"from", {{"data", "frontier"}}},
        {"encode",
         {{"enter",
           {{"x", {{"scale", "x"}, {"field", "x"}}},
            {"y", {{"scale", "y"}, {"field", "y"}}},
            {"stroke", {{"value", "#d62728"}}},
            {"strokeWidth", {{"value", 1.5}}},
            {"strokeDash", {{"value", Json::array({5, 3})}}}}}}}},
       {{"type", "symbol"},
        {"from", {{"data", "points"}}},
        {"encode",
         {{"enter",
           {{"x", {{"scale", "x"}, {"field", "x"}}},
            {"y", {{"scale", "y"}, {"field", "y"}}},
            {"size", {{"value", 70}}},
            {"fill", {{"scale", "color"}, {"field", "set"}}},
            {"tooltip",
             {{"signal", "datum.name + ': ' + format(datum.x, ',.4~g') + ', ' + format(datum.y, ',.4~g')"}}}}}}}},
       {{"type", "text"},
        {"from", {{"data", "points"}}},
        {"encode",
         {{"enter",
           {{"x", {{"scale", "x"}, {"field", "x"}}},
            {"y", {{"scale", "y"}, {"field", "y"}}},
            {"dx", {{"value", 6}}},
            {"dy", {{"value", -6}}},
            {"fontSize", {{"value", 10}}},
            {"fill", {{"value", "#333"}}},
            {"text", {{"field", "name"}}}}}}}}});
  return spec;
}

}  // namespace tokenfab
