// `tokenfab trace stats`: what a trace holds, in one streamed pass. Lengths are kept as
// histograms (memory grows with distinct lengths, not rows); only the prefix-block reuse figure
// keeps a set of the block ids seen.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/workload/trace_reader.hpp"

namespace tokenfab {

struct LengthStats {
  std::uint64_t count = 0;
  double mean = 0, p50 = 0, p90 = 0, p99 = 0;  // percentiles interpolate between ranks (numpy's default)
  std::int64_t min = 0, max = 0;
};

struct TraceStats {
  std::string path;
  std::string format;
  bool detected = false;
  std::uint64_t rows = 0;             // data rows read
  std::uint64_t bad_rows = 0;         // skipped (with skip_bad_rows)
  std::uint64_t zero_token_rows = 0;  // not requests (e.g. BurstGPT failures); left out below
  std::uint64_t requests = 0;
  double first = 0, last = 0;         // trace seconds of the first and last request
  double duration = 0;                // last - first
  double mean_rate = 0;               // (requests - 1) / duration: 1 / mean gap
  double gap_cv = 0;                  // coefficient of variation of the gaps (1 for Poisson)
  LengthStats input, output;
  std::vector<std::pair<std::string, std::uint64_t>> tiers;  // with a tier column: count per name
  bool has_blocks = false;
  std::uint64_t blocks = 0, distinct_blocks = 0;  // prefix blocks (hash_ids)
  double block_reuse = 0;             // share of blocks seen earlier in the trace
};

TraceStats compute_trace_stats(TraceReader& reader);
std::string trace_stats_text(const TraceStats& s);
std::string trace_stats_json(const TraceStats& s);  // pretty-printed, newline-terminated

}  // namespace tokenfab
