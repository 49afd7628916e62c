#include "sim/workload/workload_config.hpp"

#include <cmath>

#include "sim/workload/session_config.hpp"

namespace tokenfab {
namespace {

constexpr std::int64_t kMaxTokens = 100'000'000;  // longer than any model context

const Schema<FixedLength>& fixed_schema() {
  static const Schema<FixedLength> s = Schema<FixedLength>("fixed", "Every request has the same length.")
                                           .integer<std::int64_t>("value", &FixedLength::value, std::nullopt,
                                                                  "Tokens.", Check::Positive, kMaxTokens);
  return s;
}

const Schema<UniformLength>& uniform_schema() {
  static const Schema<UniformLength> s =
      Schema<UniformLength>("uniform", "Uniform integer lengths in [min, max].")
          .integer<std::int64_t>("min", &UniformLength::min, std::nullopt, "Smallest length.", Check::Positive, kMaxTokens)
          .integer<std::int64_t>("max", &UniformLength::max, std::nullopt, "Largest length.", Check::Positive, kMaxTokens)
          .validate([](const YamlNode& n, const UniformLength& u) {
            if (u.max < u.min) n.child("max")->fail("is below min", fmt::format("max >= {}", u.min));
          });
  return s;
}

template <class D>
void check_clip(const YamlNode& n, const D& d) {
  if (d.max != 0 && d.max < d.min) n.child("max")->fail("is below min", fmt::format("max >= {} (or 0 for no cap)", d.min));
}

const Schema<NormalLength>& normal_schema() {
  static const Schema<NormalLength> s =
      Schema<NormalLength>("normal", "Normal lengths, rounded and clipped to [min, max].")
          .number("mean", &NormalLength::mean, std::nullopt, "Mean, tokens.", Check::Positive, "tokens")
          .number("stddev", &NormalLength::stddev, std::nullopt, "Standard deviation, tokens.", Check::NonNegative,
                  "tokens")
          .integer<std::int64_t>("min", &NormalLength::min, 1, "Lower clip.", Check::Positive, kMaxTokens)
          .integer<std::int64_t>("max", &NormalLength::max, 0, "Upper clip (0 = the model's context).",
                                 Check::NonNegative, kMaxTokens)
          .validate(check_clip<NormalLength>);
  return s;
}

const Schema<LognormalLength>& lognormal_schema() {
  static const Schema<LognormalLength> s =
      Schema<LognormalLength>("lognormal", "Log-normal lengths with a given mean, rounded and clipped to [min, max].")
          .number("mean", &LognormalLength::mean, std::nullopt, "Mean of the lengths, tokens.", Check::Positive,
                  "tokens")
          .number("sigma", &LognormalLength::sigma, std::nullopt, "Standard deviation of log(length).",
                  Check::NonNegative)
          .integer<std::int64_t>("min", &LognormalLength::min, 1, "Lower clip.", Check::Positive, kMaxTokens)
          .integer<std::int64_t>("max", &LognormalLength::max, 0, "Upper clip (0 = the model's context).",
                                 Check::NonNegative, kMaxTokens)
          .validate(check_clip<LognormalLength>);
  return s;
}

const Schema<EmpiricalLength>& empirical_schema() {
  static const Schema<EmpiricalLength> s =
      Schema<EmpiricalLength>("empirical",
                              "Lengths resampled uniformly from a trace's rows (or from a list), clipped to the "
                              "model's context.")
          .text("path", &EmpiricalLength::path, "", "Trace file whose lengths are resampled (relative to the scenario).")
          .choice("format", &EmpiricalLength::format, trace_format_choices(), "auto", "Trace format.")
          .choice<bool>("field", &EmpiricalLength::output, {{"input", false}, {"output", true}}, "input",
                        "Which length of the trace to resample.")
          .custom(ParamDoc("values", "list of integers", "unset", false, "Lengths to resample instead of a trace.", "> 0"),
                  [](const std::optional<YamlNode>& n, const YamlNode&, EmpiricalLength& e) {
                    e.values.clear();
                    if (!n || n->is_null()) return;
                    if (!n->is_sequence()) n->fail(fmt::format("got {}", n->kind_noun()), "a list of token counts");
                    for (const auto& v : n->elements()) {
                      const long long x = v.as_integer();
                      if (x < 1 || x > kMaxTokens) v.fail(fmt::format("{} is out of range", x), "a token count >= 1");
                      e.values.push_back(x);
                    }
                  })
          .validate([](const YamlNode& n, const EmpiricalLength& e) {
            if (e.path.empty() == e.values.empty())
              n.fail(e.path.empty() ? "neither path nor values is given" : "both path and values are given",
                     "exactly one of path or values");
          });
  return s;
}

const Schema<PoissonArrivals>& poisson_schema() {
  static const Schema<PoissonArrivals> s =
      Schema<PoissonArrivals>("poisson", "Poisson arrivals (exponential gaps).")
          .number("rate", &PoissonArrivals::rate, std::nullopt, "Mean arrival rate.", Check::Positive, "requests/s");
  return s;
}

const Schema<ConstantArrivals>& constant_schema() {
  static const Schema<ConstantArrivals> s =
      Schema<ConstantArrivals>("constant", "Evenly spaced arrivals.")
          .number("rate", &ConstantArrivals::rate, std::nullopt, "Arrival rate.", Check::Positive, "requests/s");
  return s;
}

const Schema<GammaArrivals>& gamma_schema() {
  static const Schema<GammaArrivals> s =
      Schema<GammaArrivals>("gamma", "Gamma-distributed gaps: burstiness set by their coefficient of variation.")
          .number("rate", &GammaArrivals::rate, std::nullopt, "Mean arrival rate.", Check::Positive, "requests/s")
          .number("cv", &GammaArrivals::cv, 1.0, "Coefficient of variation of the gaps (1 = Poisson, > 1 = bursty).",
                  Check::Positive);
  return s;
}

const Schema<OnOffArrivals>& onoff_schema() {
  static const Schema<OnOffArrivals> s =
      Schema<OnOffArrivals>("onoff", "Bursts: Poisson at rate during ON periods, at off_rate during OFF periods.")
          .number("rate", &OnOffArrivals::rate, std::nullopt, "Arrival rate while ON.", Check::Positive, "requests/s")
          .number("off_rate", &OnOffArrivals::off_rate, 0.0, "Arrival rate while OFF.", Check::NonNegative, "requests/s")
          .quantity("on", &OnOffArrivals::on, Dimension::Time, std::nullopt, "Mean length of an ON period (>= 1ms).")
          .quantity("off", &OnOffArrivals::off, Dimension::Time, std::nullopt, "Mean length of an OFF period (>= 1ms).")
          .choice<bool>("periods", &OnOffArrivals::exponential, {{"exponential", true}, {"fixed", false}},
                        "exponential", "Period lengths: exponential with these means, or fixed.")
          .validate([](const YamlNode& n, const OnOffArrivals& p) {
            // Shorter periods are no burst pattern a factory sees, and below the clock's resolution
            // at long times a fixed period would not advance it.
            for (const auto& [key, v] : {std::pair{"on", p.on}, std::pair{"off", p.off}})
              if (v < 1e-3) n.child(key)->fail(fmt::format("{} s is shorter than 1 ms", v), "a period of at least 1ms");
            // A cycle with almost no arrivals would be searched through cycle by cycle.
            const double per_cycle = p.rate * p.on + p.off_rate * p.off;
            if (per_cycle < 1e-3)
              n.fail(fmt::format("{:g} requests per ON/OFF cycle on average", per_cycle),
                     "at least one request per 1000 cycles (rate x on + off_rate x off >= 0.001)");
          });
  return s;
}

const Schema<DiurnalArrivals>& diurnal_schema() {
  static const Schema<DiurnalArrivals> s =
      Schema<DiurnalArrivals>("diurnal",
                              "Poisson with a daily cycle: rate(t) = rate (1 + amplitude cos(2 pi (t - peak) / period)).")
          .number("rate", &DiurnalArrivals::rate, std::nullopt, "Mean rate over a period.", Check::Positive, "requests/s")
          .number("amplitude", &DiurnalArrivals::amplitude, 0.5, "Relative swing around the mean.", Check::UnitInterval)
          .quantity("period", &DiurnalArrivals::period, Dimension::Time, "24h", "Length of one cycle.")
          .quantity("peak", &DiurnalArrivals::peak, Dimension::Time, "14h", "Time of the peak within a cycle.",
                    Check::NonNegative);
  return s;
}

const Schema<SyntheticWorkload>& synthetic_schema() {
  static const Schema<SyntheticWorkload> s =
      Schema<SyntheticWorkload>("synthetic", "Seeded synthetic traffic.")
          .variant("arrivals", &SyntheticWorkload::arrivals, arrival_process_schema(), std::nullopt,
                   "Arrival process, e.g. {process: poisson, rate: 4}.")
          .variant("input_tokens", &SyntheticWorkload::input_tokens, length_distribution_schema(), std::nullopt,
                   "Prompt lengths, e.g. {dist: lognormal, mean: 1024, sigma: 0.6}.")
          .variant("output_tokens", &SyntheticWorkload::output_tokens, length_distribution_schema(), std::nullopt,
                   "Output lengths, e.g. {dist: fixed, value: 256}.");
  return s;
}

const Schema<ColumnMapping>& columns_schema() {
  static const Schema<ColumnMapping> s =
      Schema<ColumnMapping>("columns", "Column (CSV) or key (JSONL) names; unset = the format's own.")
          .text("arrival", &ColumnMapping::arrival, "", "Arrival time column (csv/jsonl default: arrival_time).")
          .custom(ParamDoc("time_unit", "one of: s|ms|us|ns|datetime", "the format's", false,
                           "Unit of the arrival column (csv/jsonl default: s)."),
                  [](const std::optional<YamlNode>& n, const YamlNode&, ColumnMapping& m) {
                    m.time_unit = std::nullopt;
                    if (!n || n->is_null()) return;
                    const std::string v = n->as_string();
                    std::vector<std::string> names;
                    for (const auto& [k, u] : time_unit_choices()) {
                      if (k == v) m.time_unit = u;
                      names.push_back(k);
                    }
                    if (!m.time_unit) {
                      const auto near = closest_match(v, names);
                      n->fail(fmt::format("'{}' is not a time unit{}", v, near ? fmt::format(", did you mean '{}'?", *near) : ""),
                              "one of s|ms|us|ns|datetime");
                    }
                  })
          .text("input_tokens", &ColumnMapping::input_tokens, "", "Prompt length column (default: input_tokens).")
          .text("output_tokens", &ColumnMapping::output_tokens, "", "Output length column (default: output_tokens).")
          .text("hash_ids", &ColumnMapping::hash_ids, "",
                "Prefix-block hash list (JSON array; in CSV: ids separated by spaces or semicolons).")
          .text("tier", &ColumnMapping::tier, "", "Service tier column (tier names); sets each request's tier.");
  return s;
}

// One `filters:` entry as written.
struct FilterEntry {
  std::string column;
  std::optional<std::vector<std::string>> equals, not_equals, in, not_in;
};

void text_list(const std::optional<YamlNode>& n, std::optional<std::vector<std::string>>& out, bool single) {
  out = std::nullopt;
  if (!n || n->is_null()) return;
  std::vector<std::string> v;
  if (single) {
    v.push_back(n->as_string());
  } else {
    if (!n->is_sequence()) n->fail(fmt::format("got {}", n->kind_noun()), "a list of values");
    for (const auto& e : n->elements()) v.push_back(e.as_string());
  }
  out = std::move(v);
}

const Schema<FilterEntry>& filter_schema() {
  static const Schema<FilterEntry> s =
      Schema<FilterEntry>("filter", "Keeps rows by the text of one column; exactly one of equals/not_equals/in/not_in.")
          .text("column", &FilterEntry::column, std::nullopt, "Column (CSV) or key (JSONL), e.g. Model.")
          .custom(ParamDoc("equals", "string", "unset", false, "Keep rows whose column is this value."),
                  [](const auto& n, const YamlNode&, FilterEntry& f) { text_list(n, f.equals, true); })
          .custom(ParamDoc("not_equals", "string", "unset", false, "Drop rows whose column is this value."),
                  [](const auto& n, const YamlNode&, FilterEntry& f) { text_list(n, f.not_equals, true); })
          .custom(ParamDoc("in", "list of strings", "unset", false, "Keep rows whose column is one of these."),
                  [](const auto& n, const YamlNode&, FilterEntry& f) { text_list(n, f.in, false); })
          .custom(ParamDoc("not_in", "list of strings", "unset", false, "Drop rows whose column is one of these."),
                  [](const auto& n, const YamlNode&, FilterEntry& f) { text_list(n, f.not_in, false); })
          .validate([](const YamlNode& n, const FilterEntry& f) {
            const int given = int(f.equals.has_value()) + int(f.not_equals.has_value()) + int(f.in.has_value()) +
                              int(f.not_in.has_value());
            if (given != 1) n.fail(given == 0 ? "no condition" : "more than one condition",
                                   "exactly one of equals, not_equals, in, not_in");
          });
  return s;
}

const Schema<TimeWindow>& window_schema() {
  static const Schema<TimeWindow> s =
      Schema<TimeWindow>("window", "Part of the trace to replay, in trace time (numeric timestamps from 0, "
                                   "date-times from the first row).")
          .quantity("start", &TimeWindow::start, Dimension::Time, "0s", "Rows before this are dropped; it becomes t = 0.",
                    Check::NonNegative)
          .optional_quantity("end", &TimeWindow::end, Dimension::Time, "Rows at or after this end the replay.")
          .validate([](const YamlNode& n, const TimeWindow& w) {
            if (w.end && *w.end <= w.start) n.child("end")->fail("is not after start", "end > start");
          });
  return s;
}

}  // namespace

const std::vector<std::pair<std::string, TraceFormat>>& trace_format_choices() {
  static const std::vector<std::pair<std::string, TraceFormat>> v = {
      {"auto", TraceFormat::Auto},   {"csv", TraceFormat::Csv},           {"jsonl", TraceFormat::Jsonl},
      {"azure", TraceFormat::Azure}, {"burstgpt", TraceFormat::BurstGpt}, {"mooncake", TraceFormat::Mooncake}};
  return v;
}

std::string trace_format_name(TraceFormat f) {
  for (const auto& [k, v] : trace_format_choices())
    if (v == f) return k;
  return "?";
}

const std::vector<std::pair<std::string, TimeUnit>>& time_unit_choices() {
  static const std::vector<std::pair<std::string, TimeUnit>> v = {{"s", TimeUnit::Seconds},
                                                                  {"ms", TimeUnit::Milliseconds},
                                                                  {"us", TimeUnit::Microseconds},
                                                                  {"ns", TimeUnit::Nanoseconds},
                                                                  {"datetime", TimeUnit::DateTime}};
  return v;
}

const VariantSchema<LengthDistribution>& length_distribution_schema() {
  static const VariantSchema<LengthDistribution> s = VariantSchema<LengthDistribution>("length distribution", "dist")
                                                         .alternative("fixed", fixed_schema())
                                                         .alternative("uniform", uniform_schema())
                                                         .alternative("normal", normal_schema())
                                                         .alternative("lognormal", lognormal_schema())
                                                         .alternative("empirical", empirical_schema());
  return s;
}

const VariantSchema<ArrivalProcess>& arrival_process_schema() {
  static const VariantSchema<ArrivalProcess> s = VariantSchema<ArrivalProcess>("arrival process", "process")
                                                     .alternative("poisson", poisson_schema())
                                                     .alternative("constant", constant_schema())
                                                     .alternative("gamma", gamma_schema())
                                                     .alternative("onoff", onoff_schema())
                                                     .alternative("diurnal", diurnal_schema());
  return s;
}

const Schema<SyntheticWorkload>& synthetic_workload_schema() { return synthetic_schema(); }

const Schema<TraceWorkload>& trace_workload_schema() {
  static const Schema<TraceWorkload> s =
      Schema<TraceWorkload>("trace", "Replay a request trace (Azure, BurstGPT, Mooncake, or CSV/JSONL with a column "
                                     "mapping), streamed.")
          .text("path", &TraceWorkload::path, std::nullopt, "Trace file, relative to the scenario file.")
          .choice("format", &TraceWorkload::format, trace_format_choices(), "auto",
                  "File format (auto = detected from the header).")
          .section("columns", &TraceWorkload::columns, columns_schema(), "Column names (generic formats, renames).")
          .number("time_scale", &TraceWorkload::time_scale, 1.0, "Multiplies arrival times (0.5 = twice the rate).")
          .custom(ParamDoc("speedup", "number", "unset", false, "Divides arrival times (2 = twice the rate).", "> 0"),
                  [](const std::optional<YamlNode>& n, const YamlNode&, TraceWorkload& t) {
                    t.speedup = std::nullopt;
                    if (n && !n->is_null()) enforce(*n, *(t.speedup = n->as_number()), Check::Positive);
                  })
          .custom(ParamDoc("target_rate", "number (requests/s)", "unset", false,
                           "Rescales times so that the mean rate (1 / mean gap) of the replayed rows is this.", "> 0"),
                  [](const std::optional<YamlNode>& n, const YamlNode&, TraceWorkload& t) {
                    t.target_rate = std::nullopt;
                    if (n && !n->is_null()) enforce(*n, *(t.target_rate = n->as_number()), Check::Positive);
                  })
          .section("window", &TraceWorkload::window, window_schema(), "Time window of the trace to replay.")
          .number("sample", &TraceWorkload::sample, 1.0, "Fraction of rows kept, drawn with the scenario's seed.",
                  Check::Fraction)
          .integer<std::int64_t>("max_input_tokens", &TraceWorkload::max_input_tokens, 0,
                                 "Cap on prompt lengths (0 = none); capped requests are counted.", Check::NonNegative,
                                 kMaxTokens)
          .integer<std::int64_t>("max_output_tokens", &TraceWorkload::max_output_tokens, 0,
                                 "Cap on output lengths (0 = none); capped requests are counted.", Check::NonNegative,
                                 kMaxTokens)
          .custom(
              [] {
                ParamDoc d("filters", "list of sections", "[]", false,
                           "Row filters, e.g. [{column: Model, equals: GPT-4}] for BurstGPT.");
                d.nested = &filter_schema();
                return d;
              }(),
              [](const std::optional<YamlNode>& n, const YamlNode&, TraceWorkload& t) {
                t.filters.clear();
                if (!n || n->is_null()) return;
                if (!n->is_sequence()) n->fail(fmt::format("got {}", n->kind_noun()), "a list of filters");
                for (const auto& e : n->elements()) {
                  const FilterEntry f = filter_schema().read(e);
                  TraceFilter out{f.column, {}, false};
                  if (f.equals) out.values = *f.equals;
                  if (f.in) out.values = *f.in;
                  if (f.not_equals) out = {f.column, *f.not_equals, true};
                  if (f.not_in) out = {f.column, *f.not_in, true};
                  t.filters.push_back(std::move(out));
                }
              })
          .boolean("skip_bad_rows", &TraceWorkload::skip_bad_rows, false,
                   "Skip malformed rows and count them (default: stop at the first with file:line and field).")
          .integer<std::int64_t>("hash_block_tokens", &TraceWorkload::hash_block_tokens, 512,
                                 "Tokens per prefix block behind hash_ids (Mooncake: 512).", Check::Positive, kMaxTokens)
          .validate([](const YamlNode& n, const TraceWorkload& t) {
            const int given = int(t.time_scale != 1.0) + int(t.speedup.has_value()) + int(t.target_rate.has_value());
            if (given > 1) n.fail("more than one of time_scale, speedup, target_rate", "at most one of them");
            if (t.time_scale <= 0) n.child("time_scale")->fail("is not positive", "a value > 0");
          });
  return s;
}

const Schema<WorkloadConfig>& workload_schema() {
  static const Schema<WorkloadConfig> s =
      Schema<WorkloadConfig>("workload", "Where requests come from: exactly one of synthetic, trace or sessions.")
          .optional_section("synthetic", &WorkloadConfig::synthetic, synthetic_schema(), "Generated traffic.")
          .optional_section("trace", &WorkloadConfig::trace, trace_workload_schema(), "Replayed traffic.")
          .optional_section("sessions", &WorkloadConfig::sessions, session_workload_schema(),
                            "Agentic sessions (multi-turn, tool calls on CPU hosts, think time).")
          .integer<std::int64_t>("requests", &WorkloadConfig::requests, 0,
                                 "Stop after this many arrivals (0 = no limit).", Check::NonNegative)
          .optional_quantity("duration", &WorkloadConfig::duration, Dimension::Time,
                             "Stop arrivals after this simulated time.")
          .custom(ParamDoc("tier_mix", "map of tier: fraction", "unset (no tiers)", false,
                           "Share of requests per service tier, e.g. {free: 0.7, premium: 0.3}; fractions sum to 1.",
                           "0..1"),
                  [](const std::optional<YamlNode>& n, const YamlNode&, WorkloadConfig& w) {
                    w.tier_mix.clear();
                    if (!n || n->is_null()) return;
                    if (!n->is_map()) n->fail(fmt::format("got {}", n->kind_noun()), "a map of tier: fraction");
                    double sum = 0;
                    for (const auto& k : n->keys()) {
                      const YamlNode v = *n->child(k);
                      const double f = v.as_number();
                      enforce(v, f, Check::UnitInterval);
                      w.tier_mix.push_back({k, f});
                      sum += f;
                    }
                    if (w.tier_mix.empty()) n->fail("is empty", "at least one tier");
                    if (std::abs(sum - 1.0) > 1e-6)
                      n->fail(fmt::format("fractions sum to {}", sum), "fractions that sum to 1");
                  })
          .validate([](const YamlNode& n, const WorkloadConfig& w) {
            const int kinds = int(w.synthetic.has_value()) + int(w.trace.has_value()) + int(w.sessions.has_value());
            if (kinds != 1)
              n.fail(kinds == 0 ? "none of synthetic, trace or sessions is given"
                                : "more than one of synthetic, trace and sessions is given",
                     "exactly one of synthetic, trace or sessions");
            if (w.synthetic && w.requests == 0 && !w.duration)
              n.fail("synthetic traffic has no end", "requests > 0 or a duration");
            if (w.sessions && w.requests == 0 && !w.duration)
              n.fail("sessions have no end", "requests > 0 (the number of sessions) or a duration");
          });
  return s;
}

void resolve_workload_paths(WorkloadConfig& w, const std::function<std::string(const std::string&)>& resolve) {
  if (w.trace) w.trace->path = resolve(w.trace->path);
  std::vector<LengthDistribution*> lengths;
  if (w.synthetic) lengths = {&w.synthetic->input_tokens, &w.synthetic->output_tokens};
  if (w.sessions)
    lengths = {&w.sessions->turns, &w.sessions->first_input_tokens, &w.sessions->turn_input_tokens,
               &w.sessions->output_tokens};
  for (LengthDistribution* d : lengths) {
    if (auto* e = std::get_if<EmpiricalLength>(d); e && !e->path.empty()) e->path = resolve(e->path);
  }
}

void check_workload_tiers(const YamlNode& workload, const WorkloadConfig& w, const std::vector<TierSpec>& tiers) {
  if (w.tier_mix.empty()) return;
  const YamlNode mix = *workload.child("tier_mix");
  if (w.trace && !w.trace->columns.tier.empty())
    mix.fail("is given with a trace tier column (workload.trace.columns.tier)", "one source of tiers");
  std::string names;
  for (const auto& t : tiers) names += (names.empty() ? "" : ", ") + t.name;
  for (const auto& share : w.tier_mix) {
    if (find_tier(tiers, share.tier) < 0) {
      std::vector<std::string> list;
      for (const auto& t : tiers) list.push_back(t.name);
      const auto near = closest_match(normalize_tier_name(share.tier), list);
      mix.key_node(share.tier).fail(
          fmt::format("no tier named '{}'{}", share.tier, near ? fmt::format(", did you mean '{}'?", *near) : ""),
          "one of: " + names);
    }
  }
}

}  // namespace tokenfab
