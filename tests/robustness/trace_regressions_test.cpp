// Regressions found by fuzzing the trace readers (fuzz/fuzz_trace.cpp).
#include <gtest/gtest.h>

#include "sim/workload/trace_reader.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

// fuzz_trace_azure: with skip_bad_rows, a row whose date-time parsed but whose other fields were
// bad still fixed the time origin, so a later good row that came before it got a negative time
// (-1.2 s). The origin is now the first good row's time.
TEST(TraceRegressions, RejectedRowDoesNotFixTheDateTimeOrigin) {
  const std::string dir = test::temp_dir("origin");
  const std::string path = test::write_file(dir + "/azure.csv",
                                            "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                            "2023-11-16 18:17:05.2792720,11x4,1\n"  // bad tokens, later time
                                            "2023-11-16 18:17:04.0000000,34,23\n"
                                            "2023-11-16 18:17:04.5000000,10,2\n");
  TraceOpenOptions opt;
  opt.skip_bad_rows = true;
  const auto reader = TraceReader::open(path, opt);
  TraceRow row;
  ASSERT_TRUE(reader->next(row));
  EXPECT_EQ(row.time, 0.0);
  EXPECT_EQ(row.input_tokens, 34);
  ASSERT_TRUE(reader->next(row));
  EXPECT_DOUBLE_EQ(row.time, 0.5);
  EXPECT_FALSE(reader->next(row));
  EXPECT_EQ(reader->bad_rows(), 1u);
}

// fuzz_trace_jsonl: a number that overflows a double (5e571) on the first line made nlohmann
// throw out_of_range, which only parse_error was caught for: "internal error", exit 1. It is now a
// ConfigError; the same number on a later row already was one (the row parser's SAX handler).
TEST(TraceRegressions, NumberOverflowOnTheFirstJsonLineIsAConfigError) {
  const std::string dir = test::temp_dir("json-overflow");
  const std::string first = test::write_file(dir + "/first.jsonl", "{\"ar\": 5e571}\n");
  EXPECT_THROW(
      {
        try {
          (void)TraceReader::open(first, TraceOpenOptions{});
        } catch (const ConfigError& e) {
          EXPECT_NE(std::string(e.what()).find("first.jsonl:1:1: the first line holds a number out of range"),
                    std::string::npos)
              << e.what();
          throw;
        }
      },
      ConfigError);
  const std::string later = test::write_file(
      dir + "/later.jsonl",
      "{\"arrival_time\": 0, \"input_tokens\": 10, \"output_tokens\": 2}\n"
      "{\"arrival_time\": 5e571, \"input_tokens\": 10, \"output_tokens\": 2}\n");
  const auto reader = TraceReader::open(later, TraceOpenOptions{});
  TraceRow row;
  ASSERT_TRUE(reader->next(row));
  EXPECT_THROW((void)reader->next(row), ConfigError);
}

}  // namespace
}  // namespace tokenfab
