#include "sim/workload/trace_source.hpp"

#include <algorithm>

namespace tokenfab {

TraceRowSelector::TraceRowSelector(const TraceWorkload& config, std::uint64_t seed)
    : config_(config), sampler_(mix_seed(seed, 10)) {
  for (const auto& f : config_.filters) {
    if (std::find(columns_.begin(), columns_.end(), f.column) == columns_.end()) columns_.push_back(f.column);
  }
}

TraceRowSelector::Verdict TraceRowSelector::judge(const TraceRow& row, WorkloadCounters& c) {
  if (config_.window.end && row.time >= *config_.window.end) return Verdict::End;  // rows are sorted
  if (row.time < config_.window.start) {
    ++c.outside_window;
    return Verdict::Drop;
  }
  if (row.input_tokens == 0 || row.output_tokens == 0) {
    ++c.zero_token_rows;
    return Verdict::Drop;
  }
  for (const auto& f : config_.filters) {
    const auto col = static_cast<std::size_t>(std::find(columns_.begin(), columns_.end(), f.column) - columns_.begin());
    const bool listed = std::find(f.values.begin(), f.values.end(), row.extras[col]) != f.values.end();
    if (listed == f.exclude) {
      ++c.filtered;
      return Verdict::Drop;
    }
  }
  // One draw per row that reaches sampling, so that the kept set depends only on the seed.
  if (config_.sample < 1.0 && !(sampler_.uniform() < config_.sample)) {
    ++c.sampled_out;
    return Verdict::Drop;
  }
  return Verdict::Keep;
}

TraceSource::TraceSource(TraceWorkload config, std::uint64_t seed, const std::vector<TierSpec>& tiers,
                         const std::vector<TierShare>& mix)
    : config_(std::move(config)), selector_(config_, seed), tiers_(tiers, mix, seed) {
  counters_.trace = true;
  if (config_.target_rate) {
    counters_.time_factor = measure_time_factor(seed);
  } else if (config_.speedup) {
    counters_.time_factor = 1.0 / *config_.speedup;
  } else {
    counters_.time_factor = config_.time_scale;
  }
  reader_ = TraceReader::open(config_.path, open_options());
  counters_.format = trace_format_name(reader_->layout().format);
}

TraceOpenOptions TraceSource::open_options() const {
  TraceOpenOptions o;
  o.format = config_.format;
  o.columns = config_.columns;
  o.extra_columns = selector_.filter_columns();
  o.skip_bad_rows = config_.skip_bad_rows;
  return o;
}

double TraceSource::measure_time_factor(std::uint64_t seed) const {
  // The same selection as the replay (same seed), counting kept rows and their time span.
  auto reader = TraceReader::open(config_.path, open_options());
  TraceRowSelector selector(config_, seed);
  WorkloadCounters scratch;
  TraceRow row;
  std::uint64_t kept = 0;
  double first = 0, last = 0;
  while (reader->next(row)) {
    const auto v = selector.judge(row, scratch);
    if (v == TraceRowSelector::Verdict::End) break;
    if (v == TraceRowSelector::Verdict::Drop) continue;
    if (kept++ == 0) first = row.time;
    last = row.time;
  }
  if (kept < 2 || last <= first)
    throw ConfigError({config_.path, 0, 0}, "workload.trace.target_rate",
                      fmt::format("cannot rescale: the replayed rows ({}) span no time", kept),
                      "at least two rows at different times");
  // Mean rate = 1 / mean gap = (kept - 1) / span; scaling times by f divides it by f.
  const double observed = static_cast<double>(kept - 1) / (last - first);
  return observed / *config_.target_rate;
}

std::optional<Request> TraceSource::next() {
  while (!done_ && reader_->next(row_)) {
    const auto v = selector_.judge(row_, counters_);
    if (v == TraceRowSelector::Verdict::End) {
      done_ = true;
      break;
    }
    if (v == TraceRowSelector::Verdict::Drop) continue;
    Request r;
    if (tiers_.has_mix()) {
      r.tier = tiers_.draw();
    } else if (!reader_->layout().tier.empty()) {
      r.tier = tiers_.lookup(row_.tier);
      if (r.tier == kNoTier) {
        std::string names;
        for (const auto& t : tiers_.table()) names += (names.empty() ? "" : ", ") + t.name;
        reader_->reject(ConfigError({config_.path, row_.line, row_.tier_column > 0 ? row_.tier_column : 1},
                                    reader_->layout().tier, fmt::format("no tier named '{}'", row_.tier),
                                    "one of: " + names));
        continue;
      }
    }
    r.id = next_id_++;
    r.arrival = (row_.time - config_.window.start) * counters_.time_factor;
    r.input_tokens = row_.input_tokens;
    r.output_tokens = row_.output_tokens;
    if (config_.max_input_tokens > 0 && r.input_tokens > config_.max_input_tokens) {
      r.input_tokens = config_.max_input_tokens;
      ++counters_.capped_input;
    }
    if (config_.max_output_tokens > 0 && r.output_tokens > config_.max_output_tokens) {
      r.output_tokens = config_.max_output_tokens;
      ++counters_.capped_output;
    }
    r.prefix_blocks = std::move(row_.hash_ids);
    // Blocks past a capped prompt are not part of the replayed prompt.
    const auto blocks = static_cast<std::size_t>((r.input_tokens + config_.hash_block_tokens - 1) / config_.hash_block_tokens);
    if (r.prefix_blocks.size() > blocks) r.prefix_blocks.resize(blocks);
    ++counters_.emitted;
    return r;
  }
  done_ = true;
  return std::nullopt;
}

WorkloadCounters TraceSource::counters() const {
  WorkloadCounters c = counters_;
  c.rows = reader_->rows();
  c.bad_rows = reader_->bad_rows();
  c.first_bad_row = reader_->first_bad_row();
  return c;
}

}  // namespace tokenfab
