#include "sim/workload/csv_trace.hpp"

#include <charconv>
#include <cmath>
#include <vector>

#include "models/core/config_error.hpp"

namespace tokenfab {
namespace {

struct Field {
  std::string text;
  int column;  // 1-based character column where the field starts
};

std::vector<Field> split(const std::string& line) {
  std::vector<Field> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    std::string f = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!f.empty() && (f.back() == '\r' || f.back() == ' ')) f.pop_back();
    std::size_t lead = 0;
    while (lead < f.size() && f[lead] == ' ') ++lead;
    out.push_back({f.substr(lead), static_cast<int>(start + lead + 1)});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

CsvTraceSource::CsvTraceSource(const std::string& path, double time_scale)
    : path_(path), in_(path), time_scale_(time_scale) {
  if (!in_) throw ConfigError({path, 0, 0}, "", "cannot open trace file");
  std::string header;
  if (!std::getline(in_, header)) throw ConfigError({path, 1, 1}, "", "empty trace file", "a header line");
  const auto fields = split(header);
  columns_ = fields.size();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].text == "arrival_time") col_arrival_ = static_cast<int>(i);
    if (fields[i].text == "input_tokens") col_input_ = static_cast<int>(i);
    if (fields[i].text == "output_tokens") col_output_ = static_cast<int>(i);
  }
  for (const auto& [col, name] : {std::pair{col_arrival_, "arrival_time"}, std::pair{col_input_, "input_tokens"},
                                  std::pair{col_output_, "output_tokens"}}) {
    if (col < 0)
      throw ConfigError({path, 1, 1}, name, "missing column in the header",
                        "a header with arrival_time,input_tokens,output_tokens");
  }
}

std::optional<Request> CsvTraceSource::next() {
  std::string line;
  while (std::getline(in_, line)) {
    ++line_no_;
    if (line.empty() || line == "\r") continue;
    const auto f = split(line);
    if (f.size() != columns_)
      throw ConfigError({path_, line_no_, 1}, "", fmt::format("row has {} fields, the header {}", f.size(), columns_),
                        fmt::format("{} comma-separated fields", columns_));
    auto number = [&](int col, const char* name) {
      const Field& x = f[static_cast<std::size_t>(col)];
      double v = 0;
      auto [p, ec] = std::from_chars(x.text.data(), x.text.data() + x.text.size(), v);
      if (ec != std::errc() || p != x.text.data() + x.text.size() || x.text.empty() || !std::isfinite(v))
        throw ConfigError({path_, line_no_, x.column}, name, fmt::format("'{}' is not a number", x.text),
                          "a number");
      return std::pair{v, x.column};
    };
    auto tokens = [&](int col, const char* name) {
      const auto [v, column] = number(col, name);
      if (v < 1 || v != std::floor(v) || v > 1e8)
        throw ConfigError({path_, line_no_, column}, name, fmt::format("'{}' is not a positive whole token count", v),
                          "an integer >= 1");
      return static_cast<std::int64_t>(v);
    };
    const auto [t, tcol] = number(col_arrival_, "arrival_time");
    if (t < 0) throw ConfigError({path_, line_no_, tcol}, "arrival_time", "is negative", "seconds >= 0");
    const double arrival = t * time_scale_;
    if (arrival < last_arrival_)
      throw ConfigError({path_, line_no_, tcol}, "arrival_time",
                        fmt::format("goes backwards ({} after {})", t, last_arrival_ / time_scale_),
                        "rows sorted by arrival_time");
    last_arrival_ = arrival;
    Request r;
    r.id = next_id_++;
    r.arrival = arrival;
    r.input_tokens = tokens(col_input_, "input_tokens");
    r.output_tokens = tokens(col_output_, "output_tokens");
    return r;
  }
  return std::nullopt;
}

}  // namespace tokenfab
