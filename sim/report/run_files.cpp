#include "sim/report/run_files.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "models/core/config_error.hpp"

namespace tokenfab {
namespace {

std::ifstream open_or_fail(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError({path, 0, 0}, "", "cannot open the file", "a readable file");
  return in;
}

// Column index by header name, or -1.
int column(const std::vector<std::string>& header, const std::string& name) {
  const auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? -1 : static_cast<int>(it - header.begin());
}

int required_column(const std::vector<std::string>& header, const std::string& name, const std::string& file) {
  const int c = column(header, name);
  if (c < 0) throw ConfigError({file, 1, 1}, name, "missing column in the header", "the header of docs/outputs.md");
  return c;
}

// An empty cell is "not reached" (nullopt); anything else must be a finite number.
// A row's cells and where each starts (for error positions).
struct Row {
  std::vector<std::string> cells;
  std::vector<int> starts;
};

std::optional<double> number_cell(const Row& row, int c, const std::string& file, int line, const std::string& name) {
  const auto& cells = row.cells;
  if (c < 0 || static_cast<std::size_t>(c) >= cells.size())
    throw ConfigError({file, line, 1}, name, fmt::format("the row has {} cells", cells.size()), "one cell per column");
  const int col = row.starts[static_cast<std::size_t>(c)];
  const std::string& s = cells[static_cast<std::size_t>(c)];
  if (s.empty()) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v))
    throw ConfigError({file, line, col}, name, fmt::format("'{}' is not a number", s), "a finite number");
  return v;
}

void strip_cr(std::string& line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
}

}  // namespace

nlohmann::ordered_json read_summary_json(const std::string& path) {
  std::ifstream in = open_or_fail(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann gives a byte offset: turn it into line and column.
    int line = 1, col = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    throw ConfigError({path, line, col}, "", "not valid JSON", "summary.json as tokenfab run writes it");
  } catch (const nlohmann::json::exception&) {
    // out_of_range: a number past a double's range (5e571), as in the trace reader's fuzzing finding.
    throw ConfigError({path, 0, 0}, "", "holds a number out of range", "summary.json as tokenfab run writes it");
  }
}

std::vector<std::string> split_csv_line(const std::string& line, const std::string& file, int line_no,
                                        std::vector<int>* starts) {
  std::vector<std::string> cells(1);
  if (starts) *starts = {1};
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
      if (starts) starts->push_back(static_cast<int>(i) + 2);
    } else {
      cells.back() += c;
    }
  }
  if (quoted) throw ConfigError({file, line_no, 1}, "", "a quoted cell is not closed", "a closing \"");
  return cells;
}

RequestFileData read_requests_csv(const std::string& path, double horizon, std::size_t bins) {
  std::ifstream in = open_or_fail(path);
  std::string line;
  if (!std::getline(in, line)) throw ConfigError({path, 1, 1}, "", "the file is empty", "a header line");
  strip_cr(line);
  const auto header = split_csv_line(line, path, 1);
  const int c_outcome = required_column(header, "outcome", path);
  const int c_tokens = required_column(header, "output_tokens", path);
  const int c_first = required_column(header, "first_token_s", path);
  const int c_done = required_column(header, "completion_s", path);
  const int c_ttft = required_column(header, "ttft_s", path);
  const int c_tpot = required_column(header, "tpot_s", path);
  const int c_tier = column(header, "tier");  // written once workloads carry tiers

  RequestFileData d;
  d.all.group = "all";
  bins = std::max<std::size_t>(bins, 1);
  d.bin_width = horizon > 0 ? horizon / static_cast<double>(bins) : 1.0;
  d.output_tokens_per_bin.assign(bins, 0.0);
  // Adds `tokens` spread evenly over [a, b) to the bins (clipped to the horizon).
  auto spread = [&](double a, double b, double tokens) {
    if (tokens <= 0) return;
    const double top = d.bin_width * static_cast<double>(bins);
    if (b <= a) {
      const auto k = std::min(bins - 1, static_cast<std::size_t>(std::max(0.0, a) / d.bin_width));
      if (a < top) d.output_tokens_per_bin[k] += tokens;
      return;
    }
    const double rate = tokens / (b - a);
    auto k = static_cast<std::size_t>(std::max(0.0, a) / d.bin_width);
    for (; k < bins; ++k) {
      const double lo = std::max(a, static_cast<double>(k) * d.bin_width);
      const double hi = std::min(b, static_cast<double>(k + 1) * d.bin_width);
      if (hi <= lo) break;
      d.output_tokens_per_bin[k] += rate * (hi - lo);
    }
  };

  std::map<std::string, std::size_t> group_index;
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    strip_cr(line);
    if (line.empty()) continue;
    Row row;
    row.cells = split_csv_line(line, path, line_no, &row.starts);
    const auto& cells = row.cells;
    ++d.rows;
    if (static_cast<std::size_t>(c_outcome) >= cells.size() || cells[static_cast<std::size_t>(c_outcome)] != "completed")
      continue;
    const auto ttft = number_cell(row, c_ttft, path, line_no, "ttft_s");
    const auto tpot = number_cell(row, c_tpot, path, line_no, "tpot_s");
    const auto first = number_cell(row, c_first, path, line_no, "first_token_s");
    const auto done = number_cell(row, c_done, path, line_no, "completion_s");
    const auto tokens = number_cell(row, c_tokens, path, line_no, "output_tokens");
    if (!ttft || !first || !done || !tokens)
      throw ConfigError({path, line_no, 1}, "", "a completed request lacks its times or tokens",
                        "ttft_s, first_token_s, completion_s and output_tokens filled");
    std::string tier = "untiered";
    if (c_tier >= 0 && static_cast<std::size_t>(c_tier) < cells.size() && !cells[static_cast<std::size_t>(c_tier)].empty())
      tier = cells[static_cast<std::size_t>(c_tier)];
    auto [it, added] = group_index.emplace(tier, d.groups.size());
    if (added) d.groups.push_back({tier, {}, {}});
    LatencySamples& g = d.groups[it->second];
    g.ttft.push_back(*ttft);
    d.all.ttft.push_back(*ttft);
    if (tpot) {
      g.tpot.push_back(*tpot);
      d.all.tpot.push_back(*tpot);
    }
    spread(*first, *first, 1.0);
    spread(*first, *done, *tokens - 1.0);
  }
  // Without tiers, the single group is the whole run.
  if (d.groups.size() == 1 && d.groups.front().group == "untiered") d.groups.clear();
  auto sort_samples = [](LatencySamples& g) {
    std::sort(g.ttft.begin(), g.ttft.end());
    std::sort(g.tpot.begin(), g.tpot.end());
  };
  sort_samples(d.all);
  for (auto& g : d.groups) sort_samples(g);
  return d;
}

TimeSeries read_timeseries_csv(const std::string& path) {
  std::ifstream in = open_or_fail(path);
  std::string line;
  if (!std::getline(in, line)) throw ConfigError({path, 1, 1}, "", "the file is empty", "a header line");
  strip_cr(line);
  const auto header = split_csv_line(line, path, 1);
  if (header.size() < 2) throw ConfigError({path, 1, 1}, "", "the header has no value columns", "time_s,NAME,...");
  TimeSeries ts;
  ts.columns.assign(header.begin() + 1, header.end());
  ts.values.resize(ts.columns.size());
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    strip_cr(line);
    if (line.empty()) continue;
    Row row;
    row.cells = split_csv_line(line, path, line_no, &row.starts);
    const auto& cells = row.cells;
    if (cells.size() != header.size())
      throw ConfigError({path, line_no, 1}, "", fmt::format("{} cells for {} columns", cells.size(), header.size()),
                        "one cell per column");
    const auto t = number_cell(row, 0, path, line_no, header[0]);
    if (!t) throw ConfigError({path, line_no, 1}, header[0], "empty time", "a time in seconds");
    ts.time.push_back(*t);
    for (std::size_t c = 0; c < ts.columns.size(); ++c) {
      const auto v = number_cell(row, static_cast<int>(c + 1), path, line_no, ts.columns[c]);
      ts.values[c].push_back(v ? *v : std::numeric_limits<double>::quiet_NaN());
    }
  }
  return ts;
}

}  // namespace tokenfab
