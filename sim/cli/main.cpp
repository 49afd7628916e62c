// tokenfab command line: subcommands register themselves (cmd_*.cpp). Config errors are caught
// here once: one line on stderr, exit code 2.
#include <iostream>

#include "models/core/config_error.hpp"
#include "sim/cli/commands.hpp"
#include "sim/metrics/invariants.hpp"

int main(int argc, char** argv) {
  using namespace tokenfab::cli;
  CLI::App app{"tokenfab: a discrete-event simulator of AI token factories (SimGrid)"};
  app.require_subcommand(1);
  std::vector<std::function<int()>> actions;
  for (const auto& c : registry()) actions.push_back(c.setup(app));
  CLI11_PARSE(app, argc, argv);
  try {
    for (const auto& action : actions) {
      const int rc = action();
      if (rc >= 0) return rc;
    }
    return kExitInternal;
  } catch (const tokenfab::ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitConfig;
  } catch (const tokenfab::InvariantViolation& e) {
    std::cerr << "internal error: " << e.what() << " (a tokenfab bug: please report it with the scenario)\n";
    return kExitInvariant;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
