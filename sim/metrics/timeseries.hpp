// timeseries.csv: the run at a fixed interval (columns: docs/outputs.md, definitions:
// docs/metrics.md). Replica actors report every engine iteration they price, with its span on the
// replica's clock, so that iterations applied ahead of SimGrid time (fast_forward) are accounted
// exactly as the step-by-step run accounts them and no sampling actor adds events. Plain C++ (no
// SimGrid): the engine passes each replica's devices, peaks and watts in.
//
// Accounting: work (busy time, FLOPs, bytes, dynamic energy) is spread over the iteration's span
// in proportion to its overlap with each interval; tokens are counted at the iteration's end,
// when they are emitted; levels (waiting and running requests, KV blocks held) are integrated
// over the span and reported as time averages. Between iterations a replica is idle: it holds
// no requests and no KV, and its devices draw idle power.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "sim/metrics/request_record.hpp"

namespace tokenfab {

// One replica as the recorder sees it.
struct SeriesReplica {
  std::string group;            // device class: its pool's role (unified | prefill | decode)
  int devices = 1;
  double peak_flops = 0;        // dense FLOP/s of one device at the GEMMs' precision
  double peak_bandwidth = 0;    // memory B/s of one device
  std::int64_t kv_blocks = 0;   // KV capacity
  double idle_w = 0;            // its devices' idle power, summed
  double busy_w = 0;            // its devices' full-load power, summed
};

// What one iteration did, on the replica's clock [start, end).
struct IterationSample {
  double start = 0, end = 0;
  double flops = 0;  // the perf model's FLOPs of the work done in the span, all devices together
  double bytes = 0;  // its memory traffic, all devices together
  std::int64_t output_tokens = 0;  // emitted at `end`
  std::int64_t input_tokens = 0;   // prompt tokens prefilled (computed) in the span
  std::int64_t waiting = 0;        // requests queued at the replica during the span
  std::int64_t running = 0;        // requests in the batch
  std::int64_t kv_blocks_used = 0; // KV blocks held during the span
};

// The finished table: a time column (interval start), then the value columns.
struct TimeSeriesTable {
  double interval = 0;          // s; may exceed the configured one (see kMaxTimeSeriesRows)
  std::vector<std::string> columns;       // including "time_s" first
  std::vector<std::vector<double>> rows;  // one per interval, one value per column
};

// Past this many intervals the interval doubles (adjacent intervals merge, exactly) so that a long
// run does not hold millions of rows; the run logs a warning when it happens.
inline constexpr std::size_t kMaxTimeSeriesRows = 100000;

class TimeSeriesRecorder {
 public:
  TimeSeriesRecorder(double interval, std::vector<SeriesReplica> replicas);

  // Replica `r` ran (part of) an iteration.
  void iteration(std::size_t r, const IterationSample& s);

  // The table over [0, end): `records` give arrivals and completions. Events at exactly `end`
  // fall in the last interval, which may be shorter than the others (column interval_s).
  TimeSeriesTable finish(double end, const std::vector<RequestRecord>& records);

  double interval() const { return interval_; }
  bool coarsened() const { return coarsened_; }

 private:
  // Per device class and interval.
  struct GroupBin {
    double busy_device_s = 0;  // busy seconds x devices
    double flops = 0;          // over all its devices
    double bytes = 0;
    double dynamic_j = 0;      // energy above idle
    double waiting_s = 0;      // integral of waiting requests over time
    double running_s = 0;
    double kv_block_s = 0;
  };
  struct Bin {
    double output_tokens = 0;
    double input_tokens = 0;
  };
  std::size_t bin_of(double t);  // grows (and coarsens) the storage as needed
  void grow(std::size_t bins);   // at least this many bins, coarsening past kMaxTimeSeriesRows
  void coarsen();

  double interval_;
  bool coarsened_ = false;
  std::vector<SeriesReplica> replicas_;
  std::vector<std::size_t> group_of_;  // replica -> group index
  std::vector<std::string> groups_;    // in first-seen order
  std::vector<Bin> bins_;
  std::vector<std::vector<GroupBin>> group_bins_;  // [group][bin]
};

// The table as CSV (numbers to 9 significant digits).
void write_timeseries_csv(std::ostream& out, const TimeSeriesTable& table);

}  // namespace tokenfab
