#include "sim/report/summary_sections.hpp"

#include <map>

namespace tokenfab {
namespace {

using Json = nlohmann::ordered_json;

Json optional_json(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

Json class_json(const ClassGoodput& g) {
  return {{"name", g.service.name},
          {"ttft_limit_s", optional_json(g.service.ttft_limit)},
          {"tpot_limit_s", optional_json(g.service.tpot_limit)},
          {"price_per_mtok", g.service.price_per_mtok},
          {"arrived", g.arrived},
          {"completed", g.completed},
          {"good", g.good},
          {"ttft_met", g.ttft_met},
          {"tpot_met", g.tpot_met},
          {"attainment", g.attainment},
          {"ttft_attainment", g.ttft_attainment},
          {"tpot_attainment", g.tpot_attainment},
          {"requests_per_s", g.requests_per_s},
          {"good_requests_per_s", g.good_requests_per_s},
          {"output_tokens_per_s", g.output_tokens_per_s},
          {"good_output_tokens_per_s", g.good_output_tokens_per_s},
          {"good_input_tokens_per_s", g.good_input_tokens_per_s},
          {"tokens_per_s_per_user",
           {{"count", g.speed.count}, {"mean", g.speed.mean}, {"p10", g.speed.p10}, {"p50", g.speed.p50}}}};
}

std::optional<DeviceSpec> find_device(const Catalog& catalog, const std::string& name) {
  try {
    return catalog.device(name);
  } catch (const ConfigError&) {
    return std::nullopt;  // an unknown device is reported as unpriced / without power
  }
}

}  // namespace

std::vector<ServiceClass> service_classes(const Scenario& scenario) {
  // A tier's TPOT limit is the time per token of its target output speed.
  std::vector<ServiceClass> out;
  for (const auto& t : scenario.tiers) out.push_back({t.name, t.ttft, 1.0 / t.output_speed, t.price_per_mtok});
  return out;
}

ServiceClass untiered_class(const EconomicsOptions& o) {
  return {"untiered", o.untiered.ttft, o.untiered.tpot, o.untiered.price_per_mtok};
}

GoodputReport run_goodput(const RunResult& run) {
  return compute_goodput(run.records, service_classes(run.scenario), untiered_class(run.scenario.economics),
                         [](const RequestRecord& r) { return r.request.tier; }, run.summary.window);
}

std::vector<DeviceCount> pod_devices(const RunResult& run) {
  std::map<std::string, double> counts;  // ordered by name: deterministic output
  for (const auto& r : run.replicas) counts[r.device] += static_cast<double>(r.hosts.size());
  std::vector<DeviceCount> out;
  for (const auto& [device, n] : counts) out.push_back({device, n});
  return out;
}

std::vector<DeviceCount> capex_devices(const RunResult& run) {
  std::vector<DeviceCount> out = pod_devices(run);
  for (const auto& item : run.power.items) {
    if (item.component == "accelerators" || item.count <= 0) continue;
    // Scale-up switches, fans and power shelves come with the rack or baseboard, which the
    // accelerators' catalog prices stand for (e.g. gb200: a GB200 NVL72 rack / 72).
    if (item.component == "scale-up switches" || item.component == "fans" || item.component == "power conversion")
      continue;
    // Co-packaged optics are part of their switch (priced with it); pluggable modules are not.
    if (item.component == "optics" && item.item.find("(cpo)") != std::string::npos) continue;
    out.push_back({item.item, item.count});
  }
  return out;
}

PodPower pod_power(const RunResult& run) {
  PodPower p;
  p.source =
      "IT power: accelerators at idle + busy share x (max - idle) (SimGrid's host energy model) on average and "
      "catalog power.max at peak; the run's host CPUs the same way on their busy cores (serving processes and "
      "tool calls); "
      "scale-up switches, NICs, switches, optics, DPUs, drives and rack fans of the platform inventory at catalog "
      "watts (load-following parts between power.idle and power.max by the accelerators' busy fraction; switches "
      "and optics constant), attributed by the share of the platform's accelerators the replicas use (rack "
      "equipment: of its own rack's accelerators); power conversion = the rest x (1/power-shelf efficiency - 1); "
      "facility power = IT x PUE";
  p.it_average_w = run.power.it_average_w;
  p.it_peak_w = run.power.it_peak_w;
  return p;
}

EconomicsResult run_economics(const RunResult& run, const GoodputReport& goodput, const Catalog& catalog) {
  const EconomicsOptions& o = run.scenario.economics;
  const auto lines = price_inventory(capex_devices(run), o, [&](const std::string& name) -> std::optional<Sourced> {
    const auto spec = find_device(catalog, name);
    return spec ? spec->price_usd : std::nullopt;
  });
  PodProduction prod;
  prod.output_tokens_per_s = run.summary.output_tokens_per_s;
  prod.total_tokens_per_s = run.summary.total_tokens_per_s;
  for (const auto& d : pod_devices(run)) prod.gpus += d.count;
  for (const auto& c : goodput.classes) {
    prod.tiers.push_back({c.service.name, c.service.price_per_mtok, c.output_tokens_per_s, c.good_output_tokens_per_s});
  }
  return evaluate_economics(o, lines, pod_power(run), prod);
}

Json goodput_json(const GoodputReport& g) {
  Json classes = Json::array();
  for (const auto& c : g.classes) classes.push_back(class_json(c));
  return {{"window_s", g.window}, {"overall", class_json(g.overall)}, {"classes", classes}};
}

Json economics_json(const EconomicsResult& e) {
  const EconomicsOptions& o = e.options;
  Json capex_overrides = Json::array();
  for (const auto& c : o.capex) capex_overrides.push_back({{"device", c.device}, {"price_usd", c.price_usd}});
  Json assumptions = {{"amortisation_years", o.amortisation_years},
                      {"electricity_usd_per_kwh", o.electricity_usd_per_kwh},
                      {"pue", o.pue},
                      {"power_budget_w", o.power_budget_w},
                      {"provision", provision_name(o.provision)},
                      {"facility_capex_usd_per_w", o.facility_capex_usd_per_w},
                      {"facility_amortisation_years", o.facility_amortisation_years},
                      {"capex_overrides", capex_overrides},
                      {"untiered",
                       {{"ttft_limit_s", optional_json(o.untiered.ttft)},
                        {"tpot_limit_s", optional_json(o.untiered.tpot)},
                        {"price_per_mtok", o.untiered.price_per_mtok}}}};
  Json capex = Json::array();
  for (const auto& l : e.capex_lines) {
    capex.push_back({{"device", l.device},
                     {"count", l.count},
                     {"unit_price_usd", l.unit_price_usd},
                     {"total_usd", l.total_usd()},
                     {"mark", l.mark},
                     {"source", l.source}});
  }
  auto tiers_json = [](const std::vector<TierRevenue>& tiers) {
    Json out = Json::array();
    for (const auto& t : tiers) {
      out.push_back({{"tier", t.tier},
                     {"price_per_mtok", t.price_per_mtok},
                     {"good_output_tokens_per_s", t.good_output_tokens_per_s},
                     {"revenue_per_hour", t.revenue_per_hour}});
    }
    return out;
  };
  const FactoryScale& f = e.factory;
  return {{"assumptions", assumptions},
          {"capex", capex},
          {"power",
           {{"it_average_w", e.power.it_average_w},
            {"it_peak_w", e.power.it_peak_w},
            {"facility_average_w", e.facility_average_w},
            {"facility_peak_w", e.facility_peak_w},
            {"provisioned_w", e.provisioned_w},
            {"source", e.power.source}}},
          {"cost",
           {{"capex_usd", e.capex_usd},
            {"capex_per_hour", e.capex_per_hour},
            {"facility_capex_per_hour", e.facility_capex_per_hour},
            {"energy_per_hour", e.energy_cost_per_hour},
            {"total_per_hour", e.cost_per_hour},
            {"per_mtok_output", optional_json(e.cost_per_mtok_output)},
            {"per_mtok_total", optional_json(e.cost_per_mtok_total)}}},
          {"revenue",
           {{"tiers", tiers_json(e.tiers)},
            {"total_per_hour", e.revenue_per_hour},
            {"margin_per_hour", e.margin_per_hour},
            {"margin_fraction", optional_json(e.margin_fraction)}}},
          {"efficiency",
           {{"output_tokens_per_s", e.output_tokens_per_s},
            {"good_output_tokens_per_s", e.good_output_tokens_per_s},
            {"output_tokens_per_s_per_mw", e.output_tokens_per_s_per_mw},
            {"good_output_tokens_per_s_per_mw", e.good_output_tokens_per_s_per_mw},
            {"output_tokens_per_s_per_gpu", e.output_tokens_per_s_per_gpu}}},
          {"factory",
           {{"extrapolation",
             "copies of the simulated pod filling the power budget; assumes nothing outside the pod (site "
             "network, shared storage, traffic) limits them"},
            {"power_budget_w", f.power_budget_w},
            {"pod_power_w", f.pod_power_w},
            {"pods", f.pods},
            {"facility_power_w", f.facility_power_w},
            {"gpus", f.gpus},
            {"output_tokens_per_s", f.output_tokens_per_s},
            {"good_output_tokens_per_s", f.good_output_tokens_per_s},
            {"tiers", tiers_json(f.tiers)},
            {"revenue_per_hour", f.revenue_per_hour},
            {"cost_per_hour", f.cost_per_hour}}}};
}

Json power_json(const PowerBreakdown& b, const EconomicsResult& e) {
  Json by_class = Json::object();
  double network_avg = 0, network_peak = 0;
  for (const auto& c : b.classes) {
    by_class[c.component] = {{"average_w", c.average_w}, {"peak_w", c.peak_w}};
    if (c.component == "nics" || c.component == "switches" || c.component == "optics") {
      network_avg += c.average_w;
      network_peak += c.peak_w;
    }
  }
  // Cooling (and the facility's own conversion losses): what the PUE adds on top of IT power.
  by_class["cooling"] = {{"average_w", e.facility_average_w - b.it_average_w},
                         {"peak_w", e.facility_peak_w - b.it_peak_w}};
  Json items = Json::array();
  for (const auto& it : b.items) {
    items.push_back({{"component", it.component},
                     {"item", it.item},
                     {"count", it.count},
                     {"average_w", it.average_w},
                     {"peak_w", it.peak_w},
                     {"basis", it.basis},
                     {"mark", it.mark},
                     {"source", it.source}});
  }
  Json out = {{"accelerator_share", b.share},
              {"network_average_w", network_avg},
              {"network_peak_w", network_peak},
              {"by_class", by_class},
              {"items", items}};
  if (!b.notes.empty()) out["notes"] = b.notes;
  return out;
}

// Per-token energy is average power / tokens per second: the energy of the throughput window
// (whose tokens are counted), not of the idle tail after the last completion.
Json facility_energy_json(const RunResult& run, const EconomicsResult& e) {
  const Summary& s = run.summary;
  auto per = [](double watts, double tokens_per_s) { return tokens_per_s > 0 ? watts / tokens_per_s : 0.0; };
  const double mw = e.facility_average_w / 1e6;
  return {{"scope",
           "the pod: accelerators + the inventory attributed to them (economics.power), x PUE for the facility"},
          {"it_average_w", run.power.it_average_w},
          {"facility_average_w", e.facility_average_w},
          {"facility_joules", e.facility_average_w * s.energy.measured_over_s},
          {"it_joules_per_output_token", per(run.power.it_average_w, s.output_tokens_per_s)},
          {"joules_per_output_token", per(e.facility_average_w, s.output_tokens_per_s)},
          {"joules_per_token", per(e.facility_average_w, s.total_tokens_per_s)},
          {"output_tokens_per_s_per_mw", mw > 0 ? s.output_tokens_per_s / mw : 0.0},
          {"total_tokens_per_s_per_mw", mw > 0 ? s.total_tokens_per_s / mw : 0.0}};
}

void add_goodput_and_economics(nlohmann::ordered_json& summary, const RunResult& run, const Catalog& catalog) {
  const GoodputReport g = run_goodput(run);
  summary["goodput"] = goodput_json(g);
  const EconomicsResult e = run_economics(run, g, catalog);
  summary["economics"] = economics_json(e);
  summary["economics"]["power"].update(power_json(run.power, e));
  summary["energy"]["facility"] = facility_energy_json(run, e);
}

}  // namespace tokenfab
