// Agentic sessions (`workload.sessions`): multi-turn conversations in which each turn's prompt
// extends the previous context (so its KV prefix can be reused), turns separated by a tool call
// that runs on a CPU host of the platform for a sampled time, then a think time.
// Reference: docs/workloads.md "Agentic sessions", or `tokenfab help workload.sessions --all`.
#pragma once

#include "models/core/schema.hpp"
#include "sim/workload/workload_config.hpp"

namespace tokenfab {

// The smallest value a distribution can draw (its lower bound): lets replicas run ahead of a
// session's next turn by at least this much.
double duration_lower_bound(const DurationDistribution& d);

const Schema<SessionWorkload>& session_workload_schema();
const VariantSchema<DurationDistribution>& duration_distribution_schema();

}  // namespace tokenfab
