#include "sim/serving/placement.hpp"

#include <fmt/format.h>

namespace tokenfab {

std::vector<std::vector<std::vector<GpuHost>>> place_pools(const PlatformView& platform,
                                                           const std::vector<PoolRequest>& pools,
                                                           bool allow_cross_domain, const std::string& file) {
  std::vector<bool> used(platform.gpus.size(), false);
  std::vector<std::vector<std::vector<GpuHost>>> out;
  for (const auto& pool : pools) {
    auto fits = [&](std::size_t i) {
      return !used[i] && (pool.device.empty() || platform.gpus[i].device == pool.device);
    };
    std::vector<std::vector<GpuHost>> replicas;
    if (allow_cross_domain) {
      std::vector<std::size_t> free;
      for (std::size_t i = 0; i < platform.gpus.size(); ++i)
        if (fits(i)) free.push_back(i);
      for (std::size_t k = 0; k + pool.tp <= free.size() && static_cast<int>(replicas.size()) < pool.replicas;
           k += pool.tp) {
        std::vector<GpuHost> r;
        for (int j = 0; j < pool.tp; ++j) {
          used[free[k + j]] = true;
          r.push_back(platform.gpus[free[k + j]]);
        }
        replicas.push_back(std::move(r));
      }
    } else {
      // Runs of free matching GPUs inside each domain (GPUs are ordered by domain).
      std::size_t i = 0;
      while (i < platform.gpus.size() && static_cast<int>(replicas.size()) < pool.replicas) {
        std::size_t j = i;
        std::vector<std::size_t> run;
        while (j < platform.gpus.size() && platform.gpus[j].domain == platform.gpus[i].domain) {
          if (fits(j)) run.push_back(j);
          ++j;
        }
        for (std::size_t k = 0; k + pool.tp <= run.size() && static_cast<int>(replicas.size()) < pool.replicas;
             k += pool.tp) {
          std::vector<GpuHost> r;
          for (int m = 0; m < pool.tp; ++m) {
            used[run[k + m]] = true;
            r.push_back(platform.gpus[run[k + m]]);
          }
          replicas.push_back(std::move(r));
        }
        i = j;
      }
    }
    if (static_cast<int>(replicas.size()) < pool.replicas) {
      // Free matching devices per domain, for the message.
      std::string sizes;
      std::string domain;
      int count = 0;
      auto flush = [&] {
        if (!domain.empty()) sizes += fmt::format("{}{}={}", sizes.empty() ? "" : ", ", domain, count);
      };
      for (std::size_t i = 0; i < platform.gpus.size(); ++i) {
        if (platform.gpus[i].domain != domain) {
          flush();
          domain = platform.gpus[i].domain;
          count = 0;
        }
        count += fits(i) ? 1 : 0;
      }
      flush();
      throw ConfigError({file, 0, 0}, pool.key,
                        fmt::format("{} replicas of tp {}{} do not fit: {} placed; free devices per NVLink domain: {}",
                                    pool.replicas, pool.tp, pool.device.empty() ? "" : " on " + pool.device,
                                    replicas.size(), sizes.empty() ? "none" : sizes),
                        allow_cross_domain ? "fewer replicas or a smaller tp"
                                           : "fewer replicas, a smaller tp, or allow_cross_domain: true");
    }
    out.push_back(std::move(replicas));
  }
  return out;
}

}  // namespace tokenfab
