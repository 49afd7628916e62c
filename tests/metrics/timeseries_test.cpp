// The time-series recorder on hand-made iterations: work split over intervals in proportion to
// time, tokens at their emission instant, levels as time averages, power from busy time, the
// short last interval, and coarsening past the row limit.
#include "sim/metrics/timeseries.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace tokenfab {
namespace {

// One replica of 8 devices: 1 PFLOP/s and 2 TB/s each, 100 KV blocks, 100 W idle / 700 W busy each.
SeriesReplica replica(const std::string& group = "unified") {
  SeriesReplica r;
  r.group = group;
  r.devices = 8;
  r.peak_flops = 1e15;
  r.peak_bandwidth = 2e12;
  r.kv_blocks = 100;
  r.idle_w = 800;
  r.busy_w = 5600;
  return r;
}

IterationSample sample(double start, double end, std::int64_t out, std::int64_t in) {
  IterationSample s;
  s.start = start;
  s.end = end;
  s.output_tokens = out;
  s.input_tokens = in;
  s.flops = 8e15 * (end - start) * 0.5;   // half of peak over the span
  s.bytes = 16e12 * (end - start) * 0.25; // a quarter of peak bandwidth
  s.waiting = 3;
  s.running = 10;
  s.kv_blocks_used = 50;
  return s;
}

double column(const TimeSeriesTable& t, std::size_t row, const std::string& name) {
  for (std::size_t c = 0; c < t.columns.size(); ++c)
    if (t.columns[c] == name) return t.rows[row][c];
  ADD_FAILURE() << "no column " << name;
  return 0;
}

TEST(TimeSeries, SpanAcrossIntervalsSplitsWorkByTimeAndTokensAtTheEnd) {
  TimeSeriesRecorder rec(1.0, {replica()});
  rec.iteration(0, sample(0.5, 2.0, 64, 1000));  // half in [0,1), all of [1,2); emits at t = 2
  const TimeSeriesTable t = rec.finish(3.0, {});
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_DOUBLE_EQ(column(t, 0, "busy_fraction_unified"), 0.5);
  EXPECT_DOUBLE_EQ(column(t, 1, "busy_fraction_unified"), 1.0);
  EXPECT_DOUBLE_EQ(column(t, 2, "busy_fraction_unified"), 0.0);
  // Prompt tokens are computed during the span; output tokens appear when emitted.
  EXPECT_NEAR(column(t, 0, "input_tokens_per_s"), 1000.0 / 3, 1e-9);
  EXPECT_NEAR(column(t, 1, "input_tokens_per_s"), 2000.0 / 3, 1e-9);
  EXPECT_DOUBLE_EQ(column(t, 0, "output_tokens_per_s"), 0.0);
  EXPECT_DOUBLE_EQ(column(t, 2, "output_tokens_per_s"), 64.0);
  // Busy at half peak FLOP/s and a quarter of peak bandwidth.
  EXPECT_NEAR(column(t, 1, "mfu_unified"), 0.5, 1e-12);
  EXPECT_NEAR(column(t, 1, "mem_bw_util_unified"), 0.25, 1e-12);
  EXPECT_NEAR(column(t, 0, "mfu_unified"), 0.25, 1e-12);
  // Levels are time averages; idle time holds nothing.
  EXPECT_NEAR(column(t, 0, "waiting_unified"), 1.5, 1e-12);
  EXPECT_NEAR(column(t, 1, "running_unified"), 10.0, 1e-12);
  EXPECT_NEAR(column(t, 1, "kv_occupancy_unified"), 0.5, 1e-12);
  // Power: idle 800 W plus 4800 W for the busy share.
  EXPECT_NEAR(column(t, 0, "device_power_w"), 800 + 4800 * 0.5, 1e-9);
  EXPECT_NEAR(column(t, 1, "device_power_w"), 5600, 1e-9);
  EXPECT_NEAR(column(t, 2, "device_power_w"), 800, 1e-9);
}

TEST(TimeSeries, SumsOverIntervalsEqualTheTotals) {
  TimeSeriesRecorder rec(0.25, {replica("prefill"), replica("decode")});
  double t = 0, busy = 0;
  std::int64_t out = 0, in = 0;
  // Back-to-back iterations of irregular lengths, as a fast-forwarded segment applies them.
  for (int i = 0; i < 997; ++i) {
    const double len = 0.001 + 0.0137 * ((i * 7919) % 13);
    rec.iteration(static_cast<std::size_t>(i % 2), sample(t, t + len, i % 5, 37 * (i % 3)));
    t += len;
    busy += len;
    out += i % 5;
    in += 37 * (i % 3);
  }
  const TimeSeriesTable table = rec.finish(t + 0.1, {});
  double so = 0, si = 0, energy = 0, busy_s = 0, duration = 0;
  for (std::size_t k = 0; k < table.rows.size(); ++k) {
    const double d = column(table, k, "interval_s");
    duration += d;
    so += column(table, k, "output_tokens_per_s") * d;
    si += column(table, k, "input_tokens_per_s") * d;
    energy += column(table, k, "device_power_w") * d;
    for (const char* g : {"busy_fraction_prefill", "busy_fraction_decode"}) {
      const double f = column(table, k, g);
      EXPECT_GE(f, 0.0);
      EXPECT_LE(f, 1.0 + 1e-12) << g << " row " << k;
      busy_s += f * d;
    }
  }
  EXPECT_NEAR(duration, t + 0.1, 1e-9);
  EXPECT_NEAR(so, static_cast<double>(out), 1e-6);
  EXPECT_NEAR(si, static_cast<double>(in), 1e-6);
  EXPECT_NEAR(busy_s, busy, 1e-9);
  // Two replicas idle at 800 W each; the busy one draws 4800 W more.
  EXPECT_NEAR(energy, 1600 * (t + 0.1) + 4800 * busy, 1e-6);
}

TEST(TimeSeries, ArrivalsAndCompletionsComeFromTheRecords) {
  TimeSeriesRecorder rec(1.0, {replica()});
  std::vector<RequestRecord> records(3);
  records[0].request.arrival = 0.2;
  records[0].outcome = Outcome::Completed;
  records[0].completion = 1.5;
  records[1].request.arrival = 0.9;
  records[1].outcome = Outcome::Rejected;
  records[2].request.arrival = 2.5;  // an event at the very end falls in the last interval
  records[2].outcome = Outcome::Completed;
  records[2].completion = 2.5;
  const TimeSeriesTable t = rec.finish(2.5, records);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(column(t, 0, "requests_arrived"), 2);
  EXPECT_EQ(column(t, 1, "requests_completed"), 1);
  EXPECT_EQ(column(t, 2, "requests_arrived"), 1);
  EXPECT_EQ(column(t, 2, "requests_completed"), 1);
  EXPECT_DOUBLE_EQ(column(t, 2, "interval_s"), 0.5);
}

TEST(TimeSeries, LongRunsDoubleTheIntervalInsteadOfGrowingWithoutBound) {
  TimeSeriesRecorder rec(0.001, {replica()});
  rec.iteration(0, sample(0.0, 0.5, 10, 0));
  rec.iteration(0, sample(250.0, 250.5, 7, 0));  // 250,500 intervals of 1 ms: too many
  EXPECT_TRUE(rec.coarsened());
  const TimeSeriesTable t = rec.finish(251.0, {});
  EXPECT_LE(t.rows.size(), kMaxTimeSeriesRows);
  EXPECT_DOUBLE_EQ(t.interval, 0.004);  // 1 ms doubled twice
  double out = 0, busy = 0;
  for (std::size_t k = 0; k < t.rows.size(); ++k) {
    const double d = column(t, k, "interval_s");
    out += column(t, k, "output_tokens_per_s") * d;
    busy += column(t, k, "busy_fraction_unified") * d;
  }
  EXPECT_NEAR(out, 17, 1e-9);
  EXPECT_NEAR(busy, 1.0, 1e-9);
}

TEST(TimeSeries, CsvHasAHeaderAndOneLinePerInterval) {
  TimeSeriesRecorder rec(0.5, {replica()});
  rec.iteration(0, sample(0.1, 0.2, 1, 5));
  std::ostringstream out;
  write_timeseries_csv(out, rec.finish(1.0, {}));
  const std::string csv = out.str();
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "time_s,interval_s,output_tokens_per_s,input_tokens_per_s,requests_arrived,requests_completed,"
            "device_power_w,busy_fraction_unified,mfu_unified,mem_bw_util_unified,kv_occupancy_unified,"
            "waiting_unified,running_unified");
  EXPECT_NE(csv.find("\n0,0.5,2,10,0,0,1760,0.2,0.1,0.05,0.1,0.6,2\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n0.5,0.5,0,0,0,0,800,0,0,0,0,0,0\n"), std::string::npos) << csv;
}

}  // namespace
}  // namespace tokenfab
