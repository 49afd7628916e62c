// The workload section's new keys: they parse, and each kind of mistake is a one-line error at
// the right key.
#include <gtest/gtest.h>

#include "sim/config/scenario.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

std::string scenario(const std::string& workload) {
  return "platform: p.xml\nmodel: llama-3.1-70b\nworkload:\n" + workload;
}

Scenario load(const std::string& workload) {
  return load_scenario(test::write_file(test::temp_dir("wc") + "/s.yaml", scenario(workload)));
}

ConfigError error_of(const std::string& workload) {
  try {
    load(workload);
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for:\n" << workload;
  return ConfigError({}, "", "");
}

TEST(WorkloadConfig, TraceKeysParse) {
  const Scenario s = load(R"(  tier_mix: {free: 0.75, premium: 0.25}
  trace:
    path: traces/b.csv
    format: burstgpt
    speedup: 2
    window: {start: 1h, end: 2h}
    sample: 0.5
    max_input_tokens: 8192
    filters:
      - {column: Model, equals: GPT-4}
      - {column: Log Type, not_in: [API log]}
    skip_bad_rows: true
)");
  const auto& t = *s.workload.trace;
  EXPECT_EQ(t.format, TraceFormat::BurstGpt);
  EXPECT_EQ(*t.speedup, 2.0);
  EXPECT_EQ(t.window.start, 3600.0);
  EXPECT_EQ(*t.window.end, 7200.0);
  ASSERT_EQ(t.filters.size(), 2u);
  EXPECT_EQ(t.filters[0].values, std::vector<std::string>{"GPT-4"});
  EXPECT_FALSE(t.filters[0].exclude);
  EXPECT_TRUE(t.filters[1].exclude);
  EXPECT_TRUE(t.skip_bad_rows);
  EXPECT_NE(t.path.find("/traces/b.csv"), std::string::npos);  // resolved against the scenario's folder
  ASSERT_EQ(s.workload.tier_mix.size(), 2u);
  EXPECT_EQ(s.workload.tier_mix[1].tier, "premium");
}

TEST(WorkloadConfig, NewGeneratorsParse) {
  const Scenario s = load(R"(  requests: 10
  synthetic:
    arrivals: {process: onoff, rate: 20, on: 2s, off: 1min, periods: fixed}
    input_tokens: {dist: empirical, path: t.jsonl, field: output}
    output_tokens: {dist: empirical, values: [1, 2, 3]}
)");
  const auto& a = std::get<OnOffArrivals>(s.workload.synthetic->arrivals);
  EXPECT_EQ(a.off, 60.0);
  EXPECT_FALSE(a.exponential);
  const auto& e = std::get<EmpiricalLength>(s.workload.synthetic->input_tokens);
  EXPECT_TRUE(e.output);
  EXPECT_NE(e.path.find("/t.jsonl"), std::string::npos);  // resolved too
  EXPECT_EQ(load("  requests: 1\n  synthetic:\n    arrivals: {process: diurnal, rate: 3}\n"
                 "    input_tokens: {dist: fixed, value: 1}\n    output_tokens: {dist: fixed, value: 1}\n")
                .workload.synthetic->arrivals.index(),
            4u);
}

TEST(WorkloadConfig, MistakesAreOneLineErrorsAtTheirKey) {
  auto e = error_of("  trace: {path: t.csv, speedup: 2, target_rate: 5}\n");
  EXPECT_EQ(e.key_path(), "workload.trace");
  EXPECT_NE(e.problem().find("more than one of time_scale, speedup, target_rate"), std::string::npos);
  e = error_of("  trace: {path: t.csv, window: {start: 2h, end: 1h}}\n");
  EXPECT_EQ(e.key_path(), "workload.trace.window.end");
  e = error_of("  trace: {path: t.csv, filters: [{column: Model, equals: a, in: [b]}]}\n");
  EXPECT_EQ(e.key_path(), "workload.trace.filters[0]");
  e = error_of("  trace: {path: t.csv, format: mooncak}\n");
  EXPECT_NE(e.problem().find("did you mean 'mooncake'"), std::string::npos);
  e = error_of("  trace: {path: t.csv, columns: {time_unit: sec}}\n");
  EXPECT_EQ(e.key_path(), "workload.trace.columns.time_unit");
  e = error_of("  tier_mix: {free: 0.5, premium: 0.4}\n  trace: {path: t.csv}\n");
  EXPECT_EQ(e.key_path(), "workload.tier_mix");
  EXPECT_NE(e.problem().find("sum to 0.9"), std::string::npos) << e.what();
  e = error_of("  tier_mix: {free: 0.5, premum: 0.5}\n  trace: {path: t.csv}\n");
  EXPECT_EQ(e.key_path(), "workload.tier_mix.premum");
  EXPECT_NE(e.problem().find("did you mean 'premium'"), std::string::npos) << e.what();
  EXPECT_EQ(e.where().line, 4);
  e = error_of("  tier_mix: {free: 1}\n  trace: {path: t.csv, columns: {tier: tier}}\n");
  EXPECT_NE(e.problem().find("trace tier column"), std::string::npos);
  e = error_of("  requests: 1\n  synthetic:\n    arrivals: {process: gamma, rate: 1, cv: 0}\n"
               "    input_tokens: {dist: empirical}\n    output_tokens: {dist: fixed, value: 1}\n");
  EXPECT_EQ(e.key_path(), "workload.synthetic.arrivals.cv");
  e = error_of("  requests: 1\n  synthetic:\n    arrivals: {process: gamma, rate: 1}\n"
               "    input_tokens: {dist: empirical}\n    output_tokens: {dist: fixed, value: 1}\n");
  EXPECT_EQ(e.key_path(), "workload.synthetic.input_tokens");
  EXPECT_NE(e.problem().find("neither path nor values"), std::string::npos);
}

TEST(WorkloadConfig, HelpDescribesTheNewSections) {
  for (const char* section : {"workload.trace", "workload.trace.columns", "workload.trace.window", "tiers",
                              "workload.synthetic.arrivals.gamma", "workload.synthetic.input_tokens.empirical"}) {
    EXPECT_NE(find_section(scenario_schema(), section), nullptr) << section;
  }
}

}  // namespace
}  // namespace tokenfab
