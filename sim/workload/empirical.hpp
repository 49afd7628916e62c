// Empirical length distributions: the lengths of a trace (or a list), kept as a histogram so that
// memory grows with the number of distinct lengths, not with the trace.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/workload/random.hpp"
#include "sim/workload/workload_config.hpp"

namespace tokenfab {

class EmpiricalTable {
 public:
  // From `values`, or from the input (or output) lengths of the trace at `path`; rows with a zero
  // length are left out (they are not requests). Throws ConfigError when no length remains.
  static std::shared_ptr<const EmpiricalTable> load(const EmpiricalLength& spec);

  // A row drawn uniformly: each row of the source has the same chance.
  std::int64_t sample(Rng& rng) const;
  std::uint64_t rows() const { return cumulative_.empty() ? 0 : cumulative_.back(); }
  double mean() const { return mean_; }

 private:
  std::vector<std::int64_t> values_;       // distinct lengths, ascending
  std::vector<std::uint64_t> cumulative_;  // rows with a length <= values_[i]
  double mean_ = 0;
};

}  // namespace tokenfab
