#include "sim/workload/trace_writer.hpp"

#include <cmath>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "sim/workload/csv.hpp"
#include "sim/workload/timestamp.hpp"

namespace tokenfab {
namespace {

// Azure rows are written as date-times from this instant (2024-01-01 00:00:00 UTC).
const std::int64_t kAzureEpoch = days_from_civil(2024, 1, 1) * 86400;

}  // namespace

TraceWriter::TraceWriter(std::ostream& out, TraceFormat format, std::vector<TierSpec> tiers, bool with_tiers,
                         std::int64_t block_tokens)
    : out_(out), format_(format), tiers_(std::move(tiers)), with_tiers_(with_tiers), block_tokens_(block_tokens) {
  const char* tier = with_tiers_ ? ",tier" : "";
  switch (format_) {
    case TraceFormat::Azure: fmt::print(out_, "TIMESTAMP,ContextTokens,GeneratedTokens{}\n", tier); break;
    case TraceFormat::BurstGpt:
      fmt::print(out_, "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type{}\n", tier);
      break;
    case TraceFormat::Csv: fmt::print(out_, "arrival_time,input_tokens,output_tokens{}\n", tier); break;
    default: break;  // JSON lines have no header
  }
}

void TraceWriter::write(const Request& r) {
  const std::string tier =
      with_tiers_ && r.tier >= 0 && r.tier < static_cast<int>(tiers_.size()) ? tiers_[static_cast<std::size_t>(r.tier)].name : "";
  std::string tier_csv;  // built in steps: GCC 12 warns falsely (-Wrestrict) on "," + string
  if (with_tiers_) {
    tier_csv = ",";
    tier_csv += csv_quote(tier);
  }
  switch (format_) {
    case TraceFormat::Azure: {
      const double whole = std::floor(r.arrival);
      const DateTime t{kAzureEpoch + static_cast<std::int64_t>(whole), r.arrival - whole};
      fmt::print(out_, "{},{},{}{}\n", format_datetime(t), r.input_tokens, r.output_tokens, tier_csv);
      break;
    }
    case TraceFormat::BurstGpt:
      fmt::print(out_, "{:.6f},tokenfab,{},{},{},Conversation log{}\n", r.arrival, r.input_tokens, r.output_tokens,
                 r.input_tokens + r.output_tokens, tier_csv);
      break;
    case TraceFormat::Mooncake:
    case TraceFormat::Jsonl: {
      nlohmann::ordered_json j;
      if (format_ == TraceFormat::Mooncake) {
        j["timestamp"] = static_cast<std::int64_t>(std::llround(r.arrival * 1e3));  // integer ms, as Mooncake's
        j["input_length"] = r.input_tokens;
        j["output_length"] = r.output_tokens;
        std::vector<std::uint64_t> ids = r.prefix_blocks;
        if (ids.empty()) {
          const auto n = static_cast<std::size_t>((r.input_tokens + block_tokens_ - 1) / block_tokens_);
          for (std::size_t i = 0; i < n; ++i) ids.push_back(next_block_++);
        }
        j["hash_ids"] = ids;
      } else {
        j["arrival_time"] = std::round(r.arrival * 1e6) / 1e6;
        j["input_tokens"] = r.input_tokens;
        j["output_tokens"] = r.output_tokens;
        if (!r.prefix_blocks.empty()) j["hash_ids"] = r.prefix_blocks;
      }
      if (with_tiers_) j["tier"] = tier;
      out_ << j.dump() << "\n";
      break;
    }
    default: fmt::print(out_, "{:.6f},{},{}{}\n", r.arrival, r.input_tokens, r.output_tokens, tier_csv); break;
  }
}

TraceFormat format_for_extension(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot != std::string::npos && path.substr(dot) == ".jsonl" ? TraceFormat::Jsonl : TraceFormat::Csv;
}

}  // namespace tokenfab
