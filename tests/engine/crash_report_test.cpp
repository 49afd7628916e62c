// A crash inside the engine leaves a line that says so (and names the known SimGrid failure)
// before the process dies of the signal.
#include <csignal>

#include <gtest/gtest.h>

#include "sim/engine/crash_report.hpp"

namespace tokenfab {
namespace {

#if defined(__SANITIZE_ADDRESS__)
#define SKIP_UNDER_ASAN() GTEST_SKIP() << "AddressSanitizer keeps its own crash report (install_crash_report is off)"
#else
#define SKIP_UNDER_ASAN() (void)0
#endif

TEST(CrashReportDeathTest, SegfaultSaysWhatHappenedAndDies) {
  SKIP_UNDER_ASAN();
  EXPECT_EXIT(
      {
        install_crash_report();
        raise(SIGSEGV);
      },
      testing::KilledBySignal(SIGSEGV), "simulation engine crashed.*maxmin/precision:1e-4");
}

TEST(CrashReportDeathTest, BusErrorToo) {
  SKIP_UNDER_ASAN();
  EXPECT_EXIT(
      {
        install_crash_report();
        raise(SIGBUS);
      },
      testing::KilledBySignal(SIGBUS), "simulation engine crashed");
}

}  // namespace
}  // namespace tokenfab
