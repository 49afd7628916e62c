// tokenfab help [SECTION]: parameter reference derived from the declared schemas.
#include <iostream>

#include "sim/cli/commands.hpp"
#include "sim/config/scenario.hpp"

namespace tokenfab::cli {
namespace {

struct HelpArgs {
  std::string section;
  bool all = false;
};

int help_command(const HelpArgs& a) {
  const auto& root = scenario_schema();
  const SchemaDoc* doc = find_section(root, a.section);
  if (!doc) {
    std::cerr << "error: tokenfab help: no section '" << a.section << "' (expected one of:";
    for (const auto& p : root.params())
      if (p.nested || !p.alternatives.empty()) std::cerr << " " << p.name;
    std::cerr << ")\n";
    return kExitConfig;
  }
  std::cout << render_help(*doc, a.section, a.all || !a.section.empty());
  return kExitOk;
}

const Register reg("help", [](CLI::App& app) -> std::function<int()> {
  auto args = std::make_shared<HelpArgs>();
  auto* cmd = app.add_subcommand("help", "Describe scenario parameters: tokenfab help [section], e.g. workload.synthetic");
  cmd->add_option("section", args->section, "Dotted section path");
  cmd->add_flag("--all", args->all, "Every section, recursively");
  return [cmd, args]() { return cmd->parsed() ? help_command(*args) : -1; };
});

}  // namespace
}  // namespace tokenfab::cli
