// The quickstart's summary against the stored golden file. To regenerate after an intended
// change (see tests/golden/README.md):
//   ./build/tokenfab run -q scenarios/quickstart.yaml -o /tmp/qs && cp /tmp/qs/summary.json tests/golden/quickstart.summary.json
#include <gtest/gtest.h>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

TEST(Golden, QuickstartSummary) {
  const std::string dir = test::temp_dir("golden");
  const auto r = test::run_cli("run -q scenarios/quickstart.yaml -o " + dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string expected = test::read_file(test::source_path("tests/golden/quickstart.summary.json"));
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(test::read_file(dir + "/summary.json"), expected)
      << "quickstart summary changed; if intended, regenerate (tests/golden/README.md)";
  // The table on stdout carries the headline figures.
  EXPECT_NE(r.out.find("output tokens/s"), std::string::npos);
  EXPECT_NE(r.out.find("TTFT"), std::string::npos);
}

}  // namespace
}  // namespace tokenfab
