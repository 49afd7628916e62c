// What a loaded SimGrid host is to tokenfab, from its tokenfab:* properties (docs/platforms.md):
// small readers shared by the code that walks a platform's hosts during a run.
#pragma once

#include <string>

#include <simgrid/s4u/Host.hpp>

namespace tokenfab {

// A host property, "" when absent.
inline std::string host_prop(const simgrid::s4u::Host* h, const char* key) {
  const char* v = h->get_property(key);
  return v ? v : "";
}

// A host CPU: role cpu, or the frontend (which is one of the CPUs on generated platforms).
inline bool is_cpu_host(const simgrid::s4u::Host* h) {
  const std::string role = host_prop(h, "tokenfab:role");
  return role == "cpu" || role == "frontend";
}

// An accelerator: role gpu (GPUs and LPUs alike) or lpu.
inline bool is_device_host(const simgrid::s4u::Host* h) {
  const std::string role = host_prop(h, "tokenfab:role");
  return role == "gpu" || role == "lpu";
}

}  // namespace tokenfab
