// A crash inside the engine leaves a line that says so (and names the known SimGrid failure)
// before the process dies of the signal.
#include <csignal>

#include <gtest/gtest.h>

#include "sim/engine/crash_report.hpp"

namespace tokenfab {
namespace {

TEST(CrashReportDeathTest, SegfaultSaysWhatHappenedAndDies) {
  EXPECT_EXIT(
      {
        install_crash_report();
        raise(SIGSEGV);
      },
      testing::KilledBySignal(SIGSEGV), "simulation engine crashed.*maxmin/precision:1e-4");
}

TEST(CrashReportDeathTest, BusErrorToo) {
  EXPECT_EXIT(
      {
        install_crash_report();
        raise(SIGBUS);
      },
      testing::KilledBySignal(SIGBUS), "simulation engine crashed");
}

}  // namespace
}  // namespace tokenfab
