// Microbenchmarks of the engine's hot paths (issue 9): pricing one iteration (roofline), one
// continuous-batching step of a replica's scheduler (plan + complete), one routing decision, and
// parsing trace rows. Each reports the time of one operation; the whole-run figures are in
// bench/scale_*.sh and docs/performance.md.
//
//   ./build/bench/engine_micro_bench
//   ./build/bench/engine_micro_bench --benchmark_filter=Price
//
// On a shared machine, compare CPU time (Google Benchmark's "CPU" column), not wall time.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "models/efficiency.hpp"
#include "models/perf/roofline.hpp"
#include "sim/serving/batch_scheduler.hpp"
#include "sim/serving/router.hpp"
#include "sim/workload/synthetic.hpp"
#include "sim/workload/trace_source.hpp"
#include "sim/workload/trace_writer.hpp"

namespace tokenfab {
namespace {

// Llama-3.1-70B FP8 on one HGX H100 (TP=8), as in scenarios/quickstart.yaml; DeepSeek-R1 wide-EP
// (attention DP 8 x expert parallel 8, FP8) for the MoE and MLA paths.
ReplicaSetup setup(const std::string& model, const std::string& device, int tp, int dp, int ep) {
  const Catalog catalog;
  ReplicaSetup s;
  s.model = catalog.llm(model);
  s.device = catalog.device(device);
  s.tp = tp;
  s.dp = dp;
  s.ep = ep;
  s.link_bandwidth = 450e9;  // NVLink 4 per direction (platforms/hgx-h100.xml)
  s.link_latency = 0.5e-6;
  s.efficiency = efficiency_for(catalog, device);
  return s;
}

// A decode batch of `range(0)` sequences at ~2k context, with one 512-token prefill chunk.
BatchShape mixed_batch(std::int64_t decodes) {
  BatchShape b;
  b.add(512, 1024, false);
  for (std::int64_t i = 0; i < decodes; ++i) b.add(1, 2000 + 7 * i, true);
  return b;
}

void BM_PriceLlama70bTp8(benchmark::State& state) {
  const RooflineModel model(setup("llama-3.1-70b", "h100-sxm", 8, 1, 1));
  const BatchShape b = mixed_batch(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(model.price(b).seconds);
}
BENCHMARK(BM_PriceLlama70bTp8)->Arg(1)->Arg(64)->Arg(256);

void BM_PriceDeepSeekR1WideEp(benchmark::State& state) {
  const RooflineModel model(setup("deepseek-r1", "h100-sxm", 1, 8, 8));
  const BatchShape b = mixed_batch(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(model.price(b).seconds);
}
BENCHMARK(BM_PriceDeepSeekR1WideEp)->Arg(1)->Arg(64)->Arg(256);

// One scheduler step (plan + complete) of a replica kept at `range(0)` running sequences: each
// finished request is replaced by a new one, so admissions, prefill chunks and finishes occur at
// their steady-state rate (~1/200 of the sequences finish per step with 200-token outputs).
void BM_SchedulerStep(benchmark::State& state) {
  const int seqs = static_cast<int>(state.range(0));
  SchedulerLimits lim;
  lim.max_batched_tokens = 8192;
  lim.max_num_seqs = seqs;
  std::uint64_t done = 0, next_id = 0;
  BatchScheduler s(lim, KvCache(1 << 22, 16), 0, [&done](RequestRecord&&) { ++done; });
  auto top_up = [&](double now) {
    while (s.running() + s.waiting() < static_cast<std::size_t>(seqs)) {
      const auto id = next_id++;
      s.enqueue(Request{id, now, 800 + static_cast<std::int64_t>(id % 701), 100 + static_cast<std::int64_t>(id % 211)});
    }
  };
  double t = 0;
  top_up(t);
  for (int i = 0; i < 2000; ++i) {  // reach steady state before timing
    s.plan(t);
    s.complete(t += 0.01);
    top_up(t);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.plan(t).new_tokens);
    s.complete(t += 0.01);
    top_up(t);
  }
  state.counters["finished_per_step"] = static_cast<double>(done) / static_cast<double>(state.iterations() + 2000);
}
BENCHMARK(BM_SchedulerStep)->Arg(16)->Arg(256)->Arg(1024);

// One routing decision over `range(0)` replicas (schedulers with different loads).
void route_bench(benchmark::State& state, const std::string& name) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<std::unique_ptr<BatchScheduler>> owned;
  std::vector<const BatchScheduler*> views;
  for (std::size_t i = 0; i < n; ++i) {
    owned.push_back(std::make_unique<BatchScheduler>(SchedulerLimits{}, KvCache(1 << 20, 16), static_cast<int>(i),
                                                     [](RequestRecord&&) {}));
    for (std::size_t k = 0; k < (i * 7919) % 13; ++k) owned.back()->enqueue(Request{k, 0, 1000, 200});
    views.push_back(owned.back().get());
  }
  const std::vector<bool> alive(n, true);
  auto router = make_router(name);
  const Request r{0, 0, 1000, 200};
  for (auto _ : state) benchmark::DoNotOptimize(router->route(r, views, alive));
}
void BM_RouteRoundRobin(benchmark::State& s) { route_bench(s, "round_robin"); }
void BM_RouteLeastOutstanding(benchmark::State& s) { route_bench(s, "least_outstanding"); }
BENCHMARK(BM_RouteRoundRobin)->Arg(8)->Arg(144)->Arg(1152);
BENCHMARK(BM_RouteLeastOutstanding)->Arg(8)->Arg(144)->Arg(1152);

// Parsing one trace row, per format (100,000 rows written by the project's own writer; the
// scale test of the same readers at 1M-10M rows is bench/workload_trace_bench.cpp).
void parse_bench(benchmark::State& state, TraceFormat format) {
  constexpr std::int64_t kRows = 100'000;
  const auto dir = std::filesystem::temp_directory_path() / "tokenfab-micro-bench";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / ("rows-" + trace_format_name(format) +
                                    (format == TraceFormat::Mooncake ? ".jsonl" : ".csv")))
                               .string();
  {
    SyntheticWorkload w;
    w.arrivals = PoissonArrivals{50};
    w.input_tokens = LognormalLength{1024, 0.8, 1, 8192};
    w.output_tokens = LognormalLength{256, 0.6, 1, 2048};
    SyntheticSource source(w, 7, 131072);
    std::ofstream out(path, std::ios::binary);
    TraceWriter writer(out, format, {}, false);
    for (std::int64_t i = 0; i < kRows; ++i) writer.write(*source.next());
  }
  TraceWorkload config;
  config.path = path;
  for (auto _ : state) {
    TraceSource source(config, 1, {}, {});
    std::int64_t tokens = 0;
    while (auto r = source.next()) tokens += r->input_tokens;
    benchmark::DoNotOptimize(tokens);
  }
  std::filesystem::remove(path);
  state.SetItemsProcessed(state.iterations() * kRows);  // items_per_second = rows parsed per second
}
void BM_ParseCsv(benchmark::State& s) { parse_bench(s, TraceFormat::Csv); }
void BM_ParseAzure(benchmark::State& s) { parse_bench(s, TraceFormat::Azure); }
void BM_ParseMooncake(benchmark::State& s) { parse_bench(s, TraceFormat::Mooncake); }
BENCHMARK(BM_ParseCsv)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseAzure)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseMooncake)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tokenfab

BENCHMARK_MAIN();
