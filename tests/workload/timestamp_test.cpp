// Date-times of the Azure traces, against values computed independently (Python's datetime).
#include "sim/workload/timestamp.hpp"

#include <gtest/gtest.h>

namespace tokenfab {
namespace {

TEST(Timestamp, DaysFromCivilMatchesKnownDates) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);   // date(2000,3,1) - date(1970,1,1)
  EXPECT_EQ(days_from_civil(2024, 2, 29), 19782);  // a leap day
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
}

TEST(Timestamp, ParsesAzure2023Form) {
  // datetime(2023,11,16,18,17,3,tzinfo=utc).timestamp() = 1700158623
  const auto t = parse_datetime("2023-11-16 18:17:03.9799600");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->seconds, 1700158623);
  EXPECT_NEAR(t->fraction, 0.97996, 1e-12);
}

TEST(Timestamp, ParsesAzure2024FormWithOffsetAndIsoT) {
  // 2024-05-10 00:00:00.009930+00:00 -> 1715299200.00993
  const auto a = parse_datetime("2024-05-10 00:00:00.009930+00:00");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->seconds, 1715299200);
  EXPECT_NEAR(a->fraction, 0.00993, 1e-12);
  // Offsets move the instant: 02:00+02:00 is midnight UTC; Z and no fraction are accepted.
  EXPECT_EQ(parse_datetime("2024-05-10T02:00:00+02:00")->seconds, 1715299200);
  EXPECT_EQ(parse_datetime("2024-05-10T00:00:00Z")->seconds, 1715299200);
  EXPECT_EQ(parse_datetime("2024-05-09 19:00:00-0500")->seconds, 1715299200);
}

TEST(Timestamp, DifferencesKeepSubMicrosecondPrecision) {
  const auto a = parse_datetime("2023-11-16 18:17:03.9799600");
  const auto b = parse_datetime("2023-11-16 18:17:04.0319600");
  EXPECT_NEAR(b->since(*a), 0.052, 1e-9);
}

TEST(Timestamp, RefusesMalformedText) {
  std::string why;
  EXPECT_FALSE(parse_datetime("2023-13-01 00:00:00", &why));
  EXPECT_EQ(why, "no such date");
  EXPECT_FALSE(parse_datetime("2023-02-29 00:00:00"));  // not a leap year
  EXPECT_FALSE(parse_datetime("2023-11-16"));
  EXPECT_FALSE(parse_datetime("2023-11-16 18:17:03."));
  EXPECT_FALSE(parse_datetime("2023-11-16 18:17:03 UTC"));
  EXPECT_FALSE(parse_datetime("1700158623"));
}

TEST(Timestamp, FormatRoundTrips) {
  const DateTime t{1704067200 + 3661, 0.1234567};  // 2024-01-01 01:01:01.1234567
  EXPECT_EQ(format_datetime(t), "2024-01-01 01:01:01.1234567");
  const auto back = parse_datetime(format_datetime(t));
  EXPECT_EQ(back->seconds, t.seconds);
  EXPECT_NEAR(back->fraction, t.fraction, 1e-9);
  // A fraction that rounds up to a whole second carries into the seconds.
  EXPECT_EQ(format_datetime({1704067200, 0.99999999}), "2024-01-01 00:00:01.0000000");
}

}  // namespace
}  // namespace tokenfab
