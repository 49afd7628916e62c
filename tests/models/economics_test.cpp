// Economics: each figure against a hand computation written out step by step, and the
// `economics:` section's defaults and errors.
#include "models/economics.hpp"

#include <gtest/gtest.h>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

constexpr double kRel = 1e-12;  // the code does the same arithmetic; only rounding may differ

// A small pod: 8 GPUs at USD 25,000 (an override) and 2 switches priced by a stand-in catalog.
struct SmallPod {
  EconomicsOptions options;
  std::vector<CapexLine> lines;
  PodPower power;
  PodProduction production;

  SmallPod() {
    options.amortisation_years = 4;
    options.electricity_usd_per_kwh = 0.10;
    options.pue = 1.25;
    options.power_budget_w = 1e6;  // 1 MW
    options.provision = Provision::Peak;
    options.capex = {{"gpu-x", 25000}};
    lines = price_inventory({{"gpu-x", 8}, {"switch-y", 2}, {"mystery", 1}}, options,
                            [](const std::string& name) -> std::optional<Sourced> {
                              if (name == "switch-y") return Sourced{10000, "estimate", "test catalog"};
                              if (name == "gpu-x") return Sourced{99999, "estimate", "must lose to the override"};
                              return std::nullopt;
                            });
    power.it_average_w = 5600;
    power.it_peak_w = 8000;
    production.output_tokens_per_s = 1000;
    production.total_tokens_per_s = 5000;
    production.gpus = 8;
    production.tiers = {{"premium", 6.0, 600, 500}, {"free", 0.0, 400, 400}};
  }
};

TEST(Economics, PricesComeFromOverridesThenCatalogAndNothingIsDropped) {
  const SmallPod pod;
  ASSERT_EQ(pod.lines.size(), 3u);
  EXPECT_EQ(pod.lines[0].unit_price_usd, 25000);
  EXPECT_EQ(pod.lines[0].mark, "scenario");
  EXPECT_EQ(pod.lines[1].unit_price_usd, 10000);
  EXPECT_EQ(pod.lines[1].source, "test catalog");
  EXPECT_EQ(pod.lines[2].unit_price_usd, 0);
  EXPECT_EQ(pod.lines[2].mark, "unpriced");
}

TEST(Economics, CostPerMillionTokensEqualsTheHandComputation) {
  const SmallPod pod;
  const EconomicsResult r = evaluate_economics(pod.options, pod.lines, pod.power, pod.production);

  // Step 1: capital cost of the devices: 8 x 25,000 + 2 x 10,000 + 1 x 0 = 220,000 USD.
  const double capex = 8 * 25000.0 + 2 * 10000.0;
  EXPECT_EQ(capex, 220000.0);
  EXPECT_NEAR(r.capex_usd, capex, capex * kRel);
  // Step 2: amortised over 4 years of 365.25 x 24 = 8766 h: 220,000 / 35,064 = 6.27424... USD/h.
  const double hours = 4 * 8766.0;
  const double capex_per_hour = capex / hours;
  EXPECT_NEAR(capex_per_hour, 6.274241387, 1e-9);
  EXPECT_NEAR(r.capex_per_hour, capex_per_hour, capex_per_hour * kRel);
  // Step 3: facility power = IT power x PUE: 5,600 W x 1.25 = 7,000 W on average.
  const double facility_avg_w = 5600 * 1.25;
  EXPECT_NEAR(r.facility_average_w, facility_avg_w, 1e-9);
  // Step 4: energy per hour: 7 kW x 1 h x 0.10 USD/kWh = 0.70 USD/h.
  const double energy_per_hour = facility_avg_w / 1000 * 0.10;
  EXPECT_NEAR(energy_per_hour, 0.70, 1e-12);
  EXPECT_NEAR(r.energy_cost_per_hour, energy_per_hour, 1e-12);
  // Step 5: cost per hour = 6.27424 + 0 (no facility capex) + 0.70 = 6.97424 USD/h.
  const double cost_per_hour = capex_per_hour + energy_per_hour;
  EXPECT_EQ(r.facility_capex_per_hour, 0);
  EXPECT_NEAR(r.cost_per_hour, cost_per_hour, cost_per_hour * kRel);
  // Step 6: 1,000 output tokens/s x 3,600 s = 3.6 million output tokens per hour.
  const double mtok_per_hour = 1000 * 3600 / 1e6;
  EXPECT_EQ(mtok_per_hour, 3.6);
  // Step 7: cost per million output tokens = 6.97424 / 3.6 = 1.93729 USD.
  const double per_mtok = cost_per_hour / mtok_per_hour;
  EXPECT_NEAR(per_mtok, 1.937289274, 1e-9);
  ASSERT_TRUE(r.cost_per_mtok_output);
  EXPECT_NEAR(*r.cost_per_mtok_output, per_mtok, per_mtok * kRel);
  // And per million input + output tokens: 5,000 tokens/s = 18 M/h -> 6.97424 / 18.
  ASSERT_TRUE(r.cost_per_mtok_total);
  EXPECT_NEAR(*r.cost_per_mtok_total, cost_per_hour / 18.0, 1e-12);
}

TEST(Economics, RevenueCountsOnlyTokensWithinTheSlo) {
  const SmallPod pod;
  const EconomicsResult r = evaluate_economics(pod.options, pod.lines, pod.power, pod.production);
  // premium: 500 good tokens/s (of 600) x 3,600 / 1e6 = 1.8 M/h x 6 USD = 10.8 USD/h; free earns 0.
  ASSERT_EQ(r.tiers.size(), 2u);
  EXPECT_NEAR(r.tiers[0].revenue_per_hour, 1.8 * 6, 1e-12);
  EXPECT_EQ(r.tiers[1].revenue_per_hour, 0);
  EXPECT_NEAR(r.revenue_per_hour, 10.8, 1e-12);
  EXPECT_NEAR(r.margin_per_hour, 10.8 - r.cost_per_hour, 1e-12);
  ASSERT_TRUE(r.margin_fraction);
  EXPECT_NEAR(*r.margin_fraction, (10.8 - r.cost_per_hour) / 10.8, 1e-12);
  EXPECT_EQ(r.good_output_tokens_per_s, 900);
}

TEST(Economics, FactoryHoldsWholePodsOfProvisionedPower) {
  const SmallPod pod;
  const EconomicsResult r = evaluate_economics(pod.options, pod.lines, pod.power, pod.production);
  // Peak facility power per pod: 8,000 W x 1.25 = 10 kW; 1 MW holds exactly 100 pods.
  EXPECT_NEAR(r.provisioned_w, 10000, 1e-9);
  EXPECT_EQ(r.factory.pods, 100);
  EXPECT_NEAR(r.factory.output_tokens_per_s, 100 * 1000.0, 1e-6);
  EXPECT_NEAR(r.factory.good_output_tokens_per_s, 100 * 900.0, 1e-6);
  EXPECT_NEAR(r.factory.revenue_per_hour, 100 * r.revenue_per_hour, 1e-9);
  EXPECT_EQ(r.factory.gpus, 800);
  // Per MW of provisioned power: 1,000 tokens/s / 0.01 MW.
  EXPECT_NEAR(r.output_tokens_per_s_per_mw, 100000, 1e-6);
  EXPECT_NEAR(r.output_tokens_per_s_per_gpu, 125, 1e-12);

  // A budget that is not a multiple keeps whole pods only: 1.0999 MW -> 109 pods.
  auto options = pod.options;
  options.power_budget_w = 1.0999e6;
  EXPECT_EQ(evaluate_economics(options, pod.lines, pod.power, pod.production).factory.pods, 109);
  // Provisioned at the average: 7 kW per pod -> floor(1e6 / 7000) = 142 pods.
  options = pod.options;
  options.provision = Provision::Average;
  EXPECT_EQ(evaluate_economics(options, pod.lines, pod.power, pod.production).factory.pods, 142);
}

TEST(Economics, FacilityCapexIsAmortisedOverItsOwnPeriod) {
  SmallPod pod;
  pod.options.facility_capex_usd_per_w = 10;
  pod.options.facility_amortisation_years = 15;
  const EconomicsResult r = evaluate_economics(pod.options, pod.lines, pod.power, pod.production);
  // 10 USD/W x 10,000 W provisioned = 100,000 USD over 15 x 8766 h.
  EXPECT_NEAR(r.facility_capex_per_hour, 100000.0 / (15 * 8766.0), 1e-12);
}

TEST(Economics, NoTokensMeansNoCostPerToken) {
  SmallPod pod;
  pod.production.output_tokens_per_s = 0;
  pod.production.total_tokens_per_s = 0;
  pod.power = {};
  const EconomicsResult r = evaluate_economics(pod.options, pod.lines, pod.power, pod.production);
  EXPECT_FALSE(r.cost_per_mtok_output);
  EXPECT_EQ(r.factory.pods, 0);  // a pod drawing nothing gives no factory, not infinity
}

EconomicsOptions read_options(const std::string& yaml) {
  return economics_schema().read(YamlNode::load_string(yaml, "economics.yaml"));
}

TEST(EconomicsConfig, DefaultsAreTheDocumentedOnes) {
  const EconomicsOptions o = read_options("{}");
  const EconomicsOptions d;  // the struct's comments state the same defaults
  EXPECT_EQ(o.amortisation_years, d.amortisation_years);
  EXPECT_EQ(o.electricity_usd_per_kwh, d.electricity_usd_per_kwh);
  EXPECT_EQ(o.pue, d.pue);
  EXPECT_EQ(o.power_budget_w, 1e9);
  EXPECT_EQ(o.provision, Provision::Peak);
  EXPECT_EQ(o.facility_capex_usd_per_w, 0);
  EXPECT_TRUE(o.capex.empty());
  EXPECT_FALSE(o.untiered.ttft);
}

TEST(EconomicsConfig, ReadsEveryField) {
  const EconomicsOptions o = read_options(R"(
amortisation_years: 5
electricity_price: 0.12
pue: 1.1
power_budget: 500MW
provision: average
facility_capex: 11
capex: [{device: h100-sxm, price: 30000}]
untiered: {ttft: 2s, tpot: 50ms, price: 3}
)");
  EXPECT_EQ(o.amortisation_years, 5);
  EXPECT_EQ(o.electricity_usd_per_kwh, 0.12);
  EXPECT_EQ(o.pue, 1.1);
  EXPECT_EQ(o.power_budget_w, 500e6);
  EXPECT_EQ(o.provision, Provision::Average);
  EXPECT_EQ(o.facility_capex_usd_per_w, 11);
  ASSERT_EQ(o.capex.size(), 1u);
  EXPECT_EQ(o.capex[0].price_usd, 30000);
  EXPECT_EQ(*o.untiered.ttft, 2.0);
  EXPECT_NEAR(*o.untiered.tpot, 0.05, 1e-15);
  EXPECT_EQ(o.untiered.price_per_mtok, 3);
}

std::string error_text(const std::string& yaml) {
  try {
    read_options(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(EconomicsConfig, BadValuesNameTheirField) {
  EXPECT_NE(error_text("pue: 0.9").find("economics.yaml:1:6: pue: 0.9 is below 1"), std::string::npos)
      << error_text("pue: 0.9");
  EXPECT_NE(error_text("capex: [{device: a, price: 1}, {device: a, price: 2}]").find("priced twice"), std::string::npos);
  EXPECT_NE(error_text("power_budget: 1GWh").find("power_budget"), std::string::npos);
  EXPECT_NE(error_text("provision: peek").find("did you mean 'peak'"), std::string::npos);
  EXPECT_NE(error_text("electricty_price: 1").find("did you mean 'electricity_price'"), std::string::npos);
  EXPECT_NE(error_text("capex: [{device: a}]").find("capex[0].price"), std::string::npos) << error_text("capex: [{device: a}]");
}

}  // namespace
}  // namespace tokenfab
