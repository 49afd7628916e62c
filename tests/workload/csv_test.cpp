#include "sim/workload/csv.hpp"

#include <gtest/gtest.h>

namespace tokenfab {
namespace {

std::vector<std::string> texts(const std::string& line) {
  std::vector<CsvField> f;
  EXPECT_TRUE(split_csv_line(line, f));
  std::vector<std::string> out;
  for (const auto& x : f) out.push_back(x.text);
  return out;
}

TEST(Csv, SplitsTrimsAndKeepsColumns) {
  std::vector<CsvField> f;
  ASSERT_TRUE(split_csv_line("5, ChatGPT ,472,,x\r", f));
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(f[1].text, "ChatGPT");
  EXPECT_EQ(f[1].column, 4);  // 1-based, after the leading space
  EXPECT_EQ(f[3].text, "");
  EXPECT_EQ(f[4].text, "x");  // the trailing \r is not part of the field
}

TEST(Csv, QuotedFieldsHoldCommasAndQuotes) {
  EXPECT_EQ(texts(R"(1,"a, b","say ""hi""",2)"), (std::vector<std::string>{"1", "a, b", "say \"hi\"", "2"}));
  std::vector<CsvField> f;
  EXPECT_FALSE(split_csv_line(R"(1,"open)", f));
}

TEST(Csv, QuoteRoundTrips) {
  for (const std::string s : {"plain", "a, b", "say \"hi\"", " padded "}) {
    EXPECT_EQ(texts("x," + csv_quote(s)).at(1), s) << s;
  }
}

}  // namespace
}  // namespace tokenfab
