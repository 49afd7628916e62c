#include "sim/serving/scheduler_figures.hpp"

namespace tokenfab {

void add_scheduler_figures(const BatchScheduler& s, Summary& summary) {
  const BatchScheduler::Counters& c = s.counters();
  PreemptionFigures& p = summary.preemption;
  p.preemptions += c.preemptions;
  p.recomputed_tokens += c.recomputed_tokens;
  p.swapped_out_tokens += c.swapped_out_tokens;
  p.swap_fallbacks += c.swap_fallbacks;
  if (s.swaps()) {
    const std::int64_t space = s.swap_capacity_tokens();
    p.swap_space_tokens = space < 0 || p.swap_space_tokens < 0 ? -1 : p.swap_space_tokens + space;
  }
  p.swap_seconds += c.swap_seconds;
  PrefixCacheFigures& f = summary.prefix_cache;
  const PrefixCache& cache = s.prefix_cache();
  for (std::size_t t = 0; t < kCacheTiers; ++t) {
    const auto tier = static_cast<CacheTier>(t);
    f.tier_capacity_blocks[t] += cache.capacity(tier);
    f.tier_hit_blocks[t] += cache.hit_blocks(tier);
  }
  f.offload = f.offload || cache.capacity(CacheTier::Cpu) > 0 || cache.capacity(CacheTier::Storage) > 0;
  f.reload_seconds += c.reload_seconds;
}

}  // namespace tokenfab
