// Progress on stderr for long runs: on a terminal one line rewritten in place (after the first
// second); in a log (CI, batch jobs) a full line every minute of wall time, so that an hour-long
// run shows it is alive without filling the log; nothing when disabled (-q, --no-progress).
#pragma once

#include <chrono>
#include <cstdint>

namespace tokenfab {

class Progress {
 public:
  // `log_interval`: how often a line is written when stderr is not a terminal.
  explicit Progress(bool enabled, std::chrono::milliseconds log_interval = std::chrono::seconds(60));
  // Cheap to call on every iteration: looks at the wall clock every 1024 calls.
  void tick(double sim_time, std::uint64_t done, std::uint64_t arrived) {
    if (enabled_ && (++calls_ & 1023) == 0) maybe_print(sim_time, done, arrived);
  }
  // Clears the line at the end.
  void finish();

 private:
  void maybe_print(double sim_time, std::uint64_t done, std::uint64_t arrived);
  bool enabled_;
  bool tty_;
  std::chrono::milliseconds log_interval_;
  bool printed_ = false;
  std::uint64_t calls_ = 0;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace tokenfab
