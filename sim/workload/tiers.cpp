#include "sim/workload/tiers.hpp"

#include <cctype>

namespace tokenfab {
namespace {

// One `tiers:` entry as written: absent fields keep the default tier's value.
struct TierEntry {
  std::string name;
  std::optional<double> price_per_mtok, output_speed, ttft;
};

void optional_number(const std::optional<YamlNode>& n, std::optional<double>& out, Check check) {
  out = std::nullopt;
  if (n && !n->is_null()) {
    out = n->as_number();
    enforce(*n, *out, check);
  }
}

const Schema<TierEntry>& entry_schema() {
  static const Schema<TierEntry> s =
      Schema<TierEntry>("tier", "One service tier; a default tier's name amends it, a new name adds a tier.")
          .text("name", &TierEntry::name, std::nullopt,
                "Tier name (defaults: free, mid, premium, high_speed, ultra_high_speed).")
          .custom(ParamDoc("price", "number (USD per million output tokens)", "the default tier's", false,
                           "Price of output tokens delivered within the tier's targets.", ">= 0"),
                  [](const std::optional<YamlNode>& n, const YamlNode&, TierEntry& e) {
                    optional_number(n, e.price_per_mtok, Check::NonNegative);
                  })
          .custom(ParamDoc("output_speed", "number (tokens/s per user)", "the default tier's", false,
                           "Target output speed of one request: TPOT at most 1/output_speed.", "> 0"),
                  [](const std::optional<YamlNode>& n, const YamlNode&, TierEntry& e) {
                    optional_number(n, e.output_speed, Check::Positive);
                  })
          .custom(ParamDoc("ttft", "time (s)", "the default tier's", false, "Time-to-first-token limit, e.g. 2s.", "> 0"),
                  [](const std::optional<YamlNode>& n, const YamlNode&, TierEntry& e) {
                    e.ttft = std::nullopt;
                    if (n && !n->is_null()) enforce(*n, *(e.ttft = n->as_quantity(Dimension::Time)), Check::Positive);
                  });
  return s;
}

}  // namespace

const std::vector<TierSpec>& default_tiers() {
  // Prices: GTC 2026 keynote (16 March 2026) as reported, e.g. theaipov.news "How token pricing
  // tiers will reshape the AI economy" (vendor claim: free, ~$3, ~$6, ~$45, ~$150 per million
  // tokens). Speeds and TTFT limits: estimates (docs/workloads.md explains each one).
  static const std::vector<TierSpec> tiers = {
      {"free", 0.0, 20.0, 10.0},               // ~human reading speed; estimate
      {"mid", 3.0, 50.0, 5.0},                 // typical public API speed; estimate
      {"premium", 6.0, 100.0, 2.0},            // fast public API speed; estimate
      {"high_speed", 45.0, 400.0, 1.0},        // "hundreds of tokens/s" (Groq-class decode); estimate
      {"ultra_high_speed", 150.0, 1000.0, 0.5} // beyond any HBM GPU at batch 1 today; estimate
  };
  return tiers;
}

std::string normalize_tier_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    if (c == '-' || c == ' ') {
      out += '_';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

int find_tier(const std::vector<TierSpec>& table, std::string_view name) {
  const std::string key = normalize_tier_name(name);
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (normalize_tier_name(table[i].name) == key) return static_cast<int>(i);
  }
  return -1;
}

ParamDoc tiers_param_doc() {
  ParamDoc d("tiers", "list of sections", "the five GTC 2026 tiers", false,
             "Service tiers (price, target output speed per user, TTFT limit); entries amend the defaults.");
  d.nested = &entry_schema();
  return d;
}

std::vector<TierSpec> read_tier_table(const std::optional<YamlNode>& node) {
  std::vector<TierSpec> table = default_tiers();
  if (!node || node->is_null()) return table;
  if (!node->is_sequence()) node->fail(fmt::format("got {}", node->kind_noun()), "a list of tiers");
  std::vector<std::string> seen;
  for (const auto& e : node->elements()) {
    const TierEntry entry = entry_schema().read(e);
    const std::string key = normalize_tier_name(entry.name);
    const YamlNode name_node = *e.child("name");
    if (key.empty()) name_node.fail("is empty", "a tier name");
    for (const auto& s : seen)
      if (s == key) name_node.fail(fmt::format("tier '{}' is listed twice", entry.name), "each tier once");
    seen.push_back(key);
    const int index = find_tier(table, key);
    if (index < 0) {
      for (const auto& [field, value] : {std::pair{"price", entry.price_per_mtok},
                                         std::pair{"output_speed", entry.output_speed}, std::pair{"ttft", entry.ttft}}) {
        if (!value)
          throw ConfigError(e.location(), e.path() + "." + field,
                            fmt::format("missing for the new tier '{}'", entry.name),
                            "price, output_speed and ttft for a tier that is not a default one");
      }
      table.push_back({key, *entry.price_per_mtok, *entry.output_speed, *entry.ttft});
      continue;
    }
    TierSpec& t = table[static_cast<std::size_t>(index)];
    if (entry.price_per_mtok) t.price_per_mtok = *entry.price_per_mtok;
    if (entry.output_speed) t.output_speed = *entry.output_speed;
    if (entry.ttft) t.ttft = *entry.ttft;
  }
  return table;
}

}  // namespace tokenfab
