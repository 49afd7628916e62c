// Helpers shared by the workload tests: generated requests, written in a trace format and read
// back through the same code a run uses.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include "sim/workload/synthetic.hpp"
#include "sim/workload/trace_source.hpp"
#include "sim/workload/trace_writer.hpp"

namespace tokenfab::test {

// `n` requests from a seeded generator (chat-like lengths, Poisson at `rate`), tiers from `mix`.
inline std::vector<Request> generated(std::size_t n, double rate = 5, std::uint64_t seed = 3,
                                      const std::vector<TierShare>& mix = {}) {
  SyntheticWorkload w;
  w.arrivals = PoissonArrivals{rate};
  w.input_tokens = LognormalLength{900, 0.9, 1, 0};
  w.output_tokens = UniformLength{1, 700};
  SyntheticSource source(w, seed, 32768, default_tiers(), mix);
  std::vector<Request> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(*source.next());
  return out;
}

inline std::string write_trace(const std::string& path, const std::vector<Request>& requests, TraceFormat format,
                               bool with_tiers = false) {
  std::ofstream out(path, std::ios::binary);
  TraceWriter writer(out, format, default_tiers(), with_tiers);
  for (const auto& r : requests) writer.write(r);
  return path;
}

// Every request a TraceSource replays from `config`.
inline std::vector<Request> replay(const TraceWorkload& config, std::uint64_t seed = 1,
                                   const std::vector<TierShare>& mix = {}, WorkloadCounters* counters = nullptr) {
  TraceSource source(config, seed, default_tiers(), mix);
  std::vector<Request> out;
  while (auto r = source.next()) out.push_back(*r);
  if (counters) *counters = source.counters();
  return out;
}

inline TraceWorkload trace_at(const std::string& path) {
  TraceWorkload t;
  t.path = path;
  return t;
}

}  // namespace tokenfab::test
