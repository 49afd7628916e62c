// Numbers in report.html: written out below 10,000, then in k (thousands), M, G, T with three
// significant digits.
#include <gtest/gtest.h>

#include "sim/report/html_page.hpp"

namespace tokenfab {
namespace {

TEST(HumanNumber, ThousandsMillionsAndBillions) {
  EXPECT_EQ(human_number(0.0), "0");
  EXPECT_EQ(human_number(12.5), "12.5");
  EXPECT_EQ(human_number(9999.0), "9999");
  EXPECT_EQ(human_number(12345.0), "12.3 k");
  EXPECT_EQ(human_number(440352.0), "440 k");
  EXPECT_EQ(human_number(-90807.0), "-90.8 k");
  EXPECT_EQ(human_number(999999.0), "1 M");  // rounding carries into the next prefix
  EXPECT_EQ(human_number(2.36e9), "2.36 G");
  EXPECT_EQ(human_number(std::optional<double>()), "n/a");
}

}  // namespace
}  // namespace tokenfab
