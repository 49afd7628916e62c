// Adds one replica's preemption and prefix-tier counters to the run summary.
#pragma once

#include "sim/metrics/summary.hpp"
#include "sim/serving/batch_scheduler.hpp"

namespace tokenfab {

void add_scheduler_figures(const BatchScheduler& scheduler, Summary& summary);

}  // namespace tokenfab
