// The prefix cache of one replica: KV blocks of prompt prefixes, keyed by their block hash
// (Mooncake's hash_ids), kept in least-recently-used order. A request whose leading blocks are
// cached skips their prefill (as vLLM's and SGLang's prefix caching do).
//
// Up to three tiers, as in Dynamo's KV block manager or LMCache: HBM, then host CPU memory, then
// storage nodes. A block evicted from a full tier is demoted to the next one (dropped from the
// last); a hit in a lower tier is promoted back to HBM (its reload is priced by the scheduler).
// A tier of capacity 0 is skipped. With only the HBM capacity set it is a plain LRU cache.
#pragma once

#include <array>
#include <cstdint>
#include <list>
#include <unordered_map>
#include <vector>

namespace tokenfab {

enum class CacheTier { Hbm = 0, Cpu = 1, Storage = 2 };
inline constexpr std::size_t kCacheTiers = 3;
const char* cache_tier_name(CacheTier t);

// Leading blocks of a prompt found in the cache, and in which tier each was.
struct PrefixMatch {
  std::int64_t blocks = 0;
  std::array<std::int64_t, kCacheTiers> by_tier{};
};

class PrefixCache {
 public:
  explicit PrefixCache(std::int64_t hbm_blocks, std::int64_t cpu_blocks = 0, std::int64_t storage_blocks = 0)
      : capacity_{hbm_blocks, cpu_blocks, storage_blocks} {}

  bool enabled() const { return capacity_[0] > 0; }
  // Leading blocks of `blocks` already cached, in any tier; every hit becomes the most recently
  // used HBM block (lower-tier hits are promoted). Counts the lookup in the statistics.
  PrefixMatch match(const std::vector<std::uint64_t>& blocks);
  // Leading blocks of `blocks` in HBM, without touching the LRU order or the statistics (routers).
  std::int64_t peek(const std::vector<std::uint64_t>& blocks) const;
  // The prompt's blocks are now in KV: cache them in HBM (demoting the least recently used).
  void insert(const std::vector<std::uint64_t>& blocks);
  // A tier that cannot be reached (its storage node failed): its blocks stay where they are but
  // a lookup that reaches one stops there (a miss: the rest of the prompt is prefilled), and
  // blocks demoted to it are dropped instead. Reachable again when set back.
  void set_available(CacheTier t, bool available) { available_[static_cast<std::size_t>(t)] = available; }
  // Leading blocks that lookups found cached only on an unreachable tier (recomputed instead).
  std::int64_t unavailable_blocks() const { return unavailable_; }

  std::int64_t looked_up_blocks() const { return looked_up_; }
  std::int64_t hit_blocks() const { return hits_[0] + hits_[1] + hits_[2]; }
  std::int64_t hit_blocks(CacheTier t) const { return hits_[static_cast<std::size_t>(t)]; }
  std::int64_t capacity(CacheTier t) const { return capacity_[static_cast<std::size_t>(t)]; }
  std::int64_t size(CacheTier t = CacheTier::Hbm) const {
    return static_cast<std::int64_t>(lru_[static_cast<std::size_t>(t)].size());
  }

 private:
  struct Where {
    std::size_t tier;
    std::list<std::uint64_t>::iterator it;
  };
  // Makes `block` the most recent HBM block, wherever it was.
  void promote(std::uint64_t block);
  // Puts `block` at the front of tier `t` (or the first lower tier with room for it), demoting
  // overflow down the tiers.
  void place(std::uint64_t block, std::size_t t);
  std::array<std::int64_t, kCacheTiers> capacity_;
  std::array<std::list<std::uint64_t>, kCacheTiers> lru_;  // most recent first
  std::unordered_map<std::uint64_t, Where> where_;
  std::int64_t looked_up_ = 0;
  std::array<std::int64_t, kCacheTiers> hits_{};
  std::array<bool, kCacheTiers> available_{true, true, true};
  std::int64_t unavailable_ = 0;
};

}  // namespace tokenfab
