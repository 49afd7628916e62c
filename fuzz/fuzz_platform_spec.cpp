// Platform YAML spec: parse_platform_spec (the schema and its cross-field rules) and, for specs
// that read and stay small, the whole way to SimGrid XML (build_layout resolves the catalog and
// sizes the fabric; write_platform_xml renders it). Specs above kMaxBuilt accelerators, racks or
// storage drives are only parsed: building a 10^6-GPU layout per input would make every
// execution slow (the robustness tests check the large ones once).
#include "fuzz/fuzz_support.hpp"
#include "sim/platform/layout.hpp"
#include "sim/platform/spec.hpp"
#include "sim/platform/xml_writer.hpp"

using namespace tokenfab;

namespace {
constexpr long long kMaxBuilt = 512;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Catalog catalog;
  try {
    const PlatformSpec spec = parse_platform_spec(fuzz::text_of(data, size), "fuzz-platform.yaml");
    long long accelerators = 0, racks = 0;
    for (const auto& g : spec.racks) {
      accelerators += static_cast<long long>(g.count) * g.per_rack;
      racks += g.count;
    }
    const long long drives = spec.storage ? static_cast<long long>(spec.storage->nodes) * spec.storage->drives_per_node : 0;
    if (accelerators > kMaxBuilt || racks > kMaxBuilt || drives > kMaxBuilt) return 0;
    const PlatformLayout layout = build_layout(spec, catalog);
    if (write_platform_xml(layout).empty()) fuzz::finding("empty platform XML", "");
  } catch (const ConfigError& e) {
    fuzz::check_message(e);
  }
  return 0;
}
