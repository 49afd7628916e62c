// Metric names and expectations against hand-built summaries (no simulation).
#include <gtest/gtest.h>

#include "sim/batch/expectation.hpp"
#include "sim/batch/metric.hpp"

namespace tokenfab::batch {
namespace {

// A summary.json shaped like schema 1, with values chosen by the test.
Json summary(double ttft_p99, double tpot_mean, double tokens_per_s, int gpus) {
  Json hosts = Json::array();
  for (int i = 0; i < gpus; ++i) hosts.push_back("gpu" + std::to_string(i));
  Json s;
  s["replicas"] = Json::array({Json{{"index", 0}, {"tp", gpus}, {"hosts", hosts}}});
  s["requests"] = {{"arrived", 40}, {"completed", 38}, {"rejected", 2}, {"in_flight", 0}};
  s["throughput"] = {{"output_tokens_per_s", tokens_per_s}};
  s["latency_s"] = {{"ttft", {{"p50", ttft_p99 / 2}, {"p99", ttft_p99}}}, {"tpot", {{"mean", tpot_mean}}}};
  return s;
}

TEST(Metric, AliasesAndPathsResolveWithTheirDimension) {
  const Metric a = resolve_metric("ttft_p99");
  EXPECT_EQ(a.path, "latency_s.ttft.p99");
  EXPECT_EQ(a.dim, Dimension::Time);
  EXPECT_EQ(a.goal, Goal::Min);
  // The path an alias reads behaves like the alias.
  const Metric p = resolve_metric("latency_s.ttft.p99");
  EXPECT_EQ(p.dim, Dimension::Time);
  // Any other well-formed path is accepted, dimensionless, direction unknown.
  const Metric q = resolve_metric("replicas.0.tp");
  EXPECT_FALSE(q.dim.has_value());
  EXPECT_EQ(q.goal, Goal::None);
  EXPECT_EQ(metric_value(q, summary(1, 0.01, 100, 8)).value, 8.0);
}

TEST(Metric, UnknownAliasSuggestsTheNearestAndBadPathsAreRefused) {
  try {
    (void)resolve_metric("ttft_p999");
    FAIL() << "no error";
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'ttft_p99'?"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)resolve_metric("latency_s..p99"), SpecError);
  EXPECT_THROW((void)resolve_metric("latency_s.ttft p99"), SpecError);
}

TEST(Metric, AbsentMetricIsAClearErrorNamingIt) {
  const Json s = summary(1, 0.01, 100, 8);
  const MetricLookup g = metric_value(resolve_metric("goodput"), s);
  ASSERT_FALSE(g.value.has_value());
  EXPECT_NE(g.error.find("metric 'goodput'"), std::string::npos) << g.error;
  EXPECT_NE(g.error.find("has no 'goodput'"), std::string::npos) << g.error;
  // A section is not a number: the error lists what it holds.
  const MetricLookup sec = metric_value(resolve_metric("latency_s.ttft"), s);
  ASSERT_FALSE(sec.value.has_value());
  EXPECT_NE(sec.error.find("p99"), std::string::npos) << sec.error;
}

TEST(Metric, DerivedMetricsFollowTheirDefinitions) {
  const Json s = summary(1, 0.02, 1000, 8);
  EXPECT_DOUBLE_EQ(*metric_value(resolve_metric("gpus"), s).value, 8);
  EXPECT_DOUBLE_EQ(*metric_value(resolve_metric("tokens_per_s_per_gpu"), s).value, 1000.0 / 8);
  EXPECT_DOUBLE_EQ(*metric_value(resolve_metric("tokens_per_s_per_user"), s).value, 1 / 0.02);
  EXPECT_DOUBLE_EQ(*metric_value(resolve_metric("completed_fraction"), s).value, 38.0 / 40);
}

TEST(Expectation, ThresholdsCarryUnitsWhereTheMetricHasADimension) {
  EXPECT_DOUBLE_EQ(parse_expectation("ttft_p99 < 2s").threshold, 2.0);
  EXPECT_DOUBLE_EQ(parse_expectation("ttft_p99<=200ms").threshold, 0.2);
  EXPECT_EQ(parse_expectation("ttft_p99 <= 200ms").op, Op::Le);
  EXPECT_DOUBLE_EQ(parse_expectation("goodput >= 95%").threshold, 0.95);
  EXPECT_DOUBLE_EQ(parse_expectation("tokens_per_s_per_mw > 1.5e6").threshold, 1.5e6);
  EXPECT_EQ(parse_expectation("rejected == 0").op, Op::Eq);
  // A bare number against a time is refused rather than guessed.
  try {
    (void)parse_expectation("ttft_p99 < 2");
    FAIL() << "no error";
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("needs a unit"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)parse_expectation("tokens_per_s > 5s"), SpecError);
  EXPECT_THROW((void)parse_expectation("tokens_per_s = 5"), SpecError);
  EXPECT_THROW((void)parse_expectation("tokens_per_s 5"), SpecError);
  EXPECT_THROW((void)parse_expectation("< 5"), SpecError);
  EXPECT_THROW((void)parse_expectation("tokens_per_s >"), SpecError);
}

TEST(Expectation, PassAndFailFollowTheComparison) {
  const Json s = summary(1.5, 0.01, 1000, 8);
  EXPECT_EQ(evaluate(parse_expectation("ttft_p99 < 2s"), s).verdict, Verdict::Pass);
  EXPECT_EQ(evaluate(parse_expectation("ttft_p99 < 1500ms"), s).verdict, Verdict::Fail);
  EXPECT_EQ(evaluate(parse_expectation("ttft_p99 <= 1500ms"), s).verdict, Verdict::Pass);
  EXPECT_EQ(evaluate(parse_expectation("tokens_per_s > 999"), s).verdict, Verdict::Pass);
  EXPECT_EQ(evaluate(parse_expectation("tokens_per_s > 1000"), s).verdict, Verdict::Fail);
  EXPECT_EQ(evaluate(parse_expectation("rejected != 2"), s).verdict, Verdict::Fail);
  const auto r = evaluate(parse_expectation("ttft_p99 < 1s"), s);
  EXPECT_EQ(r.value, 1.5);
  EXPECT_NE(r.message.find("ttft_p99 = 1.5s, expected < 1s"), std::string::npos) << r.message;
}

TEST(Expectation, AMetricMissingFromTheSummaryIsAnErrorNotACrash) {
  const auto rs = evaluate_all({"goodput >= 0.95", "tokens_per_s > 1", "nonsense"}, summary(1, 0.01, 100, 8));
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].verdict, Verdict::Error);
  EXPECT_NE(rs[0].message.find("goodput"), std::string::npos);
  EXPECT_EQ(rs[1].verdict, Verdict::Pass);
  EXPECT_EQ(rs[2].verdict, Verdict::Error);
  EXPECT_EQ(worst(rs), Verdict::Error);
  EXPECT_EQ(worst({}), Verdict::Pass);
}

}  // namespace
}  // namespace tokenfab::batch
