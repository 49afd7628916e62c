// Progress in a log (stderr not a terminal): full lines at the log interval, nothing when disabled.
#include <algorithm>
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "sim/engine/progress.hpp"

namespace tokenfab {
namespace {

// Captured stderr is a file, not a terminal: the log form.
std::string run_ticks(bool enabled, std::chrono::milliseconds interval, int ticks) {
  testing::internal::CaptureStderr();
  {
    Progress p(enabled, interval);
    for (int i = 1; i <= ticks; ++i) p.tick(0.5 * i, static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(2 * i));
    p.finish();
  }
  return testing::internal::GetCapturedStderr();
}

TEST(Progress, LogGetsWholeLinesAtTheInterval) {
  // The wall clock is read every 1,024 ticks; with a zero interval each read writes a line.
  const std::string out = run_ticks(true, std::chrono::milliseconds(0), 2048);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2) << out;
  EXPECT_EQ(out.find('\r'), std::string::npos) << "terminal form in a log";
  const std::string first = out.substr(0, out.find('\n'));
  EXPECT_EQ(first.rfind("[tokenfab] simulated 512.0 s | 1024/2048 requests done | wall ", 0), 0u) << first;
  EXPECT_EQ(first.back(), 's') << first;
  EXPECT_NE(out.find("\n[tokenfab] simulated 1024.0 s | 2048/4096 requests done | wall "), std::string::npos) << out;
}

TEST(Progress, LogStaysQuietWithinTheInterval) {
  EXPECT_EQ(run_ticks(true, std::chrono::hours(1), 4096), "");
}

TEST(Progress, DisabledWritesNothing) {
  EXPECT_EQ(run_ticks(false, std::chrono::milliseconds(0), 4096), "");
}

}  // namespace
}  // namespace tokenfab
