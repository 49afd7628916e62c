#include "models/core/units.hpp"

#include <gtest/gtest.h>

namespace tokenfab {
namespace {

TEST(Units, Bandwidth) {
  EXPECT_DOUBLE_EQ(parse_quantity("1.8TBps", Dimension::Bandwidth), 1.8e12);
  EXPECT_DOUBLE_EQ(parse_quantity("400Gbps", Dimension::Bandwidth), 50e9);
  EXPECT_DOUBLE_EQ(parse_quantity("900GB/s", Dimension::Bandwidth), 900e9);
  EXPECT_DOUBLE_EQ(parse_quantity("800Gb/s", Dimension::Bandwidth), 100e9);
  EXPECT_DOUBLE_EQ(parse_quantity("1GiBps", Dimension::Bandwidth), 1073741824.0);
  EXPECT_DOUBLE_EQ(parse_quantity("12 MBps", Dimension::Bandwidth), 12e6);
}

TEST(Units, Size) {
  EXPECT_DOUBLE_EQ(parse_quantity("80GiB", Dimension::Size), 80.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(parse_quantity("141GB", Dimension::Size), 141e9);
  EXPECT_DOUBLE_EQ(parse_quantity("512B", Dimension::Size), 512);
  EXPECT_DOUBLE_EQ(parse_quantity("2TiB", Dimension::Size), 2.0 * 1099511627776.0);
  EXPECT_DOUBLE_EQ(parse_quantity("230MB", Dimension::Size), 230e6);
}

TEST(Units, Time) {
  EXPECT_DOUBLE_EQ(parse_quantity("40ms", Dimension::Time), 0.04);
  EXPECT_DOUBLE_EQ(parse_quantity("2.5s", Dimension::Time), 2.5);
  EXPECT_DOUBLE_EQ(parse_quantity("250us", Dimension::Time), 250e-6);
  EXPECT_DOUBLE_EQ(parse_quantity("10ns", Dimension::Time), 10e-9);
  EXPECT_DOUBLE_EQ(parse_quantity("2min", Dimension::Time), 120);
  EXPECT_DOUBLE_EQ(parse_quantity("1h", Dimension::Time), 3600);
  EXPECT_DOUBLE_EQ(parse_quantity("0s", Dimension::Time), 0);
}

TEST(Units, FlopRate) {
  EXPECT_DOUBLE_EQ(parse_quantity("2.5PFLOPS", Dimension::FlopRate), 2.5e15);
  EXPECT_DOUBLE_EQ(parse_quantity("989.4TFLOPS", Dimension::FlopRate), 989.4e12);
  EXPECT_DOUBLE_EQ(parse_quantity("1EFLOPS", Dimension::FlopRate), 1e18);
  EXPECT_DOUBLE_EQ(parse_quantity("20TFLOP/s", Dimension::FlopRate), 20e12);
}

TEST(Units, Power) {
  EXPECT_DOUBLE_EQ(parse_quantity("700W", Dimension::Power), 700);
  EXPECT_DOUBLE_EQ(parse_quantity("1.2kW", Dimension::Power), 1200);
  EXPECT_DOUBLE_EQ(parse_quantity("1GW", Dimension::Power), 1e9);
  EXPECT_DOUBLE_EQ(parse_quantity("35MW", Dimension::Power), 35e6);
}

// Every malformed form is refused with a message saying what is wrong.
struct Malformed {
  const char* text;
  Dimension dim;
  const char* says;
};

class UnitsMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(UnitsMalformed, IsRefusedWithReason) {
  const Malformed m = GetParam();
  try {
    parse_quantity(m.text, m.dim);
    FAIL() << "accepted '" << m.text << "'";
  } catch (const UnitError& e) {
    EXPECT_NE(std::string(e.what()).find(m.says), std::string::npos) << e.what();
    EXPECT_FALSE(e.expected().empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllForms, UnitsMalformed,
    ::testing::Values(Malformed{"", Dimension::Time, "empty"}, Malformed{"   ", Dimension::Size, "empty"},
                      Malformed{"ms", Dimension::Time, "does not start with a number"},
                      Malformed{"40", Dimension::Time, "has no unit"},
                      Malformed{"40 ", Dimension::Time, "has no unit"},
                      Malformed{"40xs", Dimension::Time, "unknown unit 'xs'"},
                      Malformed{"1.8TBs", Dimension::Bandwidth, "unknown unit 'TBs'"},
                      Malformed{"80GiB", Dimension::Bandwidth, "unknown unit 'GiB'"},
                      Malformed{"400Gbps", Dimension::Size, "unknown unit 'Gbps'"},
                      Malformed{"700w", Dimension::Power, "unknown unit 'w'"},
                      Malformed{"-5ms", Dimension::Time, "negative"},
                      Malformed{"nanW", Dimension::Power, "not a finite number"},
                      Malformed{"1e999W", Dimension::Power, "out of range"},
                      Malformed{"2.5 PFLOPS extra", Dimension::FlopRate, "unknown unit"},
                      Malformed{"1..5s", Dimension::Time, "unknown unit"}),
    [](const ::testing::TestParamInfo<Malformed>& info) { return "form" + std::to_string(info.index); });

TEST(Units, FormatRoundTrips) {
  EXPECT_EQ(format_quantity(3.35e12, Dimension::Bandwidth), "3.35 TB/s");
  EXPECT_EQ(format_quantity(0.04, Dimension::Time), "40ms");
  EXPECT_EQ(format_quantity(700, Dimension::Power), "700 W");
}

}  // namespace
}  // namespace tokenfab
