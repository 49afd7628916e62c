#include "models/economics.hpp"

#include <cmath>

namespace tokenfab {
namespace {

// Sources of the defaults (estimates; docs/metrics.md repeats them):
// - amortisation_years 4: hyperscalers book servers over 5-6 years (Microsoft and Alphabet 10-K
//   filings, 2022-2024), while accelerator generations turn over every ~2 years; 4 years is a
//   middle assumption common in GPU TCO models. Estimate.
// - electricity 0.08 USD/kWh: U.S. EIA Electric Power Monthly, average retail price to the
//   industrial sector, about 8 cents/kWh in 2024 (rounded). Estimate for a factory's contract.
// - PUE 1.2: Uptime Institute Global Data Center Survey 2024 reports an industry average of 1.56;
//   Google's 2023 Environmental Report gives a fleet average of 1.10; new liquid-cooled AI halls
//   are designed for ~1.1-1.3. Estimate between the two.
// - power budget 1 GW: the GTC 2026 keynote's reference factory (as reported). Vendor claim.
// - facility amortisation 15 years: buildings and their power and cooling plant outlive several
//   device generations (10-20+ years). Estimate.
constexpr double kDefaultAmortisationYears = 4;
constexpr double kDefaultElectricity = 0.08;
constexpr double kDefaultPue = 1.2;
constexpr double kDefaultFacilityYears = 15;

const Schema<CapexOverride>& capex_override_schema() {
  static const Schema<CapexOverride> s =
      Schema<CapexOverride>("capex", "A device price replacing the catalog's price_usd estimate.")
          .text("device", &CapexOverride::device, std::nullopt, "Hardware catalog name (tokenfab list).")
          .number("price", &CapexOverride::price_usd, std::nullopt, "Unit price.", Check::NonNegative, "USD");
  return s;
}

const Schema<UntieredClass>& untiered_schema() {
  static const Schema<UntieredClass> s =
      Schema<UntieredClass>("untiered", "SLO and price of requests that carry no service tier.")
          .optional_quantity("ttft", &UntieredClass::ttft, Dimension::Time,
                             "Time-to-first-token limit (unset: no limit).")
          .optional_quantity("tpot", &UntieredClass::tpot, Dimension::Time,
                             "Time-per-output-token limit (unset: no limit).")
          .number("price", &UntieredClass::price_per_mtok, 0.0,
                  "Price of output tokens of requests that met both limits.", Check::NonNegative,
                  "USD per million output tokens");
  return s;
}

}  // namespace

std::string provision_name(Provision p) { return p == Provision::Peak ? "peak" : "average"; }

const Schema<EconomicsOptions>& economics_schema() {
  static const Schema<EconomicsOptions> s =
      Schema<EconomicsOptions>("economics",
                               "Cost, revenue and factory scaling of the simulated pod (docs/metrics.md).")
          .number("amortisation_years", &EconomicsOptions::amortisation_years, kDefaultAmortisationYears,
                  "Straight-line amortisation of device capital cost (estimate).", Check::Positive, "years")
          .number("electricity_price", &EconomicsOptions::electricity_usd_per_kwh, kDefaultElectricity,
                  "Price of facility electricity (estimate: U.S. industrial average, EIA 2024).",
                  Check::NonNegative, "USD per kWh")
          .number("pue", &EconomicsOptions::pue, kDefaultPue,
                  "Power usage effectiveness: facility power / IT power (estimate).", Check::Positive)
          .quantity("power_budget", &EconomicsOptions::power_budget_w, Dimension::Power, "1GW",
                    "Facility power of the factory the pod is replicated into.")
          .choice("provision", &EconomicsOptions::provision,
                  std::vector<std::pair<std::string, Provision>>{{"peak", Provision::Peak},
                                                                 {"average", Provision::Average}},
                  "peak", "Pod power counted against the budget and per MW: peak or average facility power.")
          .number("facility_capex", &EconomicsOptions::facility_capex_usd_per_w, 0.0,
                  "Building, power and cooling plant cost per W of provisioned facility power (0: left out).",
                  Check::NonNegative, "USD per W")
          .number("facility_amortisation_years", &EconomicsOptions::facility_amortisation_years,
                  kDefaultFacilityYears, "Amortisation of facility capital cost (estimate).", Check::Positive,
                  "years")
          .list("capex", &EconomicsOptions::capex, capex_override_schema(),
                "Device prices replacing the catalog's price_usd estimates.")
          .section("untiered", &EconomicsOptions::untiered, untiered_schema(),
                   "SLO and price of requests without a service tier.")
          .validate([](const YamlNode& n, const EconomicsOptions& o) {
            if (o.pue < 1)
              n.child("pue")->fail(fmt::format("{} is below 1 (facility power cannot be less than IT power)", o.pue),
                                   "a PUE >= 1");
            for (std::size_t i = 0; i < o.capex.size(); ++i) {
              for (std::size_t k = 0; k < i; ++k) {
                if (o.capex[k].device == o.capex[i].device)
                  n.child("capex")->elements()[i].child("device")->fail(
                      fmt::format("device '{}' is priced twice", o.capex[i].device), "each device once");
              }
            }
          });
  return s;
}

std::vector<CapexLine> price_inventory(const std::vector<DeviceCount>& devices, const EconomicsOptions& options,
                                       const std::function<std::optional<Sourced>(const std::string&)>& catalog_price) {
  std::vector<CapexLine> lines;
  for (const auto& d : devices) {
    CapexLine line{d.device, d.count, 0, "unpriced", "no price in the catalog or the scenario"};
    bool priced = false;
    for (const auto& o : options.capex) {
      if (o.device == d.device) {
        line.unit_price_usd = o.price_usd;
        line.mark = "scenario";
        line.source = "economics.capex in the scenario";
        priced = true;
      }
    }
    if (!priced) {
      if (const auto p = catalog_price(d.device)) {
        line.unit_price_usd = p->value;
        line.mark = p->mark;
        line.source = p->source;
      }
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

double capex_usd(const std::vector<CapexLine>& lines) {
  double sum = 0;
  for (const auto& l : lines) sum += l.total_usd();
  return sum;
}

double amortised_per_hour(double capex, double years) { return years > 0 ? capex / (years * kHoursPerYear) : 0; }

double facility_power_w(double it_power_w, double pue) { return it_power_w * pue; }

double energy_cost_per_hour(double facility_w, double usd_per_kwh) { return facility_w / 1000.0 * usd_per_kwh; }

std::optional<double> cost_per_mtok(double cost_per_hour, double tokens_per_s) {
  if (!(tokens_per_s > 0)) return std::nullopt;
  const double mtok_per_hour = tokens_per_s * 3600.0 / 1e6;
  return cost_per_hour / mtok_per_hour;
}

double revenue_per_hour(const std::vector<TierProduction>& tiers) {
  double sum = 0;
  for (const auto& t : tiers) sum += t.good_output_tokens_per_s * 3600.0 / 1e6 * t.price_per_mtok;
  return sum;
}

FactoryScale scale_to_budget(double power_budget_w, double pod_power_w, const PodProduction& pod,
                             double pod_revenue_per_hour, double pod_cost_per_hour) {
  FactoryScale f;
  f.power_budget_w = power_budget_w;
  f.pod_power_w = pod_power_w;
  // A pod drawing nothing would fit without bound; report no factory rather than infinity.
  f.pods = pod_power_w > 0 ? static_cast<std::int64_t>(std::floor(power_budget_w / pod_power_w)) : 0;
  const auto n = static_cast<double>(f.pods);
  f.facility_power_w = n * pod_power_w;
  f.gpus = n * pod.gpus;
  f.output_tokens_per_s = n * pod.output_tokens_per_s;
  for (const auto& t : pod.tiers) {
    const double good = n * t.good_output_tokens_per_s;
    f.good_output_tokens_per_s += good;
    f.tiers.push_back({t.tier, t.price_per_mtok, good, good * 3600.0 / 1e6 * t.price_per_mtok});
  }
  f.revenue_per_hour = n * pod_revenue_per_hour;
  f.cost_per_hour = n * pod_cost_per_hour;
  return f;
}

EconomicsResult evaluate_economics(const EconomicsOptions& options, std::vector<CapexLine> capex_lines,
                                   const PodPower& power, const PodProduction& production) {
  EconomicsResult r;
  r.options = options;
  r.capex_lines = std::move(capex_lines);
  r.power = power;
  r.facility_average_w = facility_power_w(power.it_average_w, options.pue);
  r.facility_peak_w = facility_power_w(power.it_peak_w, options.pue);
  r.provisioned_w = options.provision == Provision::Peak ? r.facility_peak_w : r.facility_average_w;

  r.capex_usd = capex_usd(r.capex_lines);
  r.capex_per_hour = amortised_per_hour(r.capex_usd, options.amortisation_years);
  r.facility_capex_per_hour =
      amortised_per_hour(options.facility_capex_usd_per_w * r.provisioned_w, options.facility_amortisation_years);
  // Energy is paid for what the facility draws on average, not for its provisioned peak.
  r.energy_cost_per_hour = energy_cost_per_hour(r.facility_average_w, options.electricity_usd_per_kwh);
  r.cost_per_hour = r.capex_per_hour + r.facility_capex_per_hour + r.energy_cost_per_hour;
  r.cost_per_mtok_output = cost_per_mtok(r.cost_per_hour, production.output_tokens_per_s);
  r.cost_per_mtok_total = cost_per_mtok(r.cost_per_hour, production.total_tokens_per_s);

  for (const auto& t : production.tiers) {
    r.tiers.push_back({t.tier, t.price_per_mtok, t.good_output_tokens_per_s, revenue_per_hour({t})});
    r.good_output_tokens_per_s += t.good_output_tokens_per_s;
  }
  r.revenue_per_hour = revenue_per_hour(production.tiers);
  r.margin_per_hour = r.revenue_per_hour - r.cost_per_hour;
  if (r.revenue_per_hour > 0) r.margin_fraction = r.margin_per_hour / r.revenue_per_hour;

  r.output_tokens_per_s = production.output_tokens_per_s;
  const double mw = r.provisioned_w / 1e6;
  if (mw > 0) {
    r.output_tokens_per_s_per_mw = production.output_tokens_per_s / mw;
    r.good_output_tokens_per_s_per_mw = r.good_output_tokens_per_s / mw;
  }
  if (production.gpus > 0) r.output_tokens_per_s_per_gpu = production.output_tokens_per_s / production.gpus;

  r.factory = scale_to_budget(options.power_budget_w, r.provisioned_w, production, r.revenue_per_hour, r.cost_per_hour);
  return r;
}

}  // namespace tokenfab
