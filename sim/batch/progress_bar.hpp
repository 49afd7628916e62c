// Progress of a batch on stderr: a bar with ETA redrawn in place on a terminal, one line per
// finished point otherwise (CI logs), nothing when quiet.
#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

namespace tokenfab::batch {

class ProgressBar {
 public:
  enum class Mode { Bar, Lines, Quiet };
  // Bar when `out` is a terminal and not quiet; Lines when not a terminal.
  static Mode choose(bool quiet);

  ProgressBar(std::ostream& out, Mode mode, std::size_t total);
  void point_done(const std::string& id, const std::string& label, bool ok, const std::string& error);
  void redraw();  // cheap; redraws the bar at most 5 times a second
  void finish();  // clears the bar

 private:
  void draw();
  std::ostream& out_;
  Mode mode_;
  std::size_t total_;
  std::size_t done_ = 0, failed_ = 0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace tokenfab::batch
