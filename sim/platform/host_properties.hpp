// The tokenfab:* properties of one SimGrid host, read and checked. A pure function of the host's
// name and property map (SimGrid's Host::get_properties()), so that inspect_platform's checks can
// be tested and fuzzed without a SimGrid engine (fuzz/fuzz_platform_props.cpp).
#pragma once

#include <string>
#include <unordered_map>

namespace tokenfab {

using HostPropertyMap = std::unordered_map<std::string, std::string>;

struct HostProperties {
  enum class Role { None, Frontend, Gpu, Other };
  Role role = Role::None;     // tokenfab:role absent or empty: None; a role tokenfab ignores: Other
  std::string device;         // GPUs: tokenfab:device (hardware catalog name)
  std::string domain;         // GPUs: tokenfab:domain (NVLink domain id)
  std::string rack;           // GPUs: tokenfab:rack (optional)
  long index = -1;            // GPUs: tokenfab:index (position in the domain); -1 when absent
};

// Throws ConfigError naming `file`, the host and the property when a GPU's property is missing or
// malformed (the messages inspect_platform gives).
HostProperties read_host_properties(const std::string& file, const std::string& host, const HostPropertyMap& props);

}  // namespace tokenfab
