// Physical quantities written as unit strings in YAML ("1.8TBps", "400Gbps", "80GiB", "40ms",
// "2.5PFLOPS", "700W") and their SI values (s, B, B/s, FLOP/s, W) used everywhere inside.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace tokenfab {

enum class Dimension { Time, Size, Bandwidth, FlopRate, Power };

// A malformed quantity. The message says what is wrong; expected() lists accepted forms.
class UnitError : public std::runtime_error {
 public:
  UnitError(const std::string& what, std::string expected)
      : std::runtime_error(what), expected_(std::move(expected)) {}
  const std::string& expected() const { return expected_; }

 private:
  std::string expected_;
};

// Parses "<number><unit>" (one optional space between) into SI units. Units are case-sensitive
// where case carries meaning: "Gbps" is gigabits/s, "GBps" gigabytes/s. Decimal prefixes are
// powers of 1000, binary ones (KiB, MiB, GiB, TiB) powers of 1024. Negative, NaN and infinite
// values are refused; zero is accepted (range checks belong to the parameter).
double parse_quantity(std::string_view text, Dimension dim);

// "a bandwidth", "a size", ... for messages.
std::string dimension_noun(Dimension dim);
// Examples of accepted forms, e.g. "a bandwidth such as 1.8TBps or 400Gbps".
std::string dimension_expected(Dimension dim);
// The SI unit symbol ("s", "B", "B/s", "FLOP/s", "W").
std::string si_unit(Dimension dim);

// Human-readable rendering with a decimal prefix, e.g. 3.35e12 B/s -> "3.35 TB/s".
std::string format_quantity(double value_si, Dimension dim);

}  // namespace tokenfab
