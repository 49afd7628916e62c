// The profile-table model: measured operator times (a CSV), interpolated, in place of the
// roofline for one device. Format (docs/performance-model.md):
//
//   device,model,tp,weights,operator,tokens,context,seconds
//   h100-sxm,llama-3.1-70b,8,fp8,linear,64,0,0.000412
//
// operator is one of
//   linear             every GEMM of one transformer layer for `tokens` new tokens (context 0)
//   attention_decode   one layer's attention for `tokens` decoding sequences of `context` each
//   attention_prefill  one layer's attention for a `tokens`-token chunk after `context` tokens
//   lm_head            the LM head for `tokens` sequences (optional: roofline otherwise)
//   all_reduce         one TP all-reduce of `tokens` tokens' hidden states (optional: roofline)
// Lines starting with '#' and blank lines are skipped. Only rows matching the replica's device,
// model, tp and weight precision are used.
#pragma once

#include <map>
#include <string>

#include "models/perf/perf_model.hpp"
#include "models/perf/roofline.hpp"

namespace tokenfab {

class ProfileTable {
 public:
  // Reads the rows of `path` for `setup`; throws ConfigError (file:line:col) for a malformed row,
  // a duplicate point, no rows for the setup, or a missing required operator.
  static ProfileTable load(const std::string& path, const ReplicaSetup& setup);

  bool has(const std::string& op) const { return ops_.count(op) > 0; }
  // Time of `op` at (tokens, context): piecewise-linear between measured points; below the
  // smallest point the smallest point's time; above the largest, the line through the last two.
  double time(const std::string& op, double tokens, double context) const;

 private:
  std::map<std::string, std::map<double, std::map<double, double>>> ops_;  // op -> tokens -> context -> s
};

class ProfileTableModel : public PerfModel {
 public:
  explicit ProfileTableModel(ReplicaSetup setup);
  IterationCost price(const BatchShape& batch) const override;
  std::string name() const override { return "profile_table"; }

 private:
  ReplicaSetup s_;
  ProfileTable table_;
  RooflineModel roofline_;  // operators the table lacks (LM head, all-reduce) and PP hops
};

}  // namespace tokenfab
