// The goodput and economics sections of summary.json, built from a finished run
// (layout: docs/outputs.md; definitions: docs/metrics.md).
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "models/catalog.hpp"
#include "models/economics.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/metrics/goodput.hpp"

namespace tokenfab {

// The service classes requests are judged by: the scenario's tiers, in table order (a request's
// tier indexes them), and the class of requests without a tier (economics.untiered).
std::vector<ServiceClass> service_classes(const Scenario& scenario);
ServiceClass untiered_class(const EconomicsOptions& options);
GoodputReport run_goodput(const RunResult& run);

// What the pod holds and draws: the GPUs the replicas use (priced), and the run's IT power
// (RunResult::power: accelerators from the energy plugin plus the platform inventory's static power).
std::vector<DeviceCount> pod_devices(const RunResult& run);
// What the pod's capital cost counts: the accelerators, then every other item of the platform
// inventory attributed to them (economics.power items: CPUs, NICs, switches, optics, DPUs,
// drives), with the same counts as the power figures.
std::vector<DeviceCount> capex_devices(const RunResult& run);
PodPower pod_power(const RunResult& run);

EconomicsResult run_economics(const RunResult& run, const GoodputReport& goodput, const Catalog& catalog);

nlohmann::ordered_json goodput_json(const GoodputReport& g);
nlohmann::ordered_json economics_json(const EconomicsResult& e);

// Adds "goodput" and "economics" to a summary.json object, with the power breakdown in
// economics.power and the pod's facility energy figures in energy.facility. Economics needs
// device prices from `catalog`.
void add_goodput_and_economics(nlohmann::ordered_json& summary, const RunResult& run, const Catalog& catalog);

}  // namespace tokenfab
