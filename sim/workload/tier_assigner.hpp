// Gives each request its service tier: drawn from workload.tier_mix with its own random stream
// (so that adding a mix leaves arrivals and lengths unchanged), or read from a trace column.
#pragma once

#include <string_view>
#include <vector>

#include "sim/workload/random.hpp"
#include "sim/workload/request.hpp"
#include "sim/workload/workload_config.hpp"

namespace tokenfab {

class TierAssigner {
 public:
  // `mix` may be empty (no tiers). Names must exist in `table` (checked when the scenario loads).
  TierAssigner(const std::vector<TierSpec>& table, const std::vector<TierShare>& mix, std::uint64_t seed);

  bool has_mix() const { return !cumulative_.empty(); }
  // The next request's tier from the mix (kNoTier without one).
  int draw();
  // The tier named `name` in the table, or kNoTier when there is none.
  int lookup(std::string_view name) const;
  const std::vector<TierSpec>& table() const { return table_; }

 private:
  std::vector<TierSpec> table_;
  std::vector<std::pair<double, int>> cumulative_;  // (upper bound of the share, tier index)
  Rng rng_;
};

}  // namespace tokenfab
