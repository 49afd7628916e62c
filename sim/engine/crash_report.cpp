#include "sim/engine/crash_report.hpp"

#include <csignal>
#include <cstring>
#include <unistd.h>

namespace tokenfab {
namespace {

struct sigaction previous_segv;
struct sigaction previous_bus;

// Only async-signal-safe calls here: write(2), sigaction, raise.
void on_crash(int sig, siginfo_t* info, void* context) {
  static const char kMessage[] =
      "tokenfab: the simulation engine crashed (a bug, not bad input). One known cause: SimGrid 3.32's "
      "bandwidth-sharing solver fails a rounding check of its own on very large fabrics (a 64-rack Kyber pod "
      "after 0.25 simulated s); --sg-cfg maxmin/precision:1e-4 avoids it there (docs/errors.md). Otherwise "
      "please report it with the scenario.\n";
  [[maybe_unused]] const ssize_t written = write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  const struct sigaction& previous = sig == SIGBUS ? previous_bus : previous_segv;
  if ((previous.sa_flags & SA_SIGINFO) != 0 && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(sig, info, context);
  } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(sig);
  }
  // Whatever the previous handler did, the process ends with the signal.
  signal(sig, SIG_DFL);
  raise(sig);
}

}  // namespace

void install_crash_report() {
#if defined(__SANITIZE_ADDRESS__)
  return;  // AddressSanitizer's own report of a crash says more (make test-sanitize)
#endif
  // Once per process: a second install would save this handler as the one to chain to.
  static bool installed = false;
  if (installed) return;
  installed = true;
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_sigaction = on_crash;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;  // SimGrid sets up an alternate stack for stack overflows
  sigemptyset(&action.sa_mask);
  sigaction(SIGSEGV, &action, &previous_segv);
  sigaction(SIGBUS, &action, &previous_bus);
}

}  // namespace tokenfab
