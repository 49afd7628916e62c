#include "sim/engine/progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace tokenfab {

Progress::Progress(bool enabled, std::chrono::milliseconds log_interval)
    : enabled_(enabled),
      tty_(enabled && isatty(STDERR_FILENO)),
      log_interval_(log_interval),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void Progress::maybe_print(double sim_time, std::uint64_t done, std::uint64_t arrived) {
  const auto now = std::chrono::steady_clock::now();
  if (tty_ ? now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(250)
           : now - last_ < log_interval_)
    return;
  last_ = now;
  const double wall = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "%s[tokenfab] simulated %.1f s | %llu/%llu requests done | wall %.1f s%s", tty_ ? "\r" : "",
               sim_time, static_cast<unsigned long long>(done), static_cast<unsigned long long>(arrived), wall,
               tty_ ? "   " : "\n");
  std::fflush(stderr);
  printed_ = tty_;
}

void Progress::finish() {
  if (printed_) {
    std::fprintf(stderr, "\r%80s\r", "");
    std::fflush(stderr);
  }
}

}  // namespace tokenfab
