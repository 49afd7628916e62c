// Reading request traces row by row, whatever their format: a reader holds one line at a time,
// so memory does not grow with the trace. Formats and their columns: docs/workloads.md.
//
// A malformed row is a ConfigError naming file:line:column and the field; with skip_bad_rows the
// reader skips it and counts it instead. Rows must be sorted by time (a row that goes back in
// time is malformed).
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "models/core/config_error.hpp"
#include "sim/workload/workload_config.hpp"

namespace tokenfab {

// One row as read, before any transformation.
struct TraceRow {
  int line = 0;            // 1-based line in the file
  double time = 0;         // trace seconds: numeric timestamps x unit; date-times since the first row
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::vector<std::uint64_t> hash_ids;  // prefix blocks, when the format has them
  std::string tier;        // text of the tier column (empty when not mapped)
  int tier_column = 0;     // its character column (CSV) for messages; 0 when unknown
  std::vector<std::string> extras;  // texts of the requested extra columns, in request order
};

// The format and column names a reader settled on.
struct TraceLayout {
  TraceFormat format = TraceFormat::Csv;  // never Auto
  bool detected = false;                  // chosen from the header rather than given
  std::string arrival;
  TimeUnit time_unit = TimeUnit::Seconds;
  std::string input_tokens, output_tokens, hash_ids, tier;
};

struct TraceOpenOptions {
  TraceFormat format = TraceFormat::Auto;
  ColumnMapping columns;                   // overrides of the format's column names
  std::vector<std::string> extra_columns;  // columns whose text each row carries (filters)
  bool skip_bad_rows = false;
};

class TraceReader {
 public:
  // Opens `path`, detects or checks its format from the first line, and resolves the columns.
  static std::unique_ptr<TraceReader> open(const std::string& path, const TraceOpenOptions& options);
  virtual ~TraceReader() = default;

  // Reads the next good row into `row`; false at the end of the file.
  bool next(TraceRow& row);
  // A row the caller found bad after reading it (e.g. an unknown tier name): throws `error`, or
  // counts the row as bad under skip_bad_rows.
  void reject(const ConfigError& error);

  const std::string& path() const { return path_; }
  const TraceLayout& layout() const { return layout_; }
  std::uint64_t rows() const { return rows_; }
  std::uint64_t bad_rows() const { return bad_rows_; }
  const std::string& first_bad_row() const { return first_bad_row_; }

 protected:
  TraceReader(std::string path, std::ifstream in, TraceLayout layout, const TraceOpenOptions& options);
  // Reads one data row; false at the end. Throws ConfigError for a malformed row (after having
  // consumed its line). `time_column` receives the arrival field's column for messages.
  virtual bool read_row(TraceRow& row, int& time_column) = 0;

  // Helpers for implementations: a ConfigError at `column` of line `line` about `field`.
  [[noreturn]] void bad(int line, int column, const std::string& field, const std::string& problem,
                        const std::string& expected) const;
  // Token count from text: a whole number in [0, 1e8].
  std::int64_t tokens(const std::string& text, int line, int column, const std::string& field) const;
  // Arrival time from text, in trace seconds (date-times relative to the first row).
  double time_of(const std::string& text, int line, int column);
  double time_of_number(double value) const;

  std::string path_;
  std::ifstream in_;
  TraceLayout layout_;
  std::vector<std::string> extras_;
  std::uint64_t rows_ = 0;

 private:
  bool skip_bad_rows_;
  std::uint64_t bad_rows_ = 0;
  std::string first_bad_row_;
  bool have_last_ = false;
  double last_time_ = 0;
  bool have_origin_ = false;
  std::int64_t origin_seconds_ = 0;
  double origin_fraction_ = 0;
};

}  // namespace tokenfab
