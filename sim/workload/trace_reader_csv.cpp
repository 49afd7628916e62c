// CSV traces: Azure (2023 and 2024), BurstGPT, and generic CSV with a column mapping.
#include <charconv>

#include "sim/workload/csv.hpp"
#include "sim/workload/trace_reader_impl.hpp"

namespace tokenfab {
namespace {

class CsvTraceReader : public TraceReader {
 public:
  CsvTraceReader(std::string path, std::ifstream in, const std::string& header, TraceLayout layout,
                 const TraceOpenOptions& options)
      : TraceReader(std::move(path), std::move(in), std::move(layout), options) {
    std::vector<CsvField> fields;
    split_csv_line(header, fields);
    columns_ = fields.size();
    std::string have;
    for (const auto& f : fields) have += (have.empty() ? "" : ",") + f.text;
    auto find = [&](const std::string& name, bool required) {
      for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i].text == name) return static_cast<int>(i);
      if (required)
        throw ConfigError({path_, 1, 1}, name, fmt::format("missing column in the header '{}'", have),
                          fmt::format("a {} header with {},{},{} (or columns: naming the file's own)",
                                      trace_format_name(layout_.format), layout_.arrival, layout_.input_tokens,
                                      layout_.output_tokens));
      return -1;
    };
    col_arrival_ = find(layout_.arrival, true);
    col_input_ = find(layout_.input_tokens, true);
    col_output_ = find(layout_.output_tokens, true);
    if (!layout_.hash_ids.empty()) col_hash_ = find(layout_.hash_ids, true);
    if (!layout_.tier.empty()) col_tier_ = find(layout_.tier, true);
    for (const auto& e : extras_) col_extras_.push_back(find(e, true));
  }

 protected:
  bool read_row(TraceRow& row, int& time_column) override {
    while (std::getline(in_, line_)) {
      ++line_no_;
      if (line_.empty() || line_ == "\r") continue;
      ++rows_;
      row.line = line_no_;
      if (!split_csv_line(line_, fields_)) bad(line_no_, 1, "", "unterminated quote", "a closing \"");
      if (fields_.size() != columns_)
        bad(line_no_, 1, "", fmt::format("row has {} fields, the header {}", fields_.size(), columns_),
            fmt::format("{} comma-separated fields", columns_));
      const CsvField& t = field(col_arrival_);
      time_column = t.column;
      row.time = time_of(t.text, line_no_, t.column);
      const CsvField& in = field(col_input_);
      row.input_tokens = tokens(in.text, line_no_, in.column, layout_.input_tokens);
      const CsvField& out = field(col_output_);
      row.output_tokens = tokens(out.text, line_no_, out.column, layout_.output_tokens);
      row.hash_ids.clear();
      if (col_hash_ >= 0) parse_ids(field(col_hash_), row.hash_ids);
      row.tier.clear();
      row.tier_column = 0;
      if (col_tier_ >= 0) {
        row.tier = field(col_tier_).text;
        row.tier_column = field(col_tier_).column;
      }
      row.extras.resize(col_extras_.size());
      for (std::size_t i = 0; i < col_extras_.size(); ++i) row.extras[i] = field(col_extras_[i]).text;
      return true;
    }
    return false;
  }

 private:
  const CsvField& field(int col) const { return fields_[static_cast<std::size_t>(col)]; }

  // "1 2 3", "1;2;3" or "[1, 2, 3]" (quoted in the file).
  void parse_ids(const CsvField& f, std::vector<std::uint64_t>& out) const {
    const std::string& s = f.text;
    std::size_t i = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == ' ' || c == ';' || c == ',' || c == '|' || c == '[' || c == ']') {
        ++i;
        continue;
      }
      std::uint64_t v = 0;
      auto [p, ec] = std::from_chars(s.data() + i, s.data() + s.size(), v);
      if (ec != std::errc() || p == s.data() + i)
        bad(line_no_, f.column + static_cast<int>(i), layout_.hash_ids, fmt::format("'{}' is not a list of block ids", s),
            "non-negative integers separated by spaces or semicolons");
      out.push_back(v);
      i = static_cast<std::size_t>(p - s.data());
    }
  }

  std::string line_;
  std::vector<CsvField> fields_;
  std::size_t columns_ = 0;
  int line_no_ = 1;
  int col_arrival_ = -1, col_input_ = -1, col_output_ = -1, col_hash_ = -1, col_tier_ = -1;
  std::vector<int> col_extras_;
};

}  // namespace

std::unique_ptr<TraceReader> make_csv_reader(std::string path, std::ifstream in, const std::string& header,
                                             TraceLayout layout, const TraceOpenOptions& options) {
  return std::make_unique<CsvTraceReader>(std::move(path), std::move(in), header, std::move(layout), options);
}

}  // namespace tokenfab
