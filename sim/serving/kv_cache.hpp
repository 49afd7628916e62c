// Paged KV cache of one replica: capacity in fixed-size blocks of tokens.
#pragma once

#include <cstdint>

namespace tokenfab {

class KvCache {
 public:
  KvCache(std::int64_t total_blocks, int block_tokens) : total_(total_blocks), block_tokens_(block_tokens) {}

  std::int64_t blocks_for(std::int64_t tokens) const { return (tokens + block_tokens_ - 1) / block_tokens_; }
  bool can_allocate(std::int64_t blocks) const { return used_ + blocks <= total_; }
  void allocate(std::int64_t blocks) {
    used_ += blocks;
    peak_ = used_ > peak_ ? used_ : peak_;
    overflowed_ = overflowed_ || used_ > total_;
  }
  void release(std::int64_t blocks) {
    used_ -= blocks;
    overflowed_ = overflowed_ || used_ < 0;
  }
  // End-of-run invariant: occupancy stayed within [0, capacity].
  bool overflowed() const { return overflowed_; }
  std::int64_t peak_blocks() const { return peak_; }

  std::int64_t total_blocks() const { return total_; }
  std::int64_t used_blocks() const { return used_; }
  int block_tokens() const { return block_tokens_; }
  std::int64_t capacity_tokens() const { return total_ * block_tokens_; }

 private:
  std::int64_t total_;
  int block_tokens_;
  std::int64_t used_ = 0;
  std::int64_t peak_ = 0;
  bool overflowed_ = false;
};

}  // namespace tokenfab
