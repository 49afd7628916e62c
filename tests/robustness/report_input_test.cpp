// `tokenfab report` reads summary.json files it did not necessarily write (a folder handed over,
// a hand-edited file): a damaged one is a one-line ConfigError, never an internal error.
#include <gtest/gtest.h>

#include "models/core/config_error.hpp"
#include "sim/report/run_files.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

// Same class as the fuzz_trace_jsonl finding: nlohmann reports a number past a double's range
// (5e571) as out_of_range, not parse_error, and only parse_error was caught.
TEST(ReportInput, NumberOutOfRangeInSummaryJsonIsAConfigError) {
  const std::string dir = test::temp_dir("summary-overflow");
  const std::string path = test::write_file(dir + "/summary.json", "{\"requests\": {\"arrived\": 5e571}}\n");
  try {
    (void)read_summary_json(path);
    FAIL() << "the file should be refused";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("summary.json: holds a number out of range"), std::string::npos) << e.what();
  }
}

TEST(ReportInput, SyntaxErrorInSummaryJsonNamesLineAndColumn) {
  const std::string dir = test::temp_dir("summary-syntax");
  const std::string path = test::write_file(dir + "/summary.json", "{\n  \"requests\": [1,\n}\n");
  try {
    (void)read_summary_json(path);
    FAIL() << "the file should be refused";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("summary.json:3:1: not valid JSON"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tokenfab
