// tokenfab list: what the hardware and LLM catalogs hold.
#include <iostream>

#include "models/catalog.hpp"
#include "sim/cli/commands.hpp"

namespace tokenfab::cli {
namespace {

int list_command(const std::string& root) {
  const Catalog catalog(root.empty() ? Catalog::default_root() : root);
  std::cout << "Hardware (" << catalog.root() << "/hardware):\n";
  for (const auto& n : catalog.device_names()) {
    const auto d = catalog.device(n);
    std::cout << fmt::format("  {:<26} {:<7} {}\n", n, device_kind_name(d.kind), d.description);
  }
  std::cout << "Models (" << catalog.root() << "/llm):\n";
  for (const auto& n : catalog.llm_names()) {
    const auto m = catalog.llm(n);
    std::cout << fmt::format("  {:<26} {:<7} {}\n", n, m.architecture, m.description);
  }
  return kExitOk;
}

const Register reg("list", [](CLI::App& app) -> std::function<int()> {
  auto root = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("list", "List the hardware and LLM catalogs");
  cmd->add_option("--catalog", *root, "Catalog folder");
  return [cmd, root]() { return cmd->parsed() ? list_command(*root) : -1; };
});

}  // namespace
}  // namespace tokenfab::cli
