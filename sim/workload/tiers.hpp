// Service tiers: what the factory must deliver to a request and what it earns for it.
//
// The default table follows the five tiers of the GTC 2026 keynote's token-factory economics, as
// reported (free, mid, premium, high-speed, ultra-high-speed). Prices are the keynote's figures;
// per-user speeds and TTFT limits were not given as numbers in the reports we found, so they are
// estimates (docs/workloads.md, "Service tiers", lists each value with its source).
//
// A scenario's `tiers:` list amends this table: an entry whose name is a default tier overrides
// the fields it gives; an entry with a new name adds a tier and must give every field.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/core/schema.hpp"

namespace tokenfab {

struct TierSpec {
  std::string name;
  double price_per_mtok = 0;   // USD per million output tokens delivered within the tier's targets
  double output_speed = 0;     // target output tokens/s per user (a TPOT of at most 1/output_speed)
  double ttft = 0;             // time-to-first-token limit, s
  bool operator==(const TierSpec&) const = default;
};

// The five default tiers (free, mid, premium, high_speed, ultra_high_speed), in that order.
const std::vector<TierSpec>& default_tiers();

// Tier names compare after lowercasing and mapping '-' and ' ' to '_' ("High-Speed" = "high_speed").
std::string normalize_tier_name(std::string_view name);
// Index of the tier called `name` in `table`, or -1.
int find_tier(const std::vector<TierSpec>& table, std::string_view name);

// The scenario's `tiers:` key: its declaration (for help) and its reader (absent = the defaults).
ParamDoc tiers_param_doc();
std::vector<TierSpec> read_tier_table(const std::optional<YamlNode>& node);

}  // namespace tokenfab
