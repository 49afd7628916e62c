// spdlog set-up: every line carries the simulated time and, inside an actor, actor@host.
#pragma once

namespace tokenfab {

// verbosity: -1 quiet (errors only), 0 normal (info), 1 debug, 2 trace.
void setup_logging(int verbosity);

}  // namespace tokenfab
