// The HBM prefix cache of one replica: KV blocks of prompt prefixes, keyed by their block hash
// (Mooncake's hash_ids), kept in least-recently-used order within a capacity. A request whose
// leading blocks are cached skips their prefill (as vLLM's and SGLang's prefix caching do).
#pragma once

#include <cstdint>
#include <list>
#include <unordered_map>
#include <vector>

namespace tokenfab {

class PrefixCache {
 public:
  explicit PrefixCache(std::int64_t capacity_blocks) : capacity_(capacity_blocks) {}

  bool enabled() const { return capacity_ > 0; }
  // Leading blocks of `blocks` already cached (each hit becomes most recently used). Counts the
  // lookup in the statistics.
  std::int64_t match(const std::vector<std::uint64_t>& blocks);
  // The prompt's blocks are now in KV: cache them (evicting the least recently used beyond capacity).
  void insert(const std::vector<std::uint64_t>& blocks);

  std::int64_t looked_up_blocks() const { return looked_up_; }
  std::int64_t hit_blocks() const { return hits_; }
  std::int64_t size() const { return static_cast<std::int64_t>(lru_.size()); }

 private:
  void touch(std::uint64_t block);
  std::int64_t capacity_;
  std::list<std::uint64_t> lru_;  // most recent first
  std::unordered_map<std::uint64_t, std::list<std::uint64_t>::iterator> where_;
  std::int64_t looked_up_ = 0;
  std::int64_t hits_ = 0;
};

}  // namespace tokenfab
