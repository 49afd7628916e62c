// Token-factory economics: what a simulated pod costs per hour, what it earns at the tier prices,
// and how many copies of it a power budget holds (definitions: docs/metrics.md, "Economics").
//
// Everything here is plain arithmetic on figures the caller supplies (device counts and prices,
// average and peak power, tokens per second per tier), so that a test can redo each step by hand.
// Reading the scenario's `economics:` section is the only tie to the rest of the program.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/catalog.hpp"
#include "models/core/schema.hpp"

namespace tokenfab {

inline constexpr double kHoursPerYear = 365.25 * 24;  // 8766 h: a Julian year

// A device price set in the scenario, replacing the catalog's price_usd estimate.
struct CapexOverride {
  // Hardware catalog name (models/catalog/hardware/NAME.yaml). Required.
  std::string device;
  // Unit price in US dollars. Required, >= 0.
  double price_usd = 0;
};

// Which pod power the facility is built for; pods are fitted into the power budget at this power.
enum class Provision {
  Peak,     // the pod's peak facility power (a power-constrained site must cover its peaks)
  Average,  // its average facility power (optimistic: assumes peaks of many pods never align)
};

// The price and SLO of requests that carry no service tier (workloads without a tier mix).
struct UntieredClass {
  // Time-to-first-token limit, s. Default: unset (no TTFT limit).
  std::optional<double> ttft;
  // Time-per-output-token limit, s. Default: unset (no TPOT limit).
  std::optional<double> tpot;
  // USD per million output tokens of requests that met both limits. Default: 0.
  double price_per_mtok = 0;
};

// The scenario's `economics:` section (every default is declared once, in economics.cpp).
struct EconomicsOptions {
  // Straight-line amortisation period of device capital cost, in years of 8766 h.
  // Default: 4 (estimate; see economics.cpp for the reasoning).
  double amortisation_years = 4;
  // Electricity price paid for facility power (IT power x PUE), USD per kWh.
  // Default: 0.08 (estimate from the U.S. EIA's 2024 industrial average).
  double electricity_usd_per_kwh = 0.08;
  // Power usage effectiveness: facility power / IT power (cooling, power conversion). >= 1.
  // Default: 1.2 (estimate for a new liquid-cooled AI hall).
  double pue = 1.2;
  // Facility power of the whole factory, W; the simulated pod is replicated to fill it.
  // Default: 1 GW (the GTC 2026 keynote's reference factory).
  double power_budget_w = 1e9;
  // Which pod power counts against the budget and per MW. Default: peak.
  Provision provision = Provision::Peak;
  // Capital cost of the building, power and cooling plant per W of provisioned facility power,
  // USD/W, amortised over facility_amortisation_years. Default: 0 (left out).
  double facility_capex_usd_per_w = 0;
  // Amortisation period of facility capital cost, years. Default: 15 (estimate).
  double facility_amortisation_years = 15;
  // Per-device price overrides; devices not listed use the catalog's price_usd. Default: none.
  std::vector<CapexOverride> capex;
  // Price and SLO of requests without a tier. Default: no limits, price 0.
  UntieredClass untiered;
};

const Schema<EconomicsOptions>& economics_schema();
std::string provision_name(Provision p);

// --- Capital cost ------------------------------------------------------------------------------

// How many of one device the pod holds (GPUs, switches, NICs, drives, ...).
struct DeviceCount {
  std::string device;  // hardware catalog name
  double count = 0;
};

// One priced line of the pod's bill of materials.
struct CapexLine {
  std::string device;
  double count = 0;
  double unit_price_usd = 0;
  std::string mark;    // "vendor claim" | "measured" | "estimate" | "scenario" | "unpriced"
  std::string source;  // where the price comes from
  double total_usd() const { return count * unit_price_usd; }
};

// Prices each device: the scenario's override first, else `catalog_price(device)` (the catalog's
// price_usd); a device with neither is listed with price 0 and mark "unpriced", never dropped.
std::vector<CapexLine> price_inventory(const std::vector<DeviceCount>& devices, const EconomicsOptions& options,
                                       const std::function<std::optional<Sourced>(const std::string&)>& catalog_price);

// --- What the pod drew and produced ------------------------------------------------------------

struct PodPower {
  double it_average_w = 0;  // IT power averaged over the run (devices, network, storage), W
  double it_peak_w = 0;     // highest IT power during the run (or the nameplate sum), W
  std::string source;       // how these were obtained (energy plugin, estimate, ...)
};

// One service tier's production, as goodput measured it.
struct TierProduction {
  std::string tier;
  double price_per_mtok = 0;            // USD per million output tokens within the tier's SLO
  double output_tokens_per_s = 0;       // all completed requests of the tier
  double good_output_tokens_per_s = 0;  // requests that met the tier's TTFT and TPOT limits
};

struct PodProduction {
  double output_tokens_per_s = 0;  // completed requests, over the run's window
  double total_tokens_per_s = 0;   // input + output
  double gpus = 0;                 // accelerators in the pod (GPUs and LPUs)
  std::vector<TierProduction> tiers;
};

// --- The arithmetic, one step per function (docs/metrics.md gives each formula) ----------------

double capex_usd(const std::vector<CapexLine>& lines);
// Capital cost spread evenly over `years` of 8766 h: USD per hour.
double amortised_per_hour(double capex_usd, double years);
// Facility power = IT power x PUE, W.
double facility_power_w(double it_power_w, double pue);
// Electricity cost of drawing `facility_w` for one hour: W / 1000 x USD/kWh.
double energy_cost_per_hour(double facility_w, double usd_per_kwh);
// USD per million tokens produced at `tokens_per_s` when the pod costs `cost_per_hour`.
// 0 tokens/s gives nullopt (the cost per token is unbounded).
std::optional<double> cost_per_mtok(double cost_per_hour, double tokens_per_s);
// Revenue per hour: sum over tiers of good output tokens/s x 3600 / 1e6 x price.
double revenue_per_hour(const std::vector<TierProduction>& tiers);

struct TierRevenue {
  std::string tier;
  double price_per_mtok = 0;
  double good_output_tokens_per_s = 0;
  double revenue_per_hour = 0;
};

// A factory of identical pods filling a power budget: an extrapolation from one simulated pod
// that assumes nothing outside the pod (site network, shared storage) limits it.
struct FactoryScale {
  double power_budget_w = 0;
  double pod_power_w = 0;  // provisioned facility power of one pod
  std::int64_t pods = 0;   // floor(budget / pod power)
  double facility_power_w = 0;  // pods x pod power (<= budget)
  double gpus = 0;
  double output_tokens_per_s = 0;
  double good_output_tokens_per_s = 0;
  std::vector<TierRevenue> tiers;  // per tier, scaled
  double revenue_per_hour = 0;
  double cost_per_hour = 0;
};
FactoryScale scale_to_budget(double power_budget_w, double pod_power_w, const PodProduction& pod,
                             double pod_revenue_per_hour, double pod_cost_per_hour);

struct EconomicsResult {
  EconomicsOptions options;
  std::vector<CapexLine> capex_lines;
  PodPower power;
  double facility_average_w = 0;
  double facility_peak_w = 0;
  double provisioned_w = 0;  // the facility power the pod is sized by (peak or average)

  double capex_usd = 0;
  double capex_per_hour = 0;           // devices
  double facility_capex_per_hour = 0;  // building, power and cooling plant
  double energy_cost_per_hour = 0;     // average facility power x electricity price
  double cost_per_hour = 0;            // the three above
  std::optional<double> cost_per_mtok_output;  // USD per million output tokens
  std::optional<double> cost_per_mtok_total;   // USD per million input + output tokens

  std::vector<TierRevenue> tiers;
  double revenue_per_hour = 0;
  double margin_per_hour = 0;              // revenue - cost
  std::optional<double> margin_fraction;   // margin / revenue (nullopt without revenue)

  double output_tokens_per_s = 0;
  double good_output_tokens_per_s = 0;
  double output_tokens_per_s_per_mw = 0;       // per MW of provisioned facility power
  double good_output_tokens_per_s_per_mw = 0;
  double output_tokens_per_s_per_gpu = 0;

  FactoryScale factory;
};

EconomicsResult evaluate_economics(const EconomicsOptions& options, std::vector<CapexLine> capex_lines,
                                   const PodPower& power, const PodProduction& production);

}  // namespace tokenfab
