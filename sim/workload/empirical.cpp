#include "sim/workload/empirical.hpp"

#include <algorithm>
#include <map>

#include "sim/workload/trace_reader.hpp"

namespace tokenfab {

std::shared_ptr<const EmpiricalTable> EmpiricalTable::load(const EmpiricalLength& spec) {
  std::map<std::int64_t, std::uint64_t> counts;
  if (spec.path.empty()) {
    for (const auto v : spec.values) ++counts[v];
  } else {
    TraceOpenOptions o;
    o.format = spec.format;
    auto reader = TraceReader::open(spec.path, o);
    TraceRow row;
    while (reader->next(row)) {
      if (row.input_tokens == 0 || row.output_tokens == 0) continue;
      ++counts[spec.output ? row.output_tokens : row.input_tokens];
    }
  }
  if (counts.empty())
    throw ConfigError({spec.path, 0, 0}, "dist: empirical", "no lengths to resample", "a trace with at least one request");
  auto t = std::make_shared<EmpiricalTable>();
  std::uint64_t total = 0;
  double sum = 0;
  for (const auto& [value, n] : counts) {
    total += n;
    sum += static_cast<double>(value) * static_cast<double>(n);
    t->values_.push_back(value);
    t->cumulative_.push_back(total);
  }
  t->mean_ = sum / static_cast<double>(total);
  return t;
}

std::int64_t EmpiricalTable::sample(Rng& rng) const {
  const auto k = static_cast<std::uint64_t>(rng.integer(0, static_cast<std::int64_t>(rows()) - 1));
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), k);
  return values_[static_cast<std::size_t>(it - cumulative_.begin())];
}

}  // namespace tokenfab
