#include "sim/serving/prefix_cache.hpp"

namespace tokenfab {

void PrefixCache::touch(std::uint64_t block) {
  auto it = where_.find(block);
  if (it != where_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.push_front(block);
  where_[block] = lru_.begin();
  if (static_cast<std::int64_t>(lru_.size()) > capacity_) {
    where_.erase(lru_.back());
    lru_.pop_back();
  }
}

std::int64_t PrefixCache::match(const std::vector<std::uint64_t>& blocks) {
  looked_up_ += static_cast<std::int64_t>(blocks.size());
  std::int64_t n = 0;
  for (const auto b : blocks) {
    const auto it = where_.find(b);
    if (it == where_.end()) break;
    lru_.splice(lru_.begin(), lru_, it->second);
    ++n;
  }
  hits_ += n;
  return n;
}

void PrefixCache::insert(const std::vector<std::uint64_t>& blocks) {
  for (const auto b : blocks) touch(b);
}

}  // namespace tokenfab
