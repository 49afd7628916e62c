#include "sim/serving/kv_stream.hpp"

#include <algorithm>

namespace tokenfab {

std::vector<KvGroup> layer_groups(double bytes, int layers, int groups, double start, double end, double compute) {
  layers = std::max(layers, 1);
  groups = std::clamp(groups, 1, layers);
  const double compute_start = std::max(start, end - compute);
  std::vector<KvGroup> out;
  out.reserve(static_cast<std::size_t>(groups));
  int first = 0;
  for (int g = 0; g < groups; ++g) {
    const int last = (g + 1) * layers / groups;  // one past the group's last layer
    KvGroup k;
    k.ready = g + 1 == groups ? end : compute_start + (end - compute_start) * last / layers;
    k.bytes = bytes * (last - first) / layers;
    out.push_back(k);
    first = last;
  }
  return out;
}

double earliest_arrival(const std::vector<KvGroup>& groups, double streams, double latency, double bandwidth) {
  // The bytes of group g and every later one leave no earlier than g is ready.
  double remaining = 0;
  for (const auto& g : groups) remaining += g.bytes;
  double bound = 0;
  for (const auto& g : groups) {
    bound = std::max(bound, g.ready + latency + remaining / streams / bandwidth);
    remaining -= g.bytes;
  }
  return bound;
}

}  // namespace tokenfab
