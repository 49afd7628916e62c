// The per-device efficiency table (models/catalog/efficiency.yaml).
#pragma once

#include <string>

#include "models/catalog.hpp"
#include "models/perf/perf_model.hpp"

namespace tokenfab {

// The row for `device`, or the default row when the device has none.
Efficiency efficiency_for(const Catalog& catalog, const std::string& device);

const Schema<Efficiency>& efficiency_schema();

}  // namespace tokenfab
