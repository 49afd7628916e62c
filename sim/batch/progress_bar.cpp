#include "sim/batch/progress_bar.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace tokenfab::batch {
namespace {

std::string duration(double s) {
  if (s < 60) return fmt::format("{:.1f}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return fmt::format("{}h{:02}m", static_cast<int>(s) / 3600, (static_cast<int>(s) % 3600) / 60);
}

}  // namespace

ProgressBar::Mode ProgressBar::choose(bool quiet) {
  if (quiet) return Mode::Quiet;
  return isatty(STDERR_FILENO) ? Mode::Bar : Mode::Lines;
}

ProgressBar::ProgressBar(std::ostream& out, Mode mode, std::size_t total)
    : out_(out), mode_(mode), total_(total), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

void ProgressBar::point_done(const std::string& id, const std::string& label, bool ok, const std::string& error) {
  ++done_;
  failed_ += ok ? 0 : 1;
  if (mode_ == Mode::Lines) {
    fmt::print(out_, "[{}/{}] {} {}{}{}\n", done_, total_, id, ok ? "ok" : "FAILED", label.empty() || label == id ? "" : " " + label,
               ok ? "" : ": " + error);
    out_.flush();
  } else if (mode_ == Mode::Bar) {
    if (!ok) {
      fmt::print(out_, "\r\033[K{} failed ({}): {}\n", id, label, error);
      drawn_ = false;
    }
    draw();
  }
}

void ProgressBar::redraw() {
  if (mode_ != Mode::Bar) return;
  if (std::chrono::steady_clock::now() - last_draw_ < std::chrono::milliseconds(200)) return;
  draw();
}

void ProgressBar::draw() {
  last_draw_ = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(last_draw_ - start_).count();
  constexpr std::size_t kWidth = 30;
  const std::size_t filled = total_ ? done_ * kWidth / total_ : kWidth;
  const std::string eta = done_ ? duration(elapsed / static_cast<double>(done_) * static_cast<double>(total_ - done_)) : "?";
  fmt::print(out_, "\r\033[K[{}{}] {}/{} points{} | {} elapsed, ETA {}", std::string(filled, '#'),
             std::string(kWidth - filled, '.'), done_, total_, failed_ ? fmt::format(", {} failed", failed_) : "",
             duration(elapsed), eta);
  out_.flush();
  drawn_ = true;
}

void ProgressBar::finish() {
  if (mode_ == Mode::Bar && drawn_) {
    out_ << "\r\033[K";
    out_.flush();
  }
}

}  // namespace tokenfab::batch
