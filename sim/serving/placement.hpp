// Which GPUs each replica of each pool gets: `tp` free devices inside one NVLink domain (unless
// spanning domains is allowed), optionally only devices of one catalog name, pools in order.
#pragma once

#include <string>
#include <vector>

#include "sim/platform/platform.hpp"

namespace tokenfab {

struct PoolRequest {
  std::string name;    // "replicas" (unified), "prefill", "decode": for messages
  std::string key;     // YAML path of the pool, for messages
  int replicas = 1;
  int tp = 1;
  std::string device;  // "" = any
};

// One vector of replicas (each a vector of GPUs) per requested pool. Throws ConfigError naming
// the pool and the NVLink domain sizes when the platform cannot hold them.
std::vector<std::vector<std::vector<GpuHost>>> place_pools(const PlatformView& platform,
                                                           const std::vector<PoolRequest>& pools,
                                                           bool allow_cross_domain, const std::string& scenario_file);

}  // namespace tokenfab
