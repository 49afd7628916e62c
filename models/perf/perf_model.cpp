#include "models/perf/perf_model.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "models/perf/profile_table.hpp"
#include "models/perf/roofline.hpp"

namespace tokenfab {

std::string bound_name(Bound b) {
  switch (b) {
    case Bound::Compute: return "compute";
    case Bound::Memory: return "memory";
    case Bound::Network: return "network";
    case Bound::Overhead: return "overhead";
    case Bound::Measured: return "measured";
  }
  return "?";
}

double Speculative::tokens_per_step() const {
  if (!enabled()) return 1.0;
  const double a = acceptance_rate;
  const int n = draft_tokens;
  if (a >= 1.0) return n + 1.0;
  // Expected accepted prefix of n i.i.d. drafts plus the token the verifier always emits.
  return (1.0 - std::pow(a, n + 1)) / (1.0 - a);
}

std::optional<std::string> setup_problem(const ReplicaSetup& s) {
  const auto& m = s.model;
  if (s.tp < 1 || s.pp < 1 || s.ep < 1 || s.dp < 1) return "tp, pp, ep and dp must each be at least 1";
  if (s.pp > m.layers) return fmt::format("pp {} exceeds the {} layers of {}", s.pp, m.layers, m.name);
  // Tensor parallelism splits attention by whole heads (as vLLM, SGLang and TensorRT-LLM require).
  if (m.attention.heads > 0 && m.attention.heads % s.tp != 0)
    return fmt::format("tp {} does not divide the {} attention heads of {}", s.tp, m.attention.heads, m.name);
  if (s.ep > 1 && !m.moe) return fmt::format("ep {} needs a mixture-of-experts model; {} is dense", s.ep, m.name);
  if (s.group_size() % s.ep != 0)
    return fmt::format("ep {} does not divide the tp*dp = {} devices of a pipeline stage", s.ep, s.group_size());
  if (m.moe && s.ep > m.moe->routed_experts)
    return fmt::format("ep {} exceeds the {} routed experts of {}", s.ep, m.moe->routed_experts, m.name);
  if (s.tp > 1 && s.link_bandwidth <= 0) return fmt::format("tp {} needs the bandwidth of the links between its devices", s.tp);
  if (s.group_size() > 1 && s.group_link().bandwidth <= 0)
    return "dp/ep over several devices needs the bandwidth of the links between them";
  if (s.pp > 1 && s.stage_link().bandwidth <= 0) return fmt::format("pp {} needs the bandwidth between its stages", s.pp);
  const auto& sp = s.speculative;
  if (sp.method != SpecMethod::None) {
    if (sp.draft_tokens < 1) return "speculative decoding needs draft_tokens >= 1";
    if (sp.acceptance_rate < 0 || sp.acceptance_rate > 1) return "acceptance_rate must lie in [0, 1]";
    if (sp.method == SpecMethod::Mtp && (!m.mtp || m.mtp->layers < 1))
      return fmt::format("{} has no multi-token-prediction module (no mtp section in its catalog entry)", m.name);
    if (sp.method == SpecMethod::DraftModel && !sp.draft_model) return "method draft_model needs a draft_model";
  }
  return std::nullopt;
}

PerfModelRegistry& PerfModelRegistry::instance() {
  // Built-in models are added here rather than by static initialisers, which a static library
  // would drop when nothing else references their object file.
  static PerfModelRegistry r = [] {
    PerfModelRegistry reg;
    reg.add("roofline", [](const ReplicaSetup& s) { return std::make_unique<RooflineModel>(s); });
    reg.add("profile_table", [](const ReplicaSetup& s) { return std::make_unique<ProfileTableModel>(s); });
    return reg;
  }();
  return r;
}

void PerfModelRegistry::add(const std::string& name, PerfModelFactory factory) { factories_[name] = std::move(factory); }

std::unique_ptr<PerfModel> PerfModelRegistry::create(const std::string& name, const ReplicaSetup& setup) const {
  const auto it = factories_.find(name);
  if (it == factories_.end()) throw std::invalid_argument("no performance model named '" + name + "'");
  return it->second(setup);
}

std::vector<std::string> PerfModelRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [n, f] : factories_) out.push_back(n);
  return out;
}

}  // namespace tokenfab
