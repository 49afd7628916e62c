#include "sim/engine/progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace tokenfab {

Progress::Progress(bool enabled)
    : enabled_(enabled && isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::maybe_print(double sim_time, std::uint64_t done, std::uint64_t arrived) {
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  const double wall = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "\r[tokenfab] simulated %.1f s | %llu/%llu requests done | wall %.1f s   ", sim_time,
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(arrived), wall);
  std::fflush(stderr);
  printed_ = true;
}

void Progress::finish() {
  if (printed_) {
    std::fprintf(stderr, "\r%80s\r", "");
    std::fflush(stderr);
  }
}

}  // namespace tokenfab
