// The per-device efficiency table (models/catalog/efficiency.yaml).
#pragma once

#include <string>

#include "models/catalog.hpp"
#include "models/perf/perf_model.hpp"

namespace tokenfab {

// The row for `device` (fields it leaves out taken from the default row), or the default row
// when the device has none. Throws ConfigError for a malformed table or a row naming a device
// the catalog does not have.
Efficiency efficiency_for(const Catalog& catalog, const std::string& device);

const Schema<Efficiency>& efficiency_schema();

}  // namespace tokenfab
