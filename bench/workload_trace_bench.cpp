// Trace replay at scale: generates a trace of N rows with the project's own generator (never a
// committed file), replays it through the same TraceSource a run uses, and reports rows/s and
// the peak resident memory during the replay. Memory must not grow with N: compare the 1M and
// 10M rows lines of one format.
//
//   ./build/bench/workload_trace_bench                       # every format, 1M and 10M rows
//   ./build/bench/workload_trace_bench --benchmark_filter=azure
//
// Traces are written under $TMPDIR (default /tmp) and deleted afterwards; the 10M-row files
// take about 0.45 GB (CSV) and 1 GB (Mooncake JSONL) while they exist.
#include <benchmark/benchmark.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/workload/synthetic.hpp"
#include "sim/workload/trace_source.hpp"
#include "sim/workload/trace_writer.hpp"

namespace tokenfab {
namespace {

// Peak resident set size (VmHWM) and current size (VmRSS) of this process, in bytes.
double proc_status_bytes(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(key) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(prefix.size())) * 1024.0;  // "kB"
  }
  return 0;
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so that the peak covers the replay only.
void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

std::string generate(TraceFormat format, std::int64_t rows) {
  const auto dir = std::filesystem::temp_directory_path() / "tokenfab-bench";
  std::filesystem::create_directories(dir);
  const std::string path =
      (dir / ("trace-" + trace_format_name(format) + "-" + std::to_string(rows) +
              (format == TraceFormat::Mooncake ? ".jsonl" : ".csv")))
          .string();
  // Chat-like traffic (the quickstart's lengths) at 50 requests/s.
  SyntheticWorkload w;
  w.arrivals = PoissonArrivals{50};
  w.input_tokens = LognormalLength{1024, 0.8, 1, 8192};
  w.output_tokens = LognormalLength{256, 0.6, 1, 2048};
  SyntheticSource source(w, 7, 131072);
  std::ofstream out(path, std::ios::binary);
  TraceWriter writer(out, format, {}, false);
  for (std::int64_t i = 0; i < rows; ++i) writer.write(*source.next());
  return path;
}

void replay(benchmark::State& state, TraceFormat format) {
  const std::int64_t rows = state.range(0);
  const std::string path = generate(format, rows);
  const double file_bytes = static_cast<double>(std::filesystem::file_size(path));
  TraceWorkload config;
  config.path = path;
  double peak = 0, base = 0, cpu = 0;
  std::uint64_t emitted = 0;
  for (auto _ : state) {
    const std::clock_t cpu_start = std::clock();
    base = proc_status_bytes("VmRSS");
    reset_peak_rss();
    TraceSource source(config, 1, {}, {});
    std::int64_t tokens = 0;
    while (auto r = source.next()) tokens += r->input_tokens;
    benchmark::DoNotOptimize(tokens);
    emitted = source.counters().emitted;
    peak = proc_status_bytes("VmHWM");
    cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  }
  std::filesystem::remove(path);
  if (emitted != static_cast<std::uint64_t>(rows)) state.SkipWithError("replay lost rows");
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsIterationInvariantRate);
  // Per CPU second too: on a shared machine the wall-clock rate also measures the neighbours.
  state.counters["rows_per_cpu_s"] = cpu > 0 ? static_cast<double>(rows) / cpu : 0;
  state.counters["MB_per_s"] =
      benchmark::Counter(file_bytes / 1e6, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak_rss_MiB"] = peak / (1024.0 * 1024.0);
  state.counters["rss_growth_MiB"] = (peak - base) / (1024.0 * 1024.0);
  state.counters["file_MB"] = file_bytes / 1e6;
}

void BM_ReplayCsv(benchmark::State& s) { replay(s, TraceFormat::Csv); }
void BM_ReplayAzure(benchmark::State& s) { replay(s, TraceFormat::Azure); }
void BM_ReplayBurstGpt(benchmark::State& s) { replay(s, TraceFormat::BurstGpt); }
void BM_ReplayMooncake(benchmark::State& s) { replay(s, TraceFormat::Mooncake); }

#define TOKENFAB_ROWS ->Arg(1'000'000)->Arg(10'000'000)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime()
BENCHMARK(BM_ReplayCsv) TOKENFAB_ROWS;
BENCHMARK(BM_ReplayAzure) TOKENFAB_ROWS;
BENCHMARK(BM_ReplayBurstGpt) TOKENFAB_ROWS;
BENCHMARK(BM_ReplayMooncake) TOKENFAB_ROWS;

}  // namespace
}  // namespace tokenfab

BENCHMARK_MAIN();
