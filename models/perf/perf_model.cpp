#include "models/perf/perf_model.hpp"

#include "models/perf/roofline.hpp"

#include <cmath>
#include <stdexcept>

namespace tokenfab {

std::string bound_name(Bound b) {
  switch (b) {
    case Bound::Compute: return "compute";
    case Bound::Memory: return "memory";
    case Bound::Network: return "network";
    case Bound::Overhead: return "overhead";
  }
  return "?";
}

PerfModelRegistry& PerfModelRegistry::instance() {
  // Built-in models are added here rather than by static initialisers, which a static library
  // would drop when nothing else references their object file.
  static PerfModelRegistry r = [] {
    PerfModelRegistry reg;
    reg.add("roofline", [](const ReplicaSetup& s) { return std::make_unique<RooflineModel>(s); });
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

// Ring all-reduce: a reduce-scatter then an all-gather, each p-1 steps moving bytes/p per rank.
double ring_all_reduce_time(double bytes, int p, double bw, double lat) {
  if (p <= 1) return 0;
  const double steps = 2.0 * (p - 1);
  return steps * lat + steps / p * bytes / bw;
}

// Tree all-reduce (reduce up a binary tree, broadcast down): 2*ceil(log2 p) steps each moving the
// whole message; the pipelined variant NCCL uses approaches 2*bytes/bw for large messages, which is
// what the bandwidth term takes.
double tree_all_reduce_time(double bytes, int p, double bw, double lat) {
  if (p <= 1) return 0;
  const double depth = std::ceil(std::log2(static_cast<double>(p)));
  return 2.0 * depth * lat + 2.0 * bytes / bw;
}

}  // namespace tokenfab
