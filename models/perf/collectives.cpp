#include "models/perf/collectives.hpp"

#include <algorithm>
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

double hierarchical_all_to_all_time(double bytes, int p, int local, double bw_local, double lat_local,
                                    double bw_remote, double lat_remote) {
  if (local >= p) return all_to_all_time(bytes, p, bw_local, lat_local);
  if (p <= 1) return 0;
  local = std::max(local, 1);
  const double in_domain =
      local > 1 ? std::ceil(std::log2(static_cast<double>(local))) * lat_local + (local - 1.0) / p * bytes / bw_local : 0;
  const double domains = std::ceil(static_cast<double>(p) / local);
  const double across =
      std::ceil(std::log2(domains)) * lat_remote + static_cast<double>(p - local) / p * bytes / bw_remote;
  return std::max(in_domain, across);
}

double p2p_time(double bytes, double bw, double lat) { return lat + bytes / bw; }

}  // namespace tokenfab
