// Platform XML property checks: read_host_properties, the tokenfab:* validation inspect_platform
// applies to every host of a loaded SimGrid platform. SimGrid's own XML parser stops the process
// on malformed XML (xbt_die), so it cannot be fuzzed in process; this target feeds the layer
// above it a host name and a property map. Input: lines "key=value"; the first line is the host
// name; keys without a "tokenfab:" prefix get one half of the time, so that mutations reach the
// checked properties quickly.
#include "fuzz/fuzz_support.hpp"
#include "models/core/config_error.hpp"
#include "sim/platform/host_properties.hpp"

using namespace tokenfab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::text_of(data, size);
  std::string host;
  HostPropertyMap props;
  std::size_t pos = 0;
  bool first = true;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (first) {
      host = line;
      first = false;
      continue;
    }
    const auto eq = line.find('=');
    std::string key = line.substr(0, eq);
    const std::string value = eq == std::string::npos ? std::string() : line.substr(eq + 1);
    if (key.rfind("tokenfab:", 0) != 0 && (key.size() & 1)) key = "tokenfab:" + key;
    props[key] = value;
  }
  try {
    const HostProperties h = read_host_properties("fuzz.xml", host, props);
    if (h.role == HostProperties::Role::Gpu && (h.device.empty() || h.domain.empty() || h.index < -1))
      fuzz::finding("a GPU host passed with a missing device or domain or a negative index", host);
  } catch (const ConfigError& e) {
    // A host name or property value may hold any byte SimGrid accepts; the message must still be
    // one line.
    fuzz::check_message(e);
  }
  return 0;
}
