// Vega chart specifications for the HTML report, generated as JSON (https://vega.github.io/vega/docs/).
// Each builder takes the data to draw and returns a complete Vega spec; Vega draws it in the page.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tokenfab {

struct ChartPoint {
  double x = 0, y = 0;
};

struct ChartSeries {
  std::string name;
  std::vector<ChartPoint> points;
};

// A labelled vertical line (an SLO limit on a CDF).
struct ChartMarker {
  std::string label;
  double x = 0;
};

struct LineChart {
  std::string title, subtitle, x_title, y_title;
  std::string legend_title = "series";
  std::vector<ChartSeries> series;
  std::vector<ChartMarker> markers;
  bool step = false;       // step-after lines (empirical CDFs)
  bool y_from_zero = true;
};
nlohmann::ordered_json line_chart_spec(const LineChart& chart);

struct BarValue {
  std::string category;  // x-axis group (a tier)
  std::string series;    // bar within the group
  double value = 0;
  std::string label;     // text above the bar (may be empty)
};

struct BarChart {
  std::string title, subtitle, x_title, y_title;
  std::string legend_title = "series";
  std::vector<BarValue> bars;
};
nlohmann::ordered_json bar_chart_spec(const BarChart& chart);

struct ScatterPoint {
  std::string name;
  double x = 0, y = 0;
  bool frontier = false;  // on the Pareto frontier
};

struct ParetoChart {
  std::string title, subtitle, x_title, y_title;
  std::vector<ScatterPoint> points;
  bool log_y = false;  // log scale for y (points with y <= 0 are left out)
};
nlohmann::ordered_json pareto_chart_spec(const ParetoChart& chart);

// At most `n` points (x = value, y = cumulative fraction) of the empirical CDF of `sorted`
// (ascending), at evenly spaced quantiles; the first and last values are always included.
std::vector<ChartPoint> cdf_points(const std::vector<double>& sorted, std::size_t n, double scale = 1.0);

}  // namespace tokenfab
