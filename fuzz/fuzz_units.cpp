// Units parser: parse_quantity for every Dimension. The first byte picks the dimension, the rest
// is the text. A result must be finite and non-negative (the parser's contract), and rendering
// it back must not throw.
#include <cmath>

#include "fuzz/fuzz_support.hpp"
#include "models/core/units.hpp"

using namespace tokenfab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto dim = static_cast<Dimension>(data[0] % 5);
  const std::string text = fuzz::text_of(data + 1, size - 1);
  try {
    const double v = parse_quantity(text, dim);
    if (!std::isfinite(v) || v < 0) fuzz::finding("parse_quantity returned a value outside [0, inf)", text);
    if (format_quantity(v, dim).empty()) fuzz::finding("format_quantity returned nothing", text);
  } catch (const UnitError& e) {
    if (e.expected().empty()) fuzz::finding("UnitError without an expected form", text);
  }
  return 0;
}
