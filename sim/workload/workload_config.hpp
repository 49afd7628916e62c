// The `workload:` section of a scenario: where requests come from (declared parameters).
// Reference: docs/workloads.md, or `tokenfab help workload --all`.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "models/core/schema.hpp"
#include "sim/workload/tiers.hpp"

namespace tokenfab {

// --- Trace formats ----------------------------------------------------------------------------
enum class TraceFormat {
  Auto,      // detected from the header (or the first JSON line)
  Csv,       // generic CSV; default columns arrival_time (s), input_tokens, output_tokens
  Jsonl,     // generic JSON lines; same default keys
  Azure,     // Azure LLM inference traces 2023/2024: TIMESTAMP (date-time), ContextTokens, GeneratedTokens
  BurstGpt,  // BurstGPT: Timestamp (s), Model, Request tokens, Response tokens, Total tokens, Log Type
  Mooncake,  // Mooncake JSONL: timestamp (ms), input_length, output_length, hash_ids
};
const std::vector<std::pair<std::string, TraceFormat>>& trace_format_choices();
std::string trace_format_name(TraceFormat f);

enum class TimeUnit { Seconds, Milliseconds, Microseconds, Nanoseconds, DateTime };
const std::vector<std::pair<std::string, TimeUnit>>& time_unit_choices();

// Column (CSV) or key (JSONL) names; empty = the format's default.
struct ColumnMapping {
  std::string arrival, input_tokens, output_tokens, hash_ids, tier;
  std::optional<TimeUnit> time_unit;
};

// Keeps (or, with exclude, drops) rows whose `column` holds one of `values` (exact text).
struct TraceFilter {
  std::string column;
  std::vector<std::string> values;
  bool exclude = false;
};

// Part of the trace to replay, in trace time: numeric timestamps count from 0, date-times from
// the first row. Kept rows arrive at (t - start) after scaling.
struct TimeWindow {
  double start = 0;
  std::optional<double> end;
};

struct TraceWorkload {
  std::string path;  // resolved against the scenario's folder
  TraceFormat format = TraceFormat::Auto;
  ColumnMapping columns;
  double time_scale = 1;              // multiplies arrival times (0.5 = twice as fast)
  std::optional<double> speedup;      // divides arrival times
  std::optional<double> target_rate;  // rescales times to this mean rate (requests/s)
  TimeWindow window;
  double sample = 1;                  // fraction of rows kept (seeded)
  std::int64_t max_input_tokens = 0;  // cap (0 = none); capped requests are counted
  std::int64_t max_output_tokens = 0;
  std::vector<TraceFilter> filters;
  bool skip_bad_rows = false;         // skip and count malformed rows instead of stopping
  std::int64_t hash_block_tokens = 512;  // tokens per prefix block behind hash_ids (Mooncake: 512)
};

// --- Token-length distributions (values clipped to [min, max]) -------------------------------
struct FixedLength {
  std::int64_t value = 0;  // every request has this many tokens
};
struct UniformLength {
  std::int64_t min = 1, max = 1;  // inclusive bounds
};
struct NormalLength {
  double mean = 0, stddev = 0;
  std::int64_t min = 1, max = 0;  // max 0 = model context
};
struct LognormalLength {
  double mean = 0;   // mean of the distribution itself (not of its log)
  double sigma = 0;  // standard deviation of the log
  std::int64_t min = 1, max = 0;
};
// Resampled from a trace's lengths (or from a list of values), uniformly over its rows.
struct EmpiricalLength {
  std::string path;                  // trace file, resolved against the scenario's folder
  TraceFormat format = TraceFormat::Auto;
  bool output = false;               // field: input (false) or output (true)
  std::vector<std::int64_t> values;  // instead of a path
};
using LengthDistribution = std::variant<FixedLength, UniformLength, NormalLength, LognormalLength, EmpiricalLength>;

// --- Arrival processes ------------------------------------------------------------------------
struct PoissonArrivals {
  double rate = 0;  // requests per second
};
struct ConstantArrivals {
  double rate = 0;  // requests per second, evenly spaced
};
// Renewal process with Gamma gaps: mean 1/rate, coefficient of variation cv (1 = Poisson).
struct GammaArrivals {
  double rate = 0;
  double cv = 1;
};
// Bursts: Poisson at `rate` during ON periods and at `off_rate` during OFF periods.
struct OnOffArrivals {
  double rate = 0;
  double off_rate = 0;
  double on = 0;            // mean ON duration, s
  double off = 0;           // mean OFF duration, s
  bool exponential = true;  // period lengths exponential (Markov-modulated) or fixed
};
// Poisson with a daily cycle: rate(t) = rate * (1 + amplitude * cos(2 pi (t - peak) / period)).
struct DiurnalArrivals {
  double rate = 0;          // mean over a period
  double amplitude = 0.5;   // 0..1
  double period = 86400;    // s
  double peak = 14 * 3600;  // time of the peak within the period, s
};
using ArrivalProcess = std::variant<PoissonArrivals, ConstantArrivals, GammaArrivals, OnOffArrivals, DiurnalArrivals>;

struct SyntheticWorkload {
  ArrivalProcess arrivals;
  LengthDistribution input_tokens;
  LengthDistribution output_tokens;
};

// --- Agentic sessions (schemas: sim/workload/session_config.hpp); durations in seconds --------
struct FixedDuration {
  double value = 0;  // every draw
};
struct UniformDuration {
  double min = 0, max = 0;  // bounds
};
// floor + an exponential of mean `mean`.
struct ExponentialDuration {
  double mean = 0;
  double floor = 0;
};
// Log-normal with this mean, clipped below at min.
struct LognormalDuration {
  double mean = 0;
  double sigma = 0;  // standard deviation of the log
  double min = 0;
};
using DurationDistribution = std::variant<FixedDuration, UniformDuration, ExponentialDuration, LognormalDuration>;

struct SessionWorkload {
  ArrivalProcess arrivals;                // session starts
  LengthDistribution turns;               // turns per session (>= 1)
  LengthDistribution first_input_tokens;  // the first prompt (system prompt + task)
  LengthDistribution turn_input_tokens;   // tokens each later turn adds (tool result + user message)
  LengthDistribution output_tokens;       // generated per turn
  DurationDistribution tool_time;         // the tool call after a turn, on a CPU host
  DurationDistribution think_time;        // after the tool returns, before the next prompt
  // "auto": the platform's CPU hosts (tokenfab:role cpu or frontend), one per session in turn;
  // "none": a pure delay; or one host's name.
  std::string tool_host = "auto";
  // Later turns go to the replica that served the previous turn while it is alive (its prefix
  // cache holds the context), instead of being routed afresh.
  bool sticky = true;
  std::int64_t prefix_block_tokens = 64;  // tokens per prefix-cache block of a session's context
};

// A tier's share of the requests (workload.tier_mix).
struct TierShare {
  std::string tier;
  double fraction = 0;
};

struct WorkloadConfig {
  std::optional<SyntheticWorkload> synthetic;
  std::optional<TraceWorkload> trace;
  std::optional<SessionWorkload> sessions;  // agentic sessions (turns arrive as earlier ones end)
  std::int64_t requests = 0;        // stop after this many arrivals (sessions: session starts; 0 = no limit)
  std::optional<double> duration;   // stop arrivals after this simulated time
  std::vector<TierShare> tier_mix;  // seeded tier draw; or a trace's tier column; or no tiers
};

const Schema<WorkloadConfig>& workload_schema();
const Schema<TraceWorkload>& trace_workload_schema();
const Schema<SyntheticWorkload>& synthetic_workload_schema();
// Length and arrival schemas, for flags that take a YAML map (tokenfab trace synth).
const VariantSchema<LengthDistribution>& length_distribution_schema();
const VariantSchema<ArrivalProcess>& arrival_process_schema();

// Resolves every file path in the workload (trace, empirical lengths) with `resolve`.
void resolve_workload_paths(WorkloadConfig& w, const std::function<std::string(const std::string&)>& resolve);

// Cross-section rules: tier names in tier_mix exist in `tiers`, and a tier column is not
// combined with a mix. `workload` is the workload map (for positions).
void check_workload_tiers(const YamlNode& workload, const WorkloadConfig& w, const std::vector<TierSpec>& tiers);

}  // namespace tokenfab
