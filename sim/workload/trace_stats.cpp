#include "sim/workload/trace_stats.hpp"

#include <cmath>
#include <map>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tokenfab {
namespace {

// The value at 0-based rank k of the sorted rows a histogram describes.
std::int64_t at_rank(const std::map<std::int64_t, std::uint64_t>& h, std::uint64_t k) {
  std::uint64_t seen = 0;
  for (const auto& [v, n] : h) {
    seen += n;
    if (k < seen) return v;
  }
  return h.rbegin()->first;
}

double percentile(const std::map<std::int64_t, std::uint64_t>& h, std::uint64_t n, double q) {
  const double pos = q * static_cast<double>(n - 1);
  const auto lo = static_cast<std::uint64_t>(std::floor(pos));
  const std::uint64_t hi = std::min(lo + 1, n - 1);
  const auto a = static_cast<double>(at_rank(h, lo));
  const auto b = static_cast<double>(at_rank(h, hi));
  return a + (b - a) * (pos - static_cast<double>(lo));
}

LengthStats describe(const std::map<std::int64_t, std::uint64_t>& h) {
  LengthStats s;
  double sum = 0;
  for (const auto& [v, n] : h) {
    s.count += n;
    sum += static_cast<double>(v) * static_cast<double>(n);
  }
  if (s.count == 0) return s;
  s.mean = sum / static_cast<double>(s.count);
  s.p50 = percentile(h, s.count, 0.50);
  s.p90 = percentile(h, s.count, 0.90);
  s.p99 = percentile(h, s.count, 0.99);
  s.min = h.begin()->first;
  s.max = h.rbegin()->first;
  return s;
}

nlohmann::ordered_json length_json(const LengthStats& s) {
  return {{"count", s.count}, {"mean", s.mean}, {"p50", s.p50}, {"p90", s.p90},
          {"p99", s.p99},     {"min", s.min},   {"max", s.max}};
}

}  // namespace

TraceStats compute_trace_stats(TraceReader& reader) {
  TraceStats s;
  s.path = reader.path();
  s.format = trace_format_name(reader.layout().format);
  s.detected = reader.layout().detected;
  std::map<std::int64_t, std::uint64_t> input, output;
  std::map<std::string, std::uint64_t> tiers;
  std::unordered_set<std::uint64_t> seen_blocks;
  std::uint64_t reused = 0;
  // Welford's running mean and variance of the gaps.
  double prev = 0, gap_mean = 0, gap_m2 = 0;
  std::uint64_t gaps = 0;
  TraceRow row;
  while (reader.next(row)) {
    if (row.input_tokens == 0 || row.output_tokens == 0) {
      ++s.zero_token_rows;
      continue;
    }
    if (s.requests++ == 0) {
      s.first = row.time;
    } else {
      const double gap = row.time - prev;
      ++gaps;
      const double delta = gap - gap_mean;
      gap_mean += delta / static_cast<double>(gaps);
      gap_m2 += delta * (gap - gap_mean);
    }
    prev = row.time;
    s.last = row.time;
    ++input[row.input_tokens];
    ++output[row.output_tokens];
    if (!reader.layout().tier.empty()) ++tiers[row.tier];
    if (!reader.layout().hash_ids.empty()) {
      s.has_blocks = true;
      for (const auto id : row.hash_ids) {
        ++s.blocks;
        if (!seen_blocks.insert(id).second) ++reused;
      }
    }
  }
  s.rows = reader.rows();
  s.bad_rows = reader.bad_rows();
  s.duration = s.last - s.first;
  if (s.requests > 1 && s.duration > 0) s.mean_rate = static_cast<double>(s.requests - 1) / s.duration;
  if (gaps > 1 && gap_mean > 0) s.gap_cv = std::sqrt(gap_m2 / static_cast<double>(gaps - 1)) / gap_mean;
  s.input = describe(input);
  s.output = describe(output);
  for (const auto& [name, n] : tiers) s.tiers.emplace_back(name, n);
  s.distinct_blocks = seen_blocks.size();
  s.block_reuse = s.blocks > 0 ? static_cast<double>(reused) / static_cast<double>(s.blocks) : 0;
  return s;
}

std::string trace_stats_text(const TraceStats& s) {
  std::string out = fmt::format("trace: {} (format {}{})\n", s.path, s.format, s.detected ? ", detected" : "");
  auto line = [&](const std::string& k, const std::string& v) { out += fmt::format("  {:<30} {:>14}\n", k, v); };
  line("rows", fmt::format("{}", s.rows));
  if (s.bad_rows > 0) line("bad rows skipped", fmt::format("{}", s.bad_rows));
  line("zero-token rows (dropped)", fmt::format("{}", s.zero_token_rows));
  line("requests", fmt::format("{}", s.requests));
  line("duration (s)", fmt::format("{:.3f}", s.duration));
  line("mean rate (requests/s)", fmt::format("{:.4f}", s.mean_rate));
  line("inter-arrival CV (1=Poisson)", fmt::format("{:.3f}", s.gap_cv));
  out += fmt::format("\n  {:<14} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}\n", "tokens", "mean", "p50", "p90", "p99",
                     "min", "max");
  for (const auto& [name, l] : {std::pair<const char*, const LengthStats&>{"input", s.input}, {"output", s.output}})
    out += fmt::format("  {:<14} {:>10.1f} {:>10.1f} {:>10.1f} {:>10.1f} {:>10} {:>10}\n", name, l.mean, l.p50, l.p90,
                       l.p99, l.min, l.max);
  if (!s.tiers.empty()) {
    out += "\n";
    for (const auto& [name, n] : s.tiers) line("tier " + (name.empty() ? "(empty)" : name), fmt::format("{}", n));
  }
  if (s.has_blocks) {
    out += "\n";
    line("prefix blocks", fmt::format("{}", s.blocks));
    line("distinct blocks", fmt::format("{}", s.distinct_blocks));
    line("block reuse (seen before)", fmt::format("{:.3f}", s.block_reuse));
  }
  return out;
}

std::string trace_stats_json(const TraceStats& s) {
  nlohmann::ordered_json j;
  j["path"] = s.path;
  j["format"] = s.format;
  j["detected"] = s.detected;
  j["rows"] = s.rows;
  j["bad_rows"] = s.bad_rows;
  j["zero_token_rows"] = s.zero_token_rows;
  j["requests"] = s.requests;
  j["first_s"] = s.first;
  j["last_s"] = s.last;
  j["duration_s"] = s.duration;
  j["mean_rate_per_s"] = s.mean_rate;
  j["gap_cv"] = s.gap_cv;
  j["input_tokens"] = length_json(s.input);
  j["output_tokens"] = length_json(s.output);
  if (!s.tiers.empty()) {
    nlohmann::ordered_json t;
    for (const auto& [name, n] : s.tiers) t[name] = n;
    j["tiers"] = t;
  }
  if (s.has_blocks)
    j["prefix_blocks"] = {{"blocks", s.blocks}, {"distinct", s.distinct_blocks}, {"reuse", s.block_reuse}};
  return j.dump(2) + "\n";
}

}  // namespace tokenfab
