#include "models/perf/collectives.hpp"

#include <cmath>

namespace tokenfab {

double ring_all_reduce_time(double bytes, int p, double bw, double lat) {
  if (p <= 1) return 0;
  const double steps = 2.0 * (p - 1);
  return steps * lat + steps / p * bytes / bw;
}

double tree_all_reduce_time(double bytes, int p, double bw, double lat) {
  if (p <= 1) return 0;
  const double depth = std::ceil(std::log2(static_cast<double>(p)));
  return 2.0 * depth * lat + 2.0 * bytes / bw;
}

double all_to_all_time(double bytes, int p, double bw, double lat) {
  if (p <= 1) return 0;
  const double rounds = std::ceil(std::log2(static_cast<double>(p)));
  return rounds * lat + (p - 1.0) / p * bytes / bw;
}

double p2p_time(double bytes, double bw, double lat) { return lat + bytes / bw; }

}  // namespace tokenfab
