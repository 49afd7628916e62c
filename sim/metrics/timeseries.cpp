#include "sim/metrics/timeseries.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace tokenfab {

TimeSeriesRecorder::TimeSeriesRecorder(double interval, std::vector<SeriesReplica> replicas)
    : interval_(interval), replicas_(std::move(replicas)) {
  for (const auto& r : replicas_) {
    auto it = std::find(groups_.begin(), groups_.end(), r.group);
    if (it == groups_.end()) it = groups_.insert(groups_.end(), r.group);
    group_of_.push_back(static_cast<std::size_t>(it - groups_.begin()));
  }
  group_bins_.resize(groups_.size());
}

void TimeSeriesRecorder::coarsen() {
  // Interval k of the doubled interval is intervals 2k and 2k+1 of the old one: sums add exactly.
  const std::size_t n = (bins_.size() + 1) / 2;
  for (std::size_t k = 0; k < n; ++k) {
    Bin b = bins_[2 * k];
    if (2 * k + 1 < bins_.size()) {
      b.output_tokens += bins_[2 * k + 1].output_tokens;
      b.input_tokens += bins_[2 * k + 1].input_tokens;
    }
    bins_[k] = b;
  }
  bins_.resize(n);
  for (auto& bins : group_bins_) {
    for (std::size_t k = 0; k < n; ++k) {
      GroupBin b = bins[2 * k];
      if (2 * k + 1 < bins.size()) {
        const GroupBin& o = bins[2 * k + 1];
        b.busy_device_s += o.busy_device_s;
        b.flops += o.flops;
        b.bytes += o.bytes;
        b.dynamic_j += o.dynamic_j;
        b.waiting_s += o.waiting_s;
        b.running_s += o.running_s;
        b.kv_block_s += o.kv_block_s;
      }
      bins[k] = b;
    }
    bins.resize(n);
  }
  interval_ *= 2;
  coarsened_ = true;
}

void TimeSeriesRecorder::grow(std::size_t bins) {
  while (bins > kMaxTimeSeriesRows) {
    coarsen();
    bins = (bins + 1) / 2;
  }
  if (bins_.size() < bins) {
    bins_.resize(bins);
    for (auto& g : group_bins_) g.resize(bins);
  }
}

std::size_t TimeSeriesRecorder::bin_of(double t) {
  auto k = static_cast<std::size_t>(std::max(0.0, t) / interval_);
  if (k < bins_.size()) return k;
  grow(k + 1);
  return static_cast<std::size_t>(std::max(0.0, t) / interval_);  // the interval may have doubled
}

void TimeSeriesRecorder::iteration(std::size_t r, const IterationSample& s) {
  const SeriesReplica& rep = replicas_[r];
  std::vector<GroupBin>& bins = group_bins_[group_of_[r]];
  // The end first: it is the latest instant, so once its bin exists no later call coarsens.
  const std::size_t last = bin_of(s.end);
  bins_[last].output_tokens += static_cast<double>(s.output_tokens);
  const double span = s.end - s.start;
  if (span <= 0) return;
  const double devices = rep.devices;
  auto add = [&](std::size_t k, double fraction) {
    const double seconds = span * fraction;
    GroupBin& b = bins[k];
    b.busy_device_s += devices * seconds;
    b.flops += s.flops * fraction;
    b.bytes += s.bytes * fraction;
    b.dynamic_j += (rep.busy_w - rep.idle_w) * seconds;
    b.waiting_s += static_cast<double>(s.waiting) * seconds;
    b.running_s += static_cast<double>(s.running) * seconds;
    b.kv_block_s += static_cast<double>(s.kv_blocks_used) * seconds;
    bins_[k].input_tokens += static_cast<double>(s.input_tokens) * fraction;
  };
  // Most iterations lie within one interval: no second division.
  if (s.start >= static_cast<double>(last) * interval_) {
    add(last, 1.0);
    return;
  }
  const std::size_t first = std::min(last, bin_of(s.start));
  // An iteration whose end lies on the next interval's start belongs wholly to its own interval.
  std::size_t top = last;
  if (top > first && static_cast<double>(top) * interval_ >= s.end) --top;
  if (top == first) {
    add(first, 1.0);
    return;
  }
  // Split in proportion to the overlaps; the last part takes the remainder, so that the parts
  // add up to the whole.
  double given = 0;
  for (std::size_t k = first; k < top; ++k) {
    const double lo = std::max(s.start, static_cast<double>(k) * interval_);
    const double hi = std::min(s.end, static_cast<double>(k + 1) * interval_);
    const double f = std::max(0.0, hi - lo) / span;
    add(k, f);
    given += f;
  }
  add(top, std::max(0.0, 1.0 - given));
}

TimeSeriesTable TimeSeriesRecorder::finish(double end, const std::vector<RequestRecord>& records) {
  TimeSeriesTable t;
  t.columns = {"time_s",           "interval_s",         "output_tokens_per_s", "input_tokens_per_s",
               "requests_arrived", "requests_completed", "device_power_w"};
  for (const auto& g : groups_) {
    for (const char* c : {"busy_fraction_", "mfu_", "mem_bw_util_", "kv_occupancy_", "waiting_", "running_"})
      t.columns.push_back(c + g);
  }
  // Intervals covering [0, end); a last sliver shorter than a billionth of an interval (a
  // rounding artefact of end / interval) joins the interval before it.
  auto rows = [&] { return end > 0 ? std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(end / interval_ - 1e-9))) : 0; };
  grow(rows());
  const std::size_t n = rows();
  t.interval = interval_;
  if (n == 0) return t;
  // Whatever lies past the last interval (events at exactly `end`) joins it.
  auto fold = [n](auto& bins, auto merge) {
    for (std::size_t k = n; k < bins.size(); ++k) merge(bins[n - 1], bins[k]);
    bins.resize(n);
  };
  fold(bins_, [](Bin& a, const Bin& b) {
    a.output_tokens += b.output_tokens;
    a.input_tokens += b.input_tokens;
  });
  for (auto& bins : group_bins_) {
    fold(bins, [](GroupBin& a, const GroupBin& b) {
      a.busy_device_s += b.busy_device_s;
      a.flops += b.flops;
      a.bytes += b.bytes;
      a.dynamic_j += b.dynamic_j;
      a.waiting_s += b.waiting_s;
      a.running_s += b.running_s;
      a.kv_block_s += b.kv_block_s;
    });
  }
  auto bin = [&](double time) { return std::min(n - 1, static_cast<std::size_t>(std::max(0.0, time) / interval_)); };
  std::vector<double> arrived(n, 0.0), completed(n, 0.0);
  for (const auto& r : records) {
    arrived[bin(r.request.arrival)] += 1;
    if (r.outcome == Outcome::Completed) completed[bin(r.completion)] += 1;
  }
  // Each device class's capacity: devices, peak FLOP/s and bytes/s, KV blocks; idle power of all.
  struct Capacity {
    double devices = 0, flops = 0, bandwidth = 0, kv_blocks = 0;
  };
  std::vector<Capacity> cap(groups_.size());
  double idle_w = 0;
  for (std::size_t r = 0; r < replicas_.size(); ++r) {
    const SeriesReplica& rep = replicas_[r];
    Capacity& c = cap[group_of_[r]];
    c.devices += rep.devices;
    c.flops += rep.devices * rep.peak_flops;
    c.bandwidth += rep.devices * rep.peak_bandwidth;
    c.kv_blocks += static_cast<double>(rep.kv_blocks);
    idle_w += rep.idle_w;
  }
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  for (std::size_t k = 0; k < n; ++k) {
    const double start = static_cast<double>(k) * interval_;
    const double d = k + 1 < n ? interval_ : end - start;
    std::vector<double> row{start, d, bins_[k].output_tokens / d, bins_[k].input_tokens / d, arrived[k], completed[k]};
    double dynamic_j = 0;
    for (const auto& g : group_bins_) dynamic_j += g[k].dynamic_j;
    row.push_back(idle_w + dynamic_j / d);
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      const GroupBin& b = group_bins_[g][k];
      row.push_back(ratio(b.busy_device_s, cap[g].devices * d));
      row.push_back(ratio(b.flops, cap[g].flops * d));
      row.push_back(ratio(b.bytes, cap[g].bandwidth * d));
      row.push_back(ratio(b.kv_block_s, cap[g].kv_blocks * d));
      row.push_back(b.waiting_s / d);
      row.push_back(b.running_s / d);
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

void write_timeseries_csv(std::ostream& out, const TimeSeriesTable& table) {
  std::string line;
  for (const auto& c : table.columns) line += (line.empty() ? "" : ",") + c;
  out << line << "\n";
  fmt::memory_buffer buf;
  for (const auto& row : table.rows) {
    buf.clear();
    for (std::size_t i = 0; i < row.size(); ++i) fmt::format_to(std::back_inserter(buf), "{}{:.9g}", i ? "," : "", row[i]);
    buf.push_back('\n');
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  }
}

}  // namespace tokenfab
