#include "sim/platform/platform.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include <simgrid/s4u/Link.hpp>

#include "sim/platform/host_properties.hpp"

namespace tokenfab {

bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      std::size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      const std::string na = a.substr(i, ie - i), nb = b.substr(j, je - j);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

PlatformView inspect_platform(const simgrid::s4u::Engine& engine, const std::string& file) {
  PlatformView view;
  view.file = file;
  struct Keyed {
    GpuHost gpu;
    long index;
  };
  std::vector<Keyed> gpus;
  for (auto* h : engine.get_all_hosts()) {
    // The property checks are a pure function (host_properties.hpp), fuzzed without SimGrid.
    const auto* props = h->get_properties();
    const HostProperties p = read_host_properties(file, h->get_name(), props ? *props : HostPropertyMap{});
    if (p.role == HostProperties::Role::Frontend) {
      if (!view.frontend || natural_less(h->get_name(), view.frontend->get_name())) view.frontend = h;
      continue;
    }
    if (p.role != HostProperties::Role::Gpu) continue;
    GpuHost g;
    g.host = h;
    g.device = p.device;
    g.domain = p.domain;
    g.rack = p.rack;
    gpus.push_back({g, p.index});
  }
  if (gpus.empty())
    throw ConfigError({file, 0, 0}, "", "the platform has no GPU hosts",
                      "hosts with <prop id=\"tokenfab:role\" value=\"gpu\"/>");
  std::sort(gpus.begin(), gpus.end(), [](const Keyed& a, const Keyed& b) {
    if (a.gpu.domain != b.gpu.domain) return natural_less(a.gpu.domain, b.gpu.domain);
    if (a.index != b.index) return a.index < b.index;
    return natural_less(a.gpu.host->get_name(), b.gpu.host->get_name());
  });
  for (auto& k : gpus) view.gpus.push_back(k.gpu);
  if (!view.frontend) view.frontend = view.gpus.front().host;
  return view;
}

PathInfo path_between(const simgrid::s4u::Host* a, const simgrid::s4u::Host* b) {
  std::vector<simgrid::s4u::Link*> links;
  double latency = 0;
  a->route_to(b, links, &latency);
  PathInfo p;
  p.latency = latency;
  p.links = static_cast<int>(links.size());
  p.bandwidth = links.empty() ? std::numeric_limits<double>::infinity() : links.front()->get_bandwidth();
  for (const auto* l : links) p.bandwidth = std::min(p.bandwidth, l->get_bandwidth());
  return p;
}

std::vector<std::vector<GpuHost>> place_replicas(const PlatformView& platform, const Scenario& sc) {
  const int tp = sc.deployment.tp;
  const int replicas = sc.deployment.replicas;
  std::vector<std::vector<GpuHost>> out;
  // Group the GPUs by NVLink domain, in order.
  std::vector<std::pair<std::string, std::vector<GpuHost>>> domains;
  for (const auto& g : platform.gpus) {
    if (domains.empty() || domains.back().first != g.domain) domains.push_back({g.domain, {}});
    domains.back().second.push_back(g);
  }
  std::string sizes;
  for (const auto& [d, gs] : domains) sizes += fmt::format("{}{}={}", sizes.empty() ? "" : ", ", d, gs.size());
  const std::size_t needed = static_cast<std::size_t>(tp) * replicas;
  if (needed > platform.gpus.size())
    throw ConfigError({sc.file, 0, 0}, "deployment",
                      fmt::format("{} replicas x tp {} need {} GPUs but the platform has {}", replicas, tp, needed,
                                  platform.gpus.size()),
                      "replicas * tp <= GPUs in the platform");
  if (sc.deployment.allow_cross_domain) {
    for (int r = 0; r < replicas; ++r)
      out.emplace_back(platform.gpus.begin() + r * tp, platform.gpus.begin() + (r + 1) * tp);
    return out;
  }
  for (const auto& [d, gs] : domains) {
    for (std::size_t i = 0; i + tp <= gs.size() && static_cast<int>(out.size()) < replicas; i += tp)
      out.emplace_back(gs.begin() + i, gs.begin() + i + tp);
  }
  if (static_cast<int>(out.size()) < replicas)
    throw ConfigError({sc.file, 0, 0}, "deployment.tp",
                      fmt::format("only {} replicas of tp {} fit inside NVLink domains (domain sizes: {})", out.size(),
                                  tp, sizes),
                      "fewer replicas, a smaller tp, or allow_cross_domain: true");
  return out;
}

}  // namespace tokenfab
