// Writing requests in any supported trace format (tokenfab trace synth), one row per request.
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include "sim/workload/request.hpp"
#include "sim/workload/workload_config.hpp"

namespace tokenfab {

class TraceWriter {
 public:
  // `format` is not Auto. With `with_tiers`, each row also carries its tier's name (a `tier`
  // column or key), read back with columns.tier. Requests without prefix blocks get fresh,
  // never-repeated block ids in Mooncake's hash_ids (one per `block_tokens` prompt tokens).
  TraceWriter(std::ostream& out, TraceFormat format, std::vector<TierSpec> tiers, bool with_tiers,
              std::int64_t block_tokens = 512);
  void write(const Request& r);

 private:
  std::ostream& out_;
  TraceFormat format_;
  std::vector<TierSpec> tiers_;
  bool with_tiers_;
  std::int64_t block_tokens_;
  std::uint64_t next_block_ = 0;
};

// The format a file name suggests: .jsonl -> jsonl, anything else -> csv.
TraceFormat format_for_extension(const std::string& path);

}  // namespace tokenfab
