#include "sim/workload/timestamp.hpp"

#include <cmath>

#include <fmt/format.h>

namespace tokenfab {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

std::optional<DateTime> fail(std::string* why, const char* reason) {
  if (why) *why = reason;
  return std::nullopt;
}

}  // namespace

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  // Whole years since 1970 at 365 days, plus the leap days in the years before y, plus the days
  // of the months before m (with this year's leap day once past February).
  static const unsigned before_month[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  auto leap_days_before = [](std::int64_t year) {  // leap years in [1, year)
    const std::int64_t p = year - 1;
    return p / 4 - p / 100 + p / 400;
  };
  return 365 * (y - 1970) + (leap_days_before(y) - leap_days_before(1970)) + before_month[m - 1] +
         (m > 2 && leap(y) ? 1 : 0) + (d - 1);
}

std::optional<DateTime> parse_datetime(std::string_view s, std::string* why) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
      !digits(s, 8, 2, day) || (s[10] != ' ' && s[10] != 'T') || !digits(s, 11, 2, hour) || s[13] != ':' ||
      !digits(s, 14, 2, minute) || s[16] != ':' || !digits(s, 17, 2, second))
    return fail(why, "not a date-time YYYY-MM-DD HH:MM:SS[.fraction][offset]");
  if (year < 1 || month < 1 || month > 12 || day < 1 || static_cast<unsigned>(day) > days_in_month(year, static_cast<unsigned>(month)))
    return fail(why, "no such date");
  if (hour > 23 || minute > 59 || second > 60) return fail(why, "no such time of day");
  std::size_t pos = 19;
  double fraction = 0;
  if (pos < s.size() && s[pos] == '.') {
    double scale = 0.1;
    std::size_t n = 0;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++n) {
      fraction += (s[pos] - '0') * scale;
      scale /= 10;
    }
    if (n == 0) return fail(why, "no digits after the decimal point");
  }
  std::int64_t offset = 0;  // seconds east of UTC
  if (pos < s.size()) {
    const char sign = s[pos];
    int oh = 0, om = 0;
    if (sign == 'Z' && pos + 1 == s.size()) {
      pos += 1;
    } else if ((sign == '+' || sign == '-') && digits(s, pos + 1, 2, oh)) {
      std::size_t p = pos + 3;
      if (p < s.size() && s[p] == ':') ++p;
      if (!digits(s, p, 2, om) || p + 2 != s.size() || oh > 23 || om > 59) return fail(why, "malformed UTC offset");
      offset = (sign == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      pos = s.size();
    } else {
      return fail(why, "unexpected text after the time");
    }
  }
  DateTime t;
  t.seconds = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
              hour * 3600 + minute * 60 + second - offset;
  t.fraction = fraction;
  return t;
}

std::string format_datetime(const DateTime& t) {
  // Whole seconds plus a fraction rounded to 100 ns; a fraction that rounds up carries over.
  std::int64_t secs = t.seconds;
  auto ticks = static_cast<std::int64_t>(std::llround(t.fraction * 1e7));
  if (ticks >= 10'000'000) {
    secs += 1;
    ticks -= 10'000'000;
  }
  std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  const std::int64_t rem = secs - days * 86400;
  // Year and month by stepping from an estimate; dates in traces are near 1970 + 50 years.
  std::int64_t y = 1970 + days / 366;
  while (days_from_civil(y + 1, 1, 1) <= days) ++y;
  while (days_from_civil(y, 1, 1) > days) --y;
  unsigned m = 12;
  while (days_from_civil(y, m, 1) > days) --m;
  const auto d = static_cast<unsigned>(days - days_from_civil(y, m, 1) + 1);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:07}", y, m, d, rem / 3600, rem % 3600 / 60, rem % 60, ticks);
}

}  // namespace tokenfab
