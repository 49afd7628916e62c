// A one-line progress report on stderr for runs longer than a second; silent when stderr is not a
// terminal (logs, CI) or when disabled.
#pragma once

#include <chrono>
#include <cstdint>

namespace tokenfab {

class Progress {
 public:
  explicit Progress(bool enabled);
  // Cheap to call on every iteration: looks at the wall clock every 1024 calls.
  void tick(double sim_time, std::uint64_t done, std::uint64_t arrived) {
    if (enabled_ && (++calls_ & 1023) == 0) maybe_print(sim_time, done, arrived);
  }
  // Clears the line at the end.
  void finish();

 private:
  void maybe_print(double sim_time, std::uint64_t done, std::uint64_t arrived);
  bool enabled_;
  bool printed_ = false;
  std::uint64_t calls_ = 0;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace tokenfab
