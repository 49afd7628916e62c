// A last word on stderr when a run dies of a crash inside the simulation engine (SIGSEGV, SIGBUS),
// before SimGrid's own report (its handler still runs afterwards: it explains actor stack
// overflows). tokenfab's own errors never get here: they are exceptions with a clear message.
#pragma once

namespace tokenfab {

// Installs the handler; call once the SimGrid engine exists (it installs its handler first).
void install_crash_report();

}  // namespace tokenfab
