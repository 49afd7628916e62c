// JSON-lines traces: Mooncake (timestamp in ms, input_length, output_length, hash_ids) and
// generic JSONL with a key mapping. Each line is parsed with nlohmann's SAX interface, which
// keeps only the wanted keys (no document tree per row).
#include <cmath>

#include <nlohmann/json.hpp>

#include "sim/workload/trace_reader_impl.hpp"

namespace tokenfab {
namespace {

// A top-level value of the row, as far as we care.
struct Scalar {
  enum Kind { Missing, Int, Float, Text, Other } kind = Missing;
  double number = 0;  // Int and Float
  bool negative_int = false;
  std::string text;   // Text, and the printed form of numbers for filters
};

// Collects the wanted top-level keys of one JSON object.
class RowHandler {
 public:
  using json = nlohmann::json;
  enum Slot { None, Time, Input, Output, Hash, Tier, Extra };

  explicit RowHandler(const TraceLayout& layout, const std::vector<std::string>& extras)
      : layout_(layout), extras_(extras), extra_values_(extras.size()) {}

  void reset() {
    depth_ = 0;
    top_is_object_ = false;
    slot_ = None;
    time_ = input_ = output_ = tier_ = Scalar{};
    for (auto& e : extra_values_) e = Scalar{};
    hash_.clear();
    hash_seen_ = hash_bad_ = false;
    error_pos_ = 0;
  }

  // SAX events.
  bool null() { return scalar_other(); }
  bool boolean(bool v) {
    if (depth_ == 1 && slot_ != None) {
      Scalar& s = target();
      s.kind = Scalar::Other;
      s.text = v ? "true" : "false";
    }
    return element_done(false);
  }
  bool number_integer(json::number_integer_t v) {
    if (depth_ == 2 && slot_ == Hash) {
      if (v < 0) hash_bad_ = true;
      else hash_.push_back(static_cast<std::uint64_t>(v));
      return true;
    }
    if (depth_ == 1 && slot_ != None) {
      Scalar& s = target();
      s.kind = Scalar::Int;
      s.number = static_cast<double>(v);
      s.negative_int = v < 0;
      if (wants_text()) s.text = std::to_string(v);
    }
    return element_done(false);
  }
  bool number_unsigned(json::number_unsigned_t v) {
    if (depth_ == 2 && slot_ == Hash) {
      hash_.push_back(v);
      return true;
    }
    if (depth_ == 1 && slot_ != None) {
      Scalar& s = target();
      s.kind = Scalar::Int;
      s.number = static_cast<double>(v);
      if (wants_text()) s.text = std::to_string(v);
    }
    return element_done(false);
  }
  bool number_float(json::number_float_t v, const json::string_t& raw) {
    if (depth_ == 2 && slot_ == Hash) {
      hash_bad_ = true;
      return true;
    }
    if (depth_ == 1 && slot_ != None) {
      Scalar& s = target();
      s.kind = Scalar::Float;
      s.number = v;
      if (wants_text()) s.text = raw;
    }
    return element_done(false);
  }
  bool string(json::string_t& v) {
    if (depth_ == 2 && slot_ == Hash) {
      hash_bad_ = true;
      return true;
    }
    if (depth_ == 1 && slot_ != None) {
      Scalar& s = target();
      s.kind = Scalar::Text;
      s.text = v;
    }
    return element_done(false);
  }
  bool binary(json::binary_t&) { return scalar_other(); }
  bool start_object(std::size_t) {
    if (depth_ == 0) top_is_object_ = true;
    if (depth_ == 1 && slot_ != None) target().kind = Scalar::Other;
    if ((depth_ == 1 || depth_ == 2) && slot_ == Hash) hash_bad_ = true;
    ++depth_;
    return true;
  }
  bool end_object() {
    --depth_;
    if (depth_ == 1) slot_ = None;
    return true;
  }
  bool key(json::string_t& k) {
    if (depth_ != 1) return true;
    slot_ = None;
    if (k == layout_.arrival) slot_ = Time;
    else if (k == layout_.input_tokens) slot_ = Input;
    else if (k == layout_.output_tokens) slot_ = Output;
    else if (!layout_.hash_ids.empty() && k == layout_.hash_ids) slot_ = Hash;
    else if (!layout_.tier.empty() && k == layout_.tier) slot_ = Tier;
    for (std::size_t i = 0; slot_ == None && i < extras_.size(); ++i) {
      if (k == extras_[i]) {
        slot_ = Extra;
        extra_index_ = i;
      }
    }
    return true;
  }
  bool start_array(std::size_t) {
    if (depth_ == 0) return ++depth_, true;
    if (depth_ == 1 && slot_ == Hash) hash_seen_ = true;
    else if (depth_ == 2 && slot_ == Hash) hash_bad_ = true;
    else if (depth_ == 1 && slot_ != None) target().kind = Scalar::Other;
    ++depth_;
    return true;
  }
  bool end_array() {
    --depth_;
    if (depth_ == 1) slot_ = None;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
    error_pos_ = position;
    return false;
  }

  const TraceLayout& layout_;
  const std::vector<std::string>& extras_;
  int depth_ = 0;
  bool top_is_object_ = false;
  Slot slot_ = None;
  std::size_t extra_index_ = 0;
  Scalar time_, input_, output_, tier_;
  std::vector<Scalar> extra_values_;
  std::vector<std::uint64_t> hash_;
  bool hash_seen_ = false, hash_bad_ = false;
  std::size_t error_pos_ = 0;

 private:
  // Numbers are kept as text only for filters and tiers (they compare text); others use the value.
  bool wants_text() const { return slot_ == Extra || slot_ == Tier; }
  Scalar& target() {
    switch (slot_) {
      case Time: return time_;
      case Input: return input_;
      case Output: return output_;
      case Tier: return tier_;
      case Extra: return extra_values_[extra_index_];
      default: return scratch_;
    }
  }
  bool scalar_other() {
    if (depth_ == 2 && slot_ == Hash) {
      hash_bad_ = true;
      return true;
    }
    if (depth_ == 1 && slot_ != None) target().kind = Scalar::Other;
    return element_done(false);
  }
  bool element_done(bool) {
    if (depth_ == 1) slot_ = None;
    return true;
  }
  Scalar scratch_;
};

class JsonlTraceReader : public TraceReader {
 public:
  JsonlTraceReader(std::string path, std::ifstream in, std::string first, TraceLayout layout,
                   const TraceOpenOptions& options)
      : TraceReader(std::move(path), std::move(in), std::move(layout), options),
        pending_(std::move(first)),
        handler_(layout_, extras_) {}

 protected:
  bool read_row(TraceRow& row, int& time_column) override {
    while (next_line()) {
      if (line_.find_first_not_of(" \t\r") == std::string::npos) continue;
      ++rows_;
      row.line = line_no_;
      handler_.reset();
      if (!nlohmann::json::sax_parse(line_, &handler_))
        bad(line_no_, static_cast<int>(std::max<std::size_t>(handler_.error_pos_, 1)), "", "not valid JSON",
            "one JSON object per line");
      if (!handler_.top_is_object_) bad(line_no_, 1, "", "not a JSON object", "one JSON object per line");
      time_column = column_of(layout_.arrival);
      row.time = time_value(handler_.time_, time_column);
      row.input_tokens = token_value(handler_.input_, layout_.input_tokens);
      row.output_tokens = token_value(handler_.output_, layout_.output_tokens);
      row.hash_ids.clear();
      if (!layout_.hash_ids.empty()) {
        if (!handler_.hash_seen_ || handler_.hash_bad_)
          bad(line_no_, column_of(layout_.hash_ids), layout_.hash_ids,
              handler_.hash_seen_ ? "holds something other than non-negative integers" : "missing key or not a list",
              "a list of block ids");
        row.hash_ids.swap(handler_.hash_);
      }
      row.tier.clear();
      row.tier_column = 0;
      if (!layout_.tier.empty()) {
        if (handler_.tier_.kind == Scalar::Missing || handler_.tier_.kind == Scalar::Other)
          bad(line_no_, column_of(layout_.tier), layout_.tier, "missing key or not a name", "a tier name");
        row.tier = handler_.tier_.text;
        row.tier_column = column_of(layout_.tier);
      }
      row.extras.resize(extras_.size());
      for (std::size_t i = 0; i < extras_.size(); ++i) row.extras[i] = handler_.extra_values_[i].text;
      return true;
    }
    return false;
  }

 private:
  bool next_line() {
    if (pending_) {
      line_ = std::move(*pending_);
      pending_.reset();
      ++line_no_;
      return true;
    }
    if (!std::getline(in_, line_)) return false;
    ++line_no_;
    return true;
  }

  // Where "key" appears on the line (1-based), for messages; 1 when absent.
  int column_of(const std::string& key) const {
    const auto pos = line_.find("\"" + key + "\"");
    return pos == std::string::npos ? 1 : static_cast<int>(pos + 1);
  }

  double time_value(const Scalar& s, int column) {
    if (s.kind == Scalar::Missing) bad(line_no_, 1, layout_.arrival, "missing key", "an arrival time");
    if (s.kind == Scalar::Text) return time_of(s.text, line_no_, column);
    if (s.kind == Scalar::Other) bad(line_no_, column, layout_.arrival, "is not a number", "an arrival time");
    if (layout_.time_unit == TimeUnit::DateTime)
      bad(line_no_, column, layout_.arrival, "is a number", "a date-time string (columns.time_unit: datetime)");
    if (s.number < 0) bad(line_no_, column, layout_.arrival, fmt::format("{} is negative", s.number), "a time >= 0");
    return time_of_number(s.number);
  }

  std::int64_t token_value(const Scalar& s, const std::string& key) {
    const int column = column_of(key);
    if (s.kind == Scalar::Missing) bad(line_no_, 1, key, "missing key", "a token count");
    if (s.kind == Scalar::Text) return tokens(s.text, line_no_, column, key);
    if (s.kind == Scalar::Other) bad(line_no_, column, key, "is not a number", "a token count");
    if (s.number != std::floor(s.number))
      bad(line_no_, column, key, fmt::format("'{}' is not a whole token count", s.number), "an integer >= 0");
    if (s.number < 0 || s.number > 1e8) bad(line_no_, column, key, fmt::format("{} is out of range", s.number), "an integer in [0, 1e8]");
    return static_cast<std::int64_t>(s.number);
  }

  std::optional<std::string> pending_;
  std::string line_;
  int line_no_ = 0;
  RowHandler handler_;
};

}  // namespace

std::unique_ptr<TraceReader> make_jsonl_reader(std::string path, std::ifstream in, std::string first,
                                               TraceLayout layout, const TraceOpenOptions& options) {
  return std::make_unique<JsonlTraceReader>(std::move(path), std::move(in), std::move(first), std::move(layout), options);
}

}  // namespace tokenfab
