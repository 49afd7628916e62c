// Scenario YAML: the whole schema read of load_scenario (every section, defaults, ranges,
// cross-field rules, unknown keys, expectations) on text parsed by YamlNode::load_string.
// A ConfigError is the expected outcome of bad input; anything else is a finding.
#include "fuzz/fuzz_support.hpp"
#include "sim/config/scenario.hpp"

using namespace tokenfab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const YamlNode doc = YamlNode::load_string(fuzz::text_of(data, size), "fuzz.yaml");
    if (!doc.is_map()) doc.fail("not a map", "a map of scenario sections");  // as load_scenario
    const Scenario sc = scenario_schema().read(doc);
    (void)sc;
  } catch (const ConfigError& e) {
    fuzz::check_message(e);
  }
  return 0;
}
