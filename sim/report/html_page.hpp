// A self-contained HTML page: headings, tables, notes and Vega charts, with Vega inlined and a
// small script that renders every chart and records any script error in the page itself
// (#tf-errors), so that a headless browser test can read both from the DOM.
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tokenfab {

std::string html_escape(const std::string& text);
// Numbers for people: 3 significant digits above 1000 with a k/M/G/T suffix, else up to 4.
std::string human_number(double v);
std::string human_number(const std::optional<double>& v);  // "n/a" when unset
std::string usd(double v);                                  // "$1,234.56"
std::string percent(double fraction);                       // "97.5%"

class HtmlPage {
 public:
  explicit HtmlPage(std::string title) : title_(std::move(title)) {}

  void heading(const std::string& text, int level = 2);
  void paragraph(const std::string& text, const std::string& css_class = "");
  // A table of text cells (escaped).
  void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
  // A two-column table: name, value.
  void key_values(const std::vector<std::pair<std::string, std::string>>& rows);
  // A Vega chart with a caption; returns the container's id.
  std::string chart(const nlohmann::ordered_json& spec, const std::string& caption);

  std::size_t chart_count() const { return charts_.size(); }
  // The whole document, with `vega_js` (vega_script()) inlined.
  std::string render(const std::string& vega_js) const;

 private:
  std::string title_;
  std::ostringstream body_;
  std::vector<std::pair<std::string, nlohmann::ordered_json>> charts_;
};

}  // namespace tokenfab
