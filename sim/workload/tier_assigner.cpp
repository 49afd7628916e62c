#include "sim/workload/tier_assigner.hpp"

namespace tokenfab {

TierAssigner::TierAssigner(const std::vector<TierSpec>& table, const std::vector<TierShare>& mix, std::uint64_t seed)
    : table_(table), rng_(mix_seed(seed, 4)) {
  double sum = 0;
  for (const auto& share : mix) {
    if (share.fraction <= 0) continue;
    sum += share.fraction;
    cumulative_.emplace_back(sum, find_tier(table_, share.tier));
  }
  // Fractions sum to 1 within 1e-6 (checked on load); the last share takes the rounding rest.
  if (!cumulative_.empty()) cumulative_.back().first = 2.0;
}

int TierAssigner::draw() {
  if (cumulative_.empty()) return kNoTier;
  const double u = rng_.uniform();
  for (const auto& [bound, tier] : cumulative_)
    if (u < bound) return tier;
  return cumulative_.back().second;
}

int TierAssigner::lookup(std::string_view name) const {
  const int i = find_tier(table_, name);
  return i < 0 ? kNoTier : i;
}

}  // namespace tokenfab
