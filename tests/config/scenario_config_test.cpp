// Scenario files: good ones parse with their defaults; every kind of bad input gives its message
// at the right line and column.
#include "sim/config/scenario.hpp"

#include <gtest/gtest.h>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

const char* kGood = R"(name: t
seed: 7
platform: ../platforms/hgx-h100.xml
model: llama-3.1-70b
deployment:
  tp: 8
workload:
  requests: 10
  synthetic:
    arrivals: {process: poisson, rate: 2}
    input_tokens: {dist: fixed, value: 128}
    output_tokens: {dist: uniform, min: 1, max: 64}
)";

// Writes `text` as a scenario and returns the ConfigError it raises (fails the test if none).
ConfigError error_of(const std::string& text) {
  const std::string path = test::write_file(test::temp_dir("cfg") + "/s.yaml", text);
  try {
    load_scenario(path);
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return ConfigError({}, "", "");
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return text.replace(pos, from.size(), to);
}

TEST(ScenarioConfig, GoodFileParsesWithDefaults) {
  const std::string path = test::write_file(test::temp_dir("cfg") + "/s.yaml", kGood);
  const Scenario s = load_scenario(path);
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.deployment.tp, 8);
  EXPECT_EQ(s.deployment.replicas, 1);                       // default
  EXPECT_EQ(s.serving.max_batched_tokens, 8192);             // default
  EXPECT_EQ(s.deployment.precision.weights, Precision::FP8);  // default
  ASSERT_TRUE(s.workload.synthetic.has_value());
  EXPECT_DOUBLE_EQ(std::get<PoissonArrivals>(s.workload.synthetic->arrivals).rate, 2.0);
  EXPECT_EQ(std::get<UniformLength>(s.workload.synthetic->output_tokens).max, 64);
  // Relative paths are resolved against the scenario's folder.
  EXPECT_NE(s.platform.find("/platforms/hgx-h100.xml"), std::string::npos);
  EXPECT_EQ(s.platform.find(".."), std::string::npos);
}

TEST(ScenarioConfig, ShippedQuickstartParses) {
  const Scenario s = load_scenario(test::source_path("scenarios/quickstart.yaml"));
  EXPECT_EQ(s.name, "quickstart");
  EXPECT_EQ(s.output.dir, "out/quickstart");
}

TEST(ScenarioConfig, YamlSyntaxError) {
  const ConfigError e = error_of("name: t\nworkload: {requests: 3\nseed: 1\n");
  EXPECT_NE(std::string(e.what()).find("YAML syntax error"), std::string::npos) << e.what();
  EXPECT_GE(e.where().line, 2);
}

TEST(ScenarioConfig, MissingRequiredKey) {
  const ConfigError e = error_of(replace(kGood, "model: llama-3.1-70b\n", ""));
  EXPECT_EQ(e.key_path(), "model");
  EXPECT_EQ(e.problem(), "missing required key");
  EXPECT_EQ(e.where().line, 1);
}

TEST(ScenarioConfig, MissingKeyInsideVariant) {
  const ConfigError e = error_of(replace(kGood, "{process: poisson, rate: 2}", "{process: poisson}"));
  EXPECT_EQ(e.key_path(), "workload.synthetic.arrivals.rate");
  EXPECT_EQ(e.where().line, 10);
}

TEST(ScenarioConfig, UnknownKeyWithSuggestion) {
  const ConfigError e = error_of(replace(kGood, "  requests: 10", "  requets: 10"));
  EXPECT_EQ(e.key_path(), "workload.requets");
  EXPECT_EQ(e.where().line, 8);
  EXPECT_EQ(e.where().column, 3);
  EXPECT_NE(e.problem().find("did you mean 'requests'"), std::string::npos) << e.what();
  // The whole message is one line in the documented form.
  const std::string msg = e.what();
  EXPECT_EQ(msg.find('\n'), std::string::npos);
  EXPECT_NE(msg.find("s.yaml:8:3: workload.requets: unknown key, did you mean 'requests'? (expected one of:"),
            std::string::npos)
      << msg;
}

TEST(ScenarioConfig, UnknownTopLevelSection) {
  const ConfigError e = error_of(std::string(kGood) + "servng: {}\n");
  EXPECT_EQ(e.key_path(), "servng");
  EXPECT_EQ(e.where().line, 13);
  EXPECT_NE(e.problem().find("did you mean 'serving'"), std::string::npos);
}

TEST(ScenarioConfig, UnknownChoiceWithSuggestion) {
  const ConfigError e = error_of(replace(kGood, "process: poisson", "process: poison"));
  EXPECT_EQ(e.key_path(), "workload.synthetic.arrivals.process");
  EXPECT_NE(e.problem().find("did you mean 'poisson'"), std::string::npos) << e.what();
}

TEST(ScenarioConfig, WrongType) {
  const ConfigError e = error_of(replace(kGood, "  tp: 8", "  tp: eight"));
  EXPECT_EQ(e.key_path(), "deployment.tp");
  EXPECT_EQ(e.where().line, 6);
  EXPECT_EQ(e.expected(), "an integer");
  const ConfigError m = error_of(replace(kGood, "deployment:\n  tp: 8", "deployment: [8]"));
  EXPECT_EQ(m.key_path(), "deployment");
  EXPECT_EQ(m.expected(), "a map");
}

TEST(ScenarioConfig, ZeroAndNegativeValues) {
  const ConfigError zero = error_of(replace(kGood, "rate: 2", "rate: 0"));
  EXPECT_EQ(zero.key_path(), "workload.synthetic.arrivals.rate");
  EXPECT_NE(zero.problem().find("not positive"), std::string::npos);
  const ConfigError neg = error_of(replace(kGood, "  tp: 8", "  tp: -8"));
  EXPECT_EQ(neg.key_path(), "deployment.tp");
  EXPECT_EQ(neg.where().line, 6);
  const ConfigError reserve = error_of(std::string(kGood) + "serving: {memory_reserve: 1.5}\n");
  EXPECT_EQ(reserve.key_path(), "serving.memory_reserve");
}

TEST(ScenarioConfig, BadUnit) {
  const ConfigError e = error_of(replace(kGood, "  requests: 10", "  requests: 10\n  duration: 40xs"));
  EXPECT_EQ(e.key_path(), "workload.duration");
  EXPECT_EQ(e.where().line, 9);
  EXPECT_NE(e.problem().find("unknown unit 'xs'"), std::string::npos);
  EXPECT_NE(e.expected().find("a time such as"), std::string::npos);
  const ConfigError none = error_of(replace(kGood, "  requests: 10", "  requests: 10\n  duration: 40"));
  EXPECT_NE(none.problem().find("has no unit"), std::string::npos);
}

TEST(ScenarioConfig, DuplicateKey) {
  const ConfigError e = error_of(std::string(kGood) + "seed: 8\n");
  EXPECT_EQ(e.key_path(), "seed");
  EXPECT_EQ(e.problem(), "duplicate key");
  EXPECT_EQ(e.where().line, 13);
}

TEST(ScenarioConfig, CrossFieldRules) {
  const ConfigError both = error_of(replace(kGood, "  requests: 10", "  requests: 10\n  trace: {path: x.csv}"));
  EXPECT_EQ(both.key_path(), "workload");
  EXPECT_NE(both.problem().find("more than one of synthetic, trace and sessions"), std::string::npos);
  const ConfigError endless = error_of(replace(kGood, "  requests: 10\n", ""));
  EXPECT_NE(endless.problem().find("no end"), std::string::npos);
  const ConfigError bounds = error_of(replace(kGood, "{dist: uniform, min: 1, max: 64}", "{dist: uniform, min: 9, max: 3}"));
  EXPECT_EQ(bounds.key_path(), "workload.synthetic.output_tokens.max");
}

TEST(ScenarioConfig, MissingFile) {
  try {
    load_scenario("/nonexistent/x.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.yaml: cannot open file"), std::string::npos);
  }
}

TEST(ScenarioConfig, HelpComesFromTheDeclarations) {
  const std::string help = render_help(scenario_schema(), "", true);
  for (const char* key : {"max_batched_tokens", "kv_block_tokens", "memory_reserve", "arrivals", "iteration_overhead"})
    EXPECT_NE(help.find(key), std::string::npos) << key;
  EXPECT_NE(help.find("default 8192"), std::string::npos);
  ASSERT_NE(find_section(scenario_schema(), "workload.synthetic"), nullptr);
  EXPECT_EQ(find_section(scenario_schema(), "no.such"), nullptr);
}

}  // namespace
}  // namespace tokenfab
