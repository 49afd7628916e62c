#include "sim/serving/prefix_cache.hpp"

namespace tokenfab {

const char* cache_tier_name(CacheTier t) {
  switch (t) {
    case CacheTier::Hbm: return "hbm";
    case CacheTier::Cpu: return "cpu";
    case CacheTier::Storage: return "storage";
  }
  return "?";
}

void PrefixCache::place(std::uint64_t block, std::size_t t) {
  while (t < kCacheTiers && (capacity_[t] <= 0 || !available_[t])) ++t;
  if (t >= kCacheTiers) {
    where_.erase(block);
    return;
  }
  lru_[t].push_front(block);
  where_[block] = Where{t, lru_[t].begin()};
  if (static_cast<std::int64_t>(lru_[t].size()) > capacity_[t]) {
    const std::uint64_t victim = lru_[t].back();
    lru_[t].pop_back();
    place(victim, t + 1);  // demoted (or dropped past the last tier)
  }
}

void PrefixCache::promote(std::uint64_t block) {
  const auto it = where_.find(block);
  if (it != where_.end()) {
    if (it->second.tier == 0) {
      lru_[0].splice(lru_[0].begin(), lru_[0], it->second.it);
      return;
    }
    lru_[it->second.tier].erase(it->second.it);
    where_.erase(it);
  }
  place(block, 0);
}

PrefixMatch PrefixCache::match(const std::vector<std::uint64_t>& blocks) {
  looked_up_ += static_cast<std::int64_t>(blocks.size());
  PrefixMatch m;
  // Find first, then promote: promoting may demote a later block of the same prompt.
  bool reachable = true;
  for (const auto b : blocks) {
    const auto it = where_.find(b);
    if (it == where_.end()) break;
    // Past a block on an unreachable tier the prefix is recomputed; the blocks it would have
    // found there are counted as unavailable.
    reachable = reachable && available_[it->second.tier];
    if (!reachable) {
      unavailable_ += available_[it->second.tier] ? 0 : 1;
      continue;
    }
    m.by_tier[it->second.tier] += 1;
    ++m.blocks;
  }
  for (std::int64_t i = 0; i < m.blocks; ++i) promote(blocks[static_cast<std::size_t>(i)]);
  for (std::size_t t = 0; t < kCacheTiers; ++t) hits_[t] += m.by_tier[t];
  return m;
}

std::int64_t PrefixCache::peek(const std::vector<std::uint64_t>& blocks) const {
  std::int64_t n = 0;
  for (const auto b : blocks) {
    const auto it = where_.find(b);
    if (it == where_.end() || it->second.tier != 0) break;
    ++n;
  }
  return n;
}

void PrefixCache::insert(const std::vector<std::uint64_t>& blocks) {
  for (const auto b : blocks) promote(b);
}

}  // namespace tokenfab
