// Replays a trace file as requests: reader -> time window -> zero-token rows -> filters ->
// sampling -> time scaling -> length caps -> tier. Streamed: one row in memory at a time (a
// target_rate makes one extra pass over the file first, to measure its rate).
#pragma once

#include <memory>

#include "sim/workload/random.hpp"
#include "sim/workload/request_source.hpp"
#include "sim/workload/tier_assigner.hpp"
#include "sim/workload/trace_reader.hpp"

namespace tokenfab {

// Which rows of a trace are replayed (window, zero-token rows, filters, sampling), shared by the
// measuring pass and the replay so that both keep the same rows.
class TraceRowSelector {
 public:
  TraceRowSelector(const TraceWorkload& config, std::uint64_t seed);
  enum class Verdict { Keep, Drop, End };
  // Counts what it drops in `c`.
  Verdict judge(const TraceRow& row, WorkloadCounters& c);
  // Extra columns the filters need, in the order TraceRow::extras holds them.
  const std::vector<std::string>& filter_columns() const { return columns_; }

 private:
  const TraceWorkload& config_;
  std::vector<std::string> columns_;
  Rng sampler_;
};

class TraceSource : public RequestSource {
 public:
  // `tiers` is the scenario's tier table; `mix` its tier_mix (empty: tiers from the trace's tier
  // column, if mapped, else none).
  TraceSource(TraceWorkload config, std::uint64_t seed, const std::vector<TierSpec>& tiers,
              const std::vector<TierShare>& mix);
  TraceSource(const TraceSource&) = delete;  // selector_ refers to config_
  TraceSource& operator=(const TraceSource&) = delete;
  std::optional<Request> next() override;
  WorkloadCounters counters() const override;

 private:
  TraceOpenOptions open_options() const;
  double measure_time_factor(std::uint64_t seed) const;

  TraceWorkload config_;
  std::unique_ptr<TraceReader> reader_;
  TraceRowSelector selector_;
  TierAssigner tiers_;
  WorkloadCounters counters_;
  TraceRow row_;
  bool done_ = false;
  std::uint64_t next_id_ = 0;
};

}  // namespace tokenfab
