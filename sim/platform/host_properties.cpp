#include "sim/platform/host_properties.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "models/core/config_error.hpp"

namespace tokenfab {
namespace {

std::string prop(const HostPropertyMap& props, const char* key) {
  const auto it = props.find(key);
  return it == props.end() ? std::string() : it->second;
}

[[noreturn]] void host_error(const std::string& file, const std::string& host, const std::string& key,
                             const std::string& problem, const std::string& expected) {
  throw ConfigError({file, 0, 0}, fmt::format("host '{}': {}", host, key), problem, expected);
}

}  // namespace

HostProperties read_host_properties(const std::string& file, const std::string& host, const HostPropertyMap& props) {
  HostProperties out;
  const std::string role = prop(props, "tokenfab:role");
  if (role.empty()) return out;  // hosts without a role (e.g. switches written as hosts) are ignored
  if (role == "frontend") {
    out.role = HostProperties::Role::Frontend;
    return out;
  }
  if (role != "gpu") {
    out.role = HostProperties::Role::Other;
    return out;
  }
  out.role = HostProperties::Role::Gpu;
  out.device = prop(props, "tokenfab:device");
  out.domain = prop(props, "tokenfab:domain");
  out.rack = prop(props, "tokenfab:rack");
  if (out.device.empty())
    host_error(file, host, "tokenfab:device", "missing property", "the hardware catalog name of the GPU, e.g. h100-sxm");
  if (out.domain.empty())
    host_error(file, host, "tokenfab:domain", "missing property", "the id of the GPU's NVLink domain, e.g. nvl0");
  if (const std::string idx = prop(props, "tokenfab:index"); !idx.empty()) {
    try {
      std::size_t used = 0;
      out.index = std::stol(idx, &used);
      if (used != idx.size() || out.index < 0) throw std::invalid_argument(idx);
    } catch (const std::exception&) {
      host_error(file, host, "tokenfab:index", fmt::format("'{}' is not a non-negative integer", idx),
                 "the GPU's position in its domain");
    }
  }
  return out;
}

}  // namespace tokenfab
