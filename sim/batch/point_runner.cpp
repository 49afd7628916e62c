#include "sim/batch/point_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>

namespace tokenfab::batch {
namespace {

volatile sig_atomic_t g_stop = 0;

void on_stop_signal(int) { g_stop = 1; }

// Installs the stop handlers for the duration of a batch and restores the previous ones.
class StopSignals {
 public:
  StopSignals() {
    g_stop = 0;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// Only async-signal-safe calls between fork and exec.
[[noreturn]] void exec_child(const std::vector<char*>& argv, const std::string& out_log,
                             const std::string& err_log, pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
  const int in = open("/dev/null", O_RDONLY);
  const int out = open(out_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err = open(err_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || out < 0 || err < 0) _exit(126);
  dup2(in, STDIN_FILENO);
  dup2(out, STDOUT_FILENO);
  dup2(err, STDERR_FILENO);
  execv(argv[0], argv.data());
  const char msg[] = "error: cannot start the tokenfab binary for this point\n";
  const ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
  (void)ignored;
  _exit(127);
}

// A point whose process was told to stop (Ctrl-C reaches the whole process group; a scheduler
// sends SIGTERM) did not fail: it is not reported, so a resume runs it again. A crash (SIGSEGV,
// SIGABRT) or the OOM killer (SIGKILL) is a failure like any other.
bool stopped_by_request(int status) {
  if (!WIFSIGNALED(status)) return false;
  const int sig = WTERMSIG(status);
  return sig == SIGINT || sig == SIGTERM || sig == SIGHUP;
}

ChildExit decode(int status) {
  if (WIFSIGNALED(status)) return {0, WTERMSIG(status)};
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 1, 0};
}

}  // namespace

std::string self_executable() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("/proc/self/exe") : p.string();
}

bool run_processes(const std::vector<ProcessJob>& jobs, int parallel,
                   const std::function<void(std::size_t, const ChildExit&)>& on_done, const std::function<void()>& idle) {
  const StopSignals signals;
  const pid_t self = getpid();
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0;
  auto last_idle = std::chrono::steady_clock::now();
  while (!g_stop && (next < jobs.size() || !running.empty())) {
    while (!g_stop && next < jobs.size() && static_cast<int>(running.size()) < std::max(1, parallel)) {
      const ProcessJob& job = jobs[next];
      // Everything the child needs is built before fork.
      std::vector<std::string> args = job.argv;
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      const std::string out_log = job.dir + "/stdout.log", err_log = job.dir + "/stderr.log";
      const pid_t pid = fork();
      if (pid == 0) exec_child(argv, out_log, err_log, self);
      if (pid < 0) {
        on_done(next, ChildExit{126, 0});  // could not fork: recorded as a failed point
      } else {
        running.emplace(pid, next);
      }
      ++next;
    }
    bool reaped = false;
    for (auto it = running.begin(); it != running.end();) {
      int status = 0;
      const pid_t r = waitpid(it->first, &status, WNOHANG);
      if (r == it->first) {
        const std::size_t i = it->second;
        it = running.erase(it);
        if (!stopped_by_request(status)) on_done(i, decode(status));
        reaped = true;
      } else {
        ++it;
      }
    }
    if (!reaped && !running.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto now = std::chrono::steady_clock::now();
    if (now - last_idle >= std::chrono::milliseconds(50)) {
      idle();
      last_idle = now;
    }
  }
  if (!g_stop) return true;
  for (const auto& [pid, i] : running) kill(pid, SIGTERM);
  for (const auto& [pid, i] : running) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    // A point that ended on its own before the signal reached it is a result like any other.
    if (!stopped_by_request(status)) on_done(i, decode(status));
  }
  return false;
}

}  // namespace tokenfab::batch
