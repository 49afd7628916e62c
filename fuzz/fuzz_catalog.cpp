// Catalog entries: device_schema (hardware) and llm_schema (models), picked by the first byte.
// An entry that reads must also survive the figures derived from it (parameter counts, KV size,
// peak FLOP/s), which is where bad numbers would turn into undefined behaviour.
#include <cmath>
#include <stdexcept>

#include "fuzz/fuzz_support.hpp"
#include "models/catalog.hpp"

using namespace tokenfab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool llm = data[0] & 1;
  try {
    const YamlNode doc = YamlNode::load_string(fuzz::text_of(data + 1, size - 1), "fuzz-entry.yaml");
    if (llm) {
      const LlmSpec m = llm_schema().read(doc);
      const double figures[] = {m.attention_params_per_layer(), m.dense_ffn_params_per_layer(), m.total_params(),
                                m.kv_elements_per_token_per_layer()};
      for (const double f : figures)
        if (std::isnan(f)) fuzz::finding("NaN derived from an LLM entry that passed the schema", "");
    } else {
      const DeviceSpec d = device_schema().read(doc);
      for (const auto& [name, p] : precision_choices()) {
        if (!d.supports(p)) continue;
        const double peak = d.peak(p);
        if (!std::isfinite(peak) || peak < 0) fuzz::finding("bad peak FLOP/s from a device entry", name);
      }
    }
  } catch (const ConfigError& e) {
    fuzz::check_message(e);
  }
  return 0;
}
