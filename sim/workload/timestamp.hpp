// Calendar date-times in traces ("2023-11-16 18:17:03.9799600", "2024-05-10 00:00:00.009930+00:00")
// to seconds, without the C library's time zone state (so that results never depend on TZ).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tokenfab {

// A point in time split into whole seconds since 1970-01-01T00:00:00Z and a fraction in [0, 1),
// so that differences keep sub-microsecond precision over decades.
struct DateTime {
  std::int64_t seconds = 0;
  double fraction = 0;
  // Seconds from `origin` to this point.
  double since(const DateTime& origin) const {
    return static_cast<double>(seconds - origin.seconds) + (fraction - origin.fraction);
  }
};

// Days from 1970-01-01 to the proleptic Gregorian date y-m-d.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);

// Parses YYYY-MM-DD[ T]HH:MM:SS[.fraction][Z|+HH:MM|-HH:MM|+HHMM]; a time without an offset is
// taken as UTC. Returns nullopt (and a reason in *why) when the text is not such a date-time.
std::optional<DateTime> parse_datetime(std::string_view text, std::string* why = nullptr);

// "YYYY-MM-DD HH:MM:SS.fffffff" (UTC, 7 fractional digits, as the Azure 2023 traces write it).
std::string format_datetime(const DateTime& t);

}  // namespace tokenfab
