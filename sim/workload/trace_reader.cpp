#include "sim/workload/trace_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "sim/workload/csv.hpp"
#include "sim/workload/timestamp.hpp"
#include "sim/workload/trace_reader_impl.hpp"

namespace tokenfab {
namespace {

constexpr double kMaxTokens = 1e8;  // longer than any model context

// The column names a format uses when the scenario does not rename them.
TraceLayout defaults_for(TraceFormat f) {
  TraceLayout l;
  l.format = f;
  switch (f) {
    case TraceFormat::Azure:
      l.arrival = "TIMESTAMP";
      l.time_unit = TimeUnit::DateTime;
      l.input_tokens = "ContextTokens";
      l.output_tokens = "GeneratedTokens";
      break;
    case TraceFormat::BurstGpt:
      l.arrival = "Timestamp";
      l.time_unit = TimeUnit::Seconds;
      l.input_tokens = "Request tokens";
      l.output_tokens = "Response tokens";
      break;
    case TraceFormat::Mooncake:
      l.arrival = "timestamp";
      l.time_unit = TimeUnit::Milliseconds;
      l.input_tokens = "input_length";
      l.output_tokens = "output_length";
      l.hash_ids = "hash_ids";
      break;
    default:
      l.arrival = "arrival_time";
      l.time_unit = TimeUnit::Seconds;
      l.input_tokens = "input_tokens";
      l.output_tokens = "output_tokens";
      break;
  }
  return l;
}

void apply(TraceLayout& l, const ColumnMapping& m) {
  if (!m.arrival.empty()) l.arrival = m.arrival;
  if (m.time_unit) l.time_unit = *m.time_unit;
  if (!m.input_tokens.empty()) l.input_tokens = m.input_tokens;
  if (!m.output_tokens.empty()) l.output_tokens = m.output_tokens;
  if (!m.hash_ids.empty()) l.hash_ids = m.hash_ids;
  if (!m.tier.empty()) l.tier = m.tier;
}

bool contains_all(const std::set<std::string>& have, std::initializer_list<const char*> names) {
  return std::all_of(names.begin(), names.end(), [&](const char* n) { return have.count(n) > 0; });
}

bool renames_anything(const ColumnMapping& m) {
  return !m.arrival.empty() || !m.input_tokens.empty() || !m.output_tokens.empty() || m.time_unit.has_value();
}

const char* kKnownHeaders =
    "a known trace header (Azure: TIMESTAMP,ContextTokens,GeneratedTokens; BurstGPT: Timestamp,Model,Request "
    "tokens,Response tokens,Total tokens,Log Type; Mooncake JSONL: timestamp,input_length,output_length,hash_ids; "
    "tokenfab: arrival_time,input_tokens,output_tokens), or format: csv|jsonl with columns";

}  // namespace

TraceReader::TraceReader(std::string path, std::ifstream in, TraceLayout layout, const TraceOpenOptions& options)
    : path_(std::move(path)),
      in_(std::move(in)),
      layout_(std::move(layout)),
      extras_(options.extra_columns),
      skip_bad_rows_(options.skip_bad_rows) {}

std::unique_ptr<TraceReader> TraceReader::open(const std::string& path, const TraceOpenOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError({path, 0, 0}, "", "cannot open trace file");
  std::string first;
  if (!std::getline(in, first))
    throw ConfigError({path, 1, 1}, "", "empty trace file", "a CSV header line or a first JSON line");
  if (first.rfind("\xEF\xBB\xBF", 0) == 0) first.erase(0, 3);  // UTF-8 byte order mark
  if (!first.empty() && first.back() == '\r') first.pop_back();
  const bool json = first.find_first_not_of(" \t") != std::string::npos && first[first.find_first_not_of(" \t")] == '{';

  TraceFormat format = options.format;
  const bool json_format = format == TraceFormat::Jsonl || format == TraceFormat::Mooncake;
  if (format != TraceFormat::Auto && json_format != json)
    throw ConfigError({path, 1, 1}, "", fmt::format("format {} expects {}, but the first line is {}", trace_format_name(format),
                                                    json_format ? "JSON lines" : "a CSV header",
                                                    json ? "a JSON object" : "not a JSON object"),
                      "a file in the given format, or format: auto");
  std::set<std::string> names;  // header columns or first-line keys
  if (json) {
    try {
      const auto j = nlohmann::json::parse(first);
      if (j.is_object())
        for (const auto& [k, v] : j.items()) names.insert(k);
    } catch (const nlohmann::json::exception& e) {
      // Not only parse_error: a number past a double's range (5e571) is out_of_range, which
      // carries no byte position (fuzz_trace_jsonl finding).
      const auto* syntax = dynamic_cast<const nlohmann::json::parse_error*>(&e);
      throw ConfigError({path, 1, syntax ? static_cast<int>(syntax->byte) : 1}, "",
                        syntax ? "the first line is not valid JSON" : "the first line holds a number out of range",
                        "a JSON object per line");
    }
  } else {
    std::vector<CsvField> fields;
    if (!split_csv_line(first, fields)) throw ConfigError({path, 1, 1}, "", "unterminated quote in the header", "a CSV header");
    for (const auto& f : fields) names.insert(f.text);
  }
  bool detected = false;
  if (format == TraceFormat::Auto) {
    detected = true;
    if (json) {
      format = contains_all(names, {"timestamp", "input_length", "output_length"}) ? TraceFormat::Mooncake : TraceFormat::Jsonl;
    } else if (contains_all(names, {"TIMESTAMP", "ContextTokens", "GeneratedTokens"})) {
      format = TraceFormat::Azure;
    } else if (contains_all(names, {"Timestamp", "Request tokens", "Response tokens"})) {
      format = TraceFormat::BurstGpt;
    } else {
      format = TraceFormat::Csv;
    }
  }
  TraceLayout layout = defaults_for(format);
  layout.detected = detected;
  apply(layout, options.columns);
  // A generic file whose names are not the defaults and that no mapping renames: say what is known.
  if (detected && (format == TraceFormat::Csv || format == TraceFormat::Jsonl) && !renames_anything(options.columns) &&
      !contains_all(names, {"arrival_time", "input_tokens", "output_tokens"})) {
    std::string have;
    for (const auto& n : names) have += (have.empty() ? "" : ",") + n;
    throw ConfigError({path, 1, 1}, "", fmt::format("cannot tell the trace format from {} '{}'", json ? "the keys" : "the header", have),
                      kKnownHeaders);
  }
  if (json) return make_jsonl_reader(path, std::move(in), std::move(first), std::move(layout), options);
  return make_csv_reader(path, std::move(in), first, std::move(layout), options);
}

bool TraceReader::next(TraceRow& row) {
  while (true) {
    const bool had_origin = have_origin_;
    try {
      int time_column = 1;
      if (!read_row(row, time_column)) return false;
      if (have_last_ && row.time < last_time_)
        bad(row.line, time_column, layout_.arrival,
            fmt::format("goes backwards ({} after {})", row.time, last_time_), "rows sorted by time");
      have_last_ = true;
      last_time_ = row.time;
      return true;
    } catch (const ConfigError& e) {
      // A rejected row does not fix the date-time origin: later good rows could precede it and
      // get negative times (found by fuzz_trace_azure with skip_bad_rows).
      have_origin_ = had_origin;
      reject(e);
    }
  }
}

void TraceReader::reject(const ConfigError& error) {
  if (!skip_bad_rows_) throw error;
  if (bad_rows_++ == 0) first_bad_row_ = error.what();
}

void TraceReader::bad(int line, int column, const std::string& field, const std::string& problem,
                      const std::string& expected) const {
  throw ConfigError({path_, line, column}, field, problem, expected);
}

std::int64_t TraceReader::tokens(const std::string& text, int line, int column, const std::string& field) const {
  std::int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end) {
    // Some files write counts as decimals ("472.0"): accept whole values.
    double d = 0;
    auto [q, ec2] = std::from_chars(text.data(), end, d);
    if (ec2 != std::errc() || q != end || text.empty() || !std::isfinite(d))
      bad(line, column, field, fmt::format("'{}' is not a number", text), "a token count");
    if (d != std::floor(d)) bad(line, column, field, fmt::format("'{}' is not a whole token count", text), "an integer >= 0");
    if (d < 0 || d > kMaxTokens) bad(line, column, field, fmt::format("{} is out of range", text), "an integer in [0, 1e8]");
    return static_cast<std::int64_t>(d);
  }
  if (v < 0 || static_cast<double>(v) > kMaxTokens)
    bad(line, column, field, fmt::format("{} is out of range", text), "an integer in [0, 1e8]");
  return v;
}

double TraceReader::time_of_number(double value) const {
  switch (layout_.time_unit) {
    case TimeUnit::Milliseconds: return value * 1e-3;
    case TimeUnit::Microseconds: return value * 1e-6;
    case TimeUnit::Nanoseconds: return value * 1e-9;
    default: return value;
  }
}

double TraceReader::time_of(const std::string& text, int line, int column) {
  if (layout_.time_unit == TimeUnit::DateTime) {
    std::string why;
    const auto t = parse_datetime(text, &why);
    if (!t) bad(line, column, layout_.arrival, fmt::format("'{}' is {}", text, why), "a date-time such as 2024-05-10 00:00:00.009930+00:00");
    if (!have_origin_) {
      have_origin_ = true;
      origin_seconds_ = t->seconds;
      origin_fraction_ = t->fraction;
    }
    return t->since(DateTime{origin_seconds_, origin_fraction_});
  }
  double v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end || text.empty() || !std::isfinite(v))
    bad(line, column, layout_.arrival, fmt::format("'{}' is not a number", text),
        "a number (or columns.time_unit: datetime for date-times)");
  if (v < 0) bad(line, column, layout_.arrival, fmt::format("{} is negative", text), "a time >= 0");
  return time_of_number(v);
}

}  // namespace tokenfab
