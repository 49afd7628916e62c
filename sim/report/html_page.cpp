#include "sim/report/html_page.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace tokenfab {
namespace {

constexpr const char* kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1000px;
       color: #222; line-height: 1.4; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 14px; margin-top: 18px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
p.note { color: #555; font-size: 12.5px; }
p.extrapolation { background: #fff7e0; border-left: 4px solid #e0a800; padding: 6px 10px; font-size: 13px; }
figure.chart { margin: 16px 0; }
figure.chart figcaption { color: #555; font-size: 12.5px; max-width: 760px; }
#tf-status { color: #888; font-size: 11px; }
#tf-errors { color: #b00020; font-weight: bold; }
)";

// Records script errors and console errors/warnings in the page (before any other script runs).
constexpr const char* kErrorCapture = R"(
function tfReportError(message) {
  var list = document.getElementById('tf-errors');
  var item = document.createElement('li');
  item.textContent = String(message);
  list.appendChild(item);
  list.hidden = false;
}
window.addEventListener('error', function (e) {
  tfReportError('error: ' + e.message + ' (' + e.filename + ':' + e.lineno + ')');
});
window.addEventListener('unhandledrejection', function (e) {
  tfReportError('unhandled rejection: ' + (e.reason && e.reason.stack || e.reason));
});
['error', 'warn'].forEach(function (level) {
  var original = console[level];
  console[level] = function () {
    tfReportError('console.' + level + ': ' + Array.prototype.join.call(arguments, ' '));
    original.apply(console, arguments);
  };
});
)";

// Renders every chart (SVG), then marks #tf-status done with the count.
constexpr const char* kRenderCharts = R"(
(function () {
  var status = document.getElementById('tf-status');
  var charts = JSON.parse(document.getElementById('tf-charts').textContent);
  Promise.all(charts.map(function (c) {
    var view = new vega.View(vega.parse(c.spec), {renderer: 'svg', container: '#' + c.id, hover: true});
    return view.runAsync().then(function () {
      document.getElementById(c.id).setAttribute('data-rendered', 'true');
    });
  })).then(function () {
    status.setAttribute('data-state', 'done');
    status.setAttribute('data-charts', String(charts.length));
    status.textContent = charts.length + ' charts rendered';
  }).catch(function (e) {
    status.setAttribute('data-state', 'failed');
    tfReportError('chart: ' + (e && e.stack || e));
  });
})();
)";

// JSON inside <script> must not contain "</": only string contents can, and "<\/" is the same string.
std::string script_safe_json(const nlohmann::ordered_json& j) {
  std::string s = j.dump();
  for (std::size_t pos = 0; (pos = s.find("</", pos)) != std::string::npos; pos += 3) s.replace(pos, 2, "<\\/");
  return s;
}

std::string group_thousands(const std::string& digits) {
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[i];
    if ((n - i - 1) % 3 == 0 && i + 1 < n) out += ',';
  }
  return out;
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string human_number(double v) {
  if (!std::isfinite(v)) return "n/a";
  const double a = std::fabs(v);
  // Numbers below 10,000 are written out; from there on in k (thousands), M, G, T.
  struct Prefix {
    double from, scale;
    const char* name;
  };
  const Prefix prefixes[] = {{1e12, 1e12, "T"}, {1e9, 1e9, "G"}, {1e6, 1e6, "M"}, {1e4, 1e3, "k"}};
  if (a >= 1e4) {
    // Rounded to 3 significant digits first, so that 999,999 reads "1 M", not "1e+03 k".
    const double r = std::strtod(fmt::format("{:.3g}", v).c_str(), nullptr);
    for (const auto& p : prefixes) {
      if (std::fabs(r) >= p.from) return fmt::format("{:.3g} {}", r / p.scale, p.name);
    }
  }
  if (a == 0) return "0";
  if (a >= 100) return fmt::format("{:.0f}", v);
  return fmt::format("{:.4g}", v);
}

std::string human_number(const std::optional<double>& v) { return v ? human_number(*v) : "n/a"; }

std::string usd(double v) {
  if (!std::isfinite(v)) return "n/a";
  const auto cents = static_cast<long long>(std::llround(std::fabs(v) * 100));
  return fmt::format("{}${}.{:02d}", v < 0 ? "-" : "", group_thousands(std::to_string(cents / 100)), cents % 100);
}

std::string percent(double fraction) { return std::isfinite(fraction) ? fmt::format("{:.1f}%", fraction * 100) : "n/a"; }

void HtmlPage::heading(const std::string& text, int level) {
  body_ << fmt::format("<h{0}>{1}</h{0}>\n", level, html_escape(text));
}

void HtmlPage::paragraph(const std::string& text, const std::string& css_class) {
  body_ << (css_class.empty() ? "<p>" : "<p class=\"" + css_class + "\">") << html_escape(text) << "</p>\n";
}

void HtmlPage::table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  body_ << "<table><thead><tr>";
  for (const auto& h : header) body_ << "<th>" << html_escape(h) << "</th>";
  body_ << "</tr></thead><tbody>\n";
  for (const auto& row : rows) {
    body_ << "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) {
      // Cells after the first that start like a number are right-aligned.
      const bool numeric = i > 0 && !row[i].empty() &&
                           (std::isdigit(static_cast<unsigned char>(row[i][0])) || row[i][0] == '$' || row[i][0] == '-');
      body_ << (numeric ? "<td class=\"num\">" : "<td>") << html_escape(row[i]) << "</td>";
    }
    body_ << "</tr>\n";
  }
  body_ << "</tbody></table>\n";
}

void HtmlPage::key_values(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::vector<std::vector<std::string>> cells;
  for (const auto& [k, v] : rows) cells.push_back({k, v});
  table({"figure", "value"}, cells);
}

std::string HtmlPage::chart(const nlohmann::ordered_json& spec, const std::string& caption) {
  const std::string id = fmt::format("chart-{}", charts_.size() + 1);
  body_ << "<figure class=\"chart\"><div class=\"vega-chart\" id=\"" << id << "\"></div><figcaption>"
        << html_escape(caption) << "</figcaption></figure>\n";
  charts_.emplace_back(id, spec);
  return id;
}

std::string HtmlPage::render(const std::string& vega_js) const {
  nlohmann::ordered_json charts = nlohmann::ordered_json::array();
  for (const auto& [id, spec] : charts_) charts.push_back({{"id", id}, {"spec", spec}});
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"generator\" content=\"tokenfab\">\n"
      << "<title>" << html_escape(title_) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
      << "<ul id=\"tf-errors\" hidden></ul>\n<script>" << kErrorCapture << "</script>\n"
      << "<h1>" << html_escape(title_) << "</h1>\n"
      << "<p id=\"tf-status\" data-state=\"pending\" data-expected=\"" << charts_.size() << "\">rendering charts...</p>\n"
      << body_.str() << "<script>\n" << vega_js << "</script>\n"
      << "<script type=\"application/json\" id=\"tf-charts\">" << script_safe_json(charts) << "</script>\n"
      << "<script>" << kRenderCharts << "</script>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace tokenfab
