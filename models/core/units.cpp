#include "models/core/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace tokenfab {
namespace {

struct UnitEntry {
  std::string_view symbol;
  double factor;  // SI value of one unit
};

constexpr double kKilo = 1e3, kMega = 1e6, kGiga = 1e9, kTera = 1e12, kPeta = 1e15, kExa = 1e18;
constexpr double kKi = 1024.0, kMi = kKi * 1024, kGi = kMi * 1024, kTi = kGi * 1024, kPi = kTi * 1024;

constexpr std::array kTimeUnits{
    UnitEntry{"ns", 1e-9}, UnitEntry{"us", 1e-6}, UnitEntry{"µs", 1e-6}, UnitEntry{"ms", 1e-3},
    UnitEntry{"s", 1.0},   UnitEntry{"min", 60.0}, UnitEntry{"h", 3600.0}};

constexpr std::array kSizeUnits{
    UnitEntry{"B", 1.0},      UnitEntry{"kB", kKilo},   UnitEntry{"KB", kKilo},
    UnitEntry{"MB", kMega},   UnitEntry{"GB", kGiga},   UnitEntry{"TB", kTera},
    UnitEntry{"PB", kPeta},   UnitEntry{"KiB", kKi},    UnitEntry{"MiB", kMi},
    UnitEntry{"GiB", kGi},    UnitEntry{"TiB", kTi},    UnitEntry{"PiB", kPi}};

constexpr std::array kBandwidthUnits{
    // bytes per second
    UnitEntry{"Bps", 1.0}, UnitEntry{"kBps", kKilo}, UnitEntry{"KBps", kKilo},
    UnitEntry{"MBps", kMega}, UnitEntry{"GBps", kGiga}, UnitEntry{"TBps", kTera},
    UnitEntry{"PBps", kPeta}, UnitEntry{"KiBps", kKi}, UnitEntry{"MiBps", kMi},
    UnitEntry{"GiBps", kGi}, UnitEntry{"TiBps", kTi},
    UnitEntry{"B/s", 1.0}, UnitEntry{"kB/s", kKilo}, UnitEntry{"KB/s", kKilo},
    UnitEntry{"MB/s", kMega}, UnitEntry{"GB/s", kGiga}, UnitEntry{"TB/s", kTera},
    UnitEntry{"PB/s", kPeta},
    // bits per second (divided by 8 into bytes per second)
    UnitEntry{"bps", 1.0 / 8}, UnitEntry{"kbps", kKilo / 8}, UnitEntry{"Kbps", kKilo / 8},
    UnitEntry{"Mbps", kMega / 8}, UnitEntry{"Gbps", kGiga / 8}, UnitEntry{"Tbps", kTera / 8},
    UnitEntry{"b/s", 1.0 / 8}, UnitEntry{"kb/s", kKilo / 8}, UnitEntry{"Mb/s", kMega / 8},
    UnitEntry{"Gb/s", kGiga / 8}, UnitEntry{"Tb/s", kTera / 8}};

constexpr std::array kFlopRateUnits{
    UnitEntry{"FLOPS", 1.0},     UnitEntry{"kFLOPS", kKilo}, UnitEntry{"KFLOPS", kKilo},
    UnitEntry{"MFLOPS", kMega},  UnitEntry{"GFLOPS", kGiga}, UnitEntry{"TFLOPS", kTera},
    UnitEntry{"PFLOPS", kPeta},  UnitEntry{"EFLOPS", kExa},  UnitEntry{"FLOP/s", 1.0},
    UnitEntry{"GFLOP/s", kGiga}, UnitEntry{"TFLOP/s", kTera}, UnitEntry{"PFLOP/s", kPeta},
    UnitEntry{"EFLOP/s", kExa}};

constexpr std::array kPowerUnits{UnitEntry{"mW", 1e-3}, UnitEntry{"W", 1.0}, UnitEntry{"kW", kKilo},
                                 UnitEntry{"MW", kMega}, UnitEntry{"GW", kGiga}};

template <std::size_t N>
bool lookup(const std::array<UnitEntry, N>& table, std::string_view symbol, double& factor) {
  for (const auto& e : table) {
    if (e.symbol == symbol) {
      factor = e.factor;
      return true;
    }
  }
  return false;
}

bool lookup_unit(Dimension dim, std::string_view symbol, double& factor) {
  switch (dim) {
    case Dimension::Time: return lookup(kTimeUnits, symbol, factor);
    case Dimension::Size: return lookup(kSizeUnits, symbol, factor);
    case Dimension::Bandwidth: return lookup(kBandwidthUnits, symbol, factor);
    case Dimension::FlopRate: return lookup(kFlopRateUnits, symbol, factor);
    case Dimension::Power: return lookup(kPowerUnits, symbol, factor);
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string dimension_noun(Dimension dim) {
  switch (dim) {
    case Dimension::Time: return "a time";
    case Dimension::Size: return "a size";
    case Dimension::Bandwidth: return "a bandwidth";
    case Dimension::FlopRate: return "a FLOP rate";
    case Dimension::Power: return "a power";
  }
  return "a quantity";
}

std::string dimension_expected(Dimension dim) {
  switch (dim) {
    case Dimension::Time: return "a time such as 40ms, 2.5s or 1h (units: ns, us, ms, s, min, h)";
    case Dimension::Size: return "a size such as 80GiB or 141GB (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)";
    case Dimension::Bandwidth:
      return "a bandwidth such as 1.8TBps or 400Gbps (bytes: Bps..TBps or B/s; bits: bps..Tbps or Gb/s)";
    case Dimension::FlopRate: return "a FLOP rate such as 2.5PFLOPS or 989TFLOPS";
    case Dimension::Power: return "a power such as 700W or 1.2kW (units: mW, W, kW, MW, GW)";
  }
  return "a quantity";
}

std::string si_unit(Dimension dim) {
  switch (dim) {
    case Dimension::Time: return "s";
    case Dimension::Size: return "B";
    case Dimension::Bandwidth: return "B/s";
    case Dimension::FlopRate: return "FLOP/s";
    case Dimension::Power: return "W";
  }
  return "";
}

double parse_quantity(std::string_view text, Dimension dim) {
  const std::string_view s = trim(text);
  if (s.empty()) throw UnitError("empty value", dimension_expected(dim));
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  if (*begin == '+') ++begin;  // from_chars does not take a leading '+'
  double number = 0;
  auto [ptr, ec] = std::from_chars(begin, end, number);
  if (ec == std::errc::result_out_of_range)
    throw UnitError(fmt::format("'{}' is out of range", s), dimension_expected(dim));
  if (ec != std::errc() || ptr == begin)
    throw UnitError(fmt::format("'{}' does not start with a number", s), dimension_expected(dim));
  if (!std::isfinite(number))
    throw UnitError(fmt::format("'{}' is not a finite number", s), dimension_expected(dim));
  if (number < 0) throw UnitError(fmt::format("'{}' is negative", s), dimension_expected(dim));
  std::string_view symbol(ptr, static_cast<std::size_t>(end - ptr));
  if (!symbol.empty() && symbol.front() == ' ') symbol.remove_prefix(1);
  if (symbol.empty())
    throw UnitError(fmt::format("'{}' has no unit", s), dimension_expected(dim));
  double factor = 0;
  if (!lookup_unit(dim, symbol, factor))
    throw UnitError(fmt::format("unknown unit '{}' in '{}' for {}", symbol, s, dimension_noun(dim)),
                    dimension_expected(dim));
  const double value = number * factor;
  if (!std::isfinite(value)) throw UnitError(fmt::format("'{}' is out of range", s), dimension_expected(dim));
  return value;
}

std::string format_quantity(double v, Dimension dim) {
  if (dim == Dimension::Time) {
    if (v == 0) return "0s";
    if (v < 1e-6) return fmt::format("{:g}ns", v * 1e9);
    if (v < 1e-3) return fmt::format("{:g}us", v * 1e6);
    if (v < 1.0) return fmt::format("{:g}ms", v * 1e3);
    return fmt::format("{:g}s", v);
  }
  static constexpr std::array<std::pair<double, const char*>, 6> prefixes{
      {{kExa, "E"}, {kPeta, "P"}, {kTera, "T"}, {kGiga, "G"}, {kMega, "M"}, {kKilo, "k"}}};
  const std::string unit = si_unit(dim);
  for (const auto& [scale, prefix] : prefixes) {
    if (v >= scale) return fmt::format("{:.4g} {}{}", v / scale, prefix, unit);
  }
  return fmt::format("{:.4g} {}", v, unit);
}

}  // namespace tokenfab
