// Trace readers: TraceReader::open + next() on a file holding the input, for the format given at
// compile time (TOKENFAB_FUZZ_TRACE_FORMAT: one fuzz target per format, each with its own seeds).
// The first byte picks options (skip_bad_rows, a tier column, an extra column, a time unit); the
// rest is the file. Rows that come out must keep the reader's promises: times finite, >= 0 and
// sorted; token counts in [0, 1e8].
#include <cmath>

#include "fuzz/fuzz_support.hpp"
#include "sim/workload/trace_reader.hpp"

#ifndef TOKENFAB_FUZZ_TRACE_FORMAT
#error "define TOKENFAB_FUZZ_TRACE_FORMAT (a TraceFormat enumerator)"
#endif

using namespace tokenfab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static fuzz::ScratchFile scratch(".trace");
  const std::uint8_t flags = data[0];
  TraceOpenOptions opt;
  opt.format = TraceFormat::TOKENFAB_FUZZ_TRACE_FORMAT;
  opt.skip_bad_rows = flags & 1;
  if (flags & 2) opt.columns.tier = "tier";
  if (flags & 4) opt.extra_columns.push_back("model");
  switch ((flags >> 3) & 3) {
    case 1: opt.columns.time_unit = TimeUnit::Milliseconds; break;
    case 2: opt.columns.time_unit = TimeUnit::DateTime; break;
    case 3: opt.columns.time_unit = TimeUnit::Nanoseconds; break;
    default: break;
  }
  const std::string& path = scratch.write(data + 1, size - 1);
  try {
    const auto reader = TraceReader::open(path, opt);
    TraceRow row;
    double last = 0;
    while (reader->next(row)) {
      if (!std::isfinite(row.time) || row.time < 0)
        fuzz::finding("row time not finite or negative", std::to_string(row.time));
      if (row.time < last) fuzz::finding("row times not sorted", std::to_string(row.time));
      last = row.time;
      if (row.input_tokens < 0 || row.input_tokens > 100'000'000 || row.output_tokens < 0 ||
          row.output_tokens > 100'000'000)
        fuzz::finding("token count outside [0, 1e8]", std::to_string(row.input_tokens));
      if (row.extras.size() != opt.extra_columns.size()) fuzz::finding("extras not one per extra column", "");
    }
    if (reader->rows() < reader->bad_rows()) fuzz::finding("more bad rows than rows", "");
  } catch (const ConfigError& e) {
    fuzz::check_message(e);
  }
  return 0;
}
