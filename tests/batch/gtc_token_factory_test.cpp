// scenarios/gtc-token-factory/: the sweep that sets the keynote's platforms side by side expands
// to one valid point per platform (docs/token-factory.md runs it; a full run takes seconds, too
// long for the suite).
#include <gtest/gtest.h>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

TEST(GtcTokenFactory, SweepExpandsToOneValidPointPerPlatform) {
  const auto base = test::run_cli("validate " + test::source_path("scenarios/gtc-token-factory/base.yaml"));
  EXPECT_EQ(base.exit_code, 0) << base.err;
  const auto r = test::run_cli("sweep --dry-run " + test::source_path("scenarios/gtc-token-factory/sweep.yaml"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("4 point(s)"), std::string::npos) << r.out;
  for (const char* platform : {"hgx-h100.xml", "gb200-nvl72.xml", "vr-nvl144.xml", "gtc-rubin-groq.xml"})
    EXPECT_NE(r.out.find(platform), std::string::npos) << platform << "\n" << r.out;
}

}  // namespace
}  // namespace tokenfab
