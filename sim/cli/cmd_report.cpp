// tokenfab report RUN... : report.html for one run's output folder, or a comparison of several
// runs (folders, summary.json files, or a folder of run folders such as a sweep's output).
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "models/core/config_error.hpp"
#include "sim/cli/commands.hpp"
#include "sim/report/html_report.hpp"

namespace tokenfab::cli {
namespace {

namespace fs = std::filesystem;

struct ReportArgs {
  std::vector<std::string> inputs;
  std::string out;
  std::string vega_dir;
};

bool is_run(const fs::path& p) { return fs::is_regular_file(p) || fs::exists(p / "summary.json"); }

// A folder without summary.json stands for the run folders directly inside it, in name order, or
// for those in its points/ folder (the layout tokenfab sweep and compare write).
std::vector<std::string> runs_inside(const fs::path& dir) {
  std::vector<std::string> runs;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory() && fs::exists(entry.path() / "summary.json")) runs.push_back(entry.path().string());
  }
  std::sort(runs.begin(), runs.end());
  if (runs.empty() && fs::is_directory(dir / "points")) return runs_inside(dir / "points");
  return runs;
}

int report_command(const ReportArgs& a) {
  std::vector<std::string> runs;
  bool sweep = false;
  for (const auto& in : a.inputs) {
    const fs::path p(in);
    if (!fs::exists(p)) throw ConfigError({in, 0, 0}, "", "not found", "a run's output folder or its summary.json");
    if (is_run(p)) {
      runs.push_back(in);
      continue;
    }
    const auto inside = runs_inside(p);
    if (inside.empty())
      throw ConfigError({in, 0, 0}, "", "no summary.json here nor in the folders inside",
                        "the output folder of tokenfab run, or a folder of such folders");
    runs.insert(runs.end(), inside.begin(), inside.end());
    sweep = true;
  }
  HtmlReportOptions options;
  options.vega_dir = a.vega_dir;
  std::string written;
  if (runs.size() == 1 && !sweep) {
    const fs::path p(runs.front());
    const std::string dir = fs::is_regular_file(p) ? p.parent_path().string() : p.string();
    written = write_html_report(dir.empty() ? "." : dir, options, a.out);
  } else {
    std::string out = a.out;
    if (out.empty() && a.inputs.size() == 1) out = (fs::path(a.inputs.front()) / "report.html").string();
    if (out.empty())
      throw ConfigError({"command line", 0, 0}, "-o", "several runs to compare and no output file",
                        "-o FILE.html when comparing runs from several folders");
    written = write_comparison_report(runs, out, options);
  }
  std::cout << written << std::endl;
  return kExitOk;
}

const Register reg("report", [](CLI::App& app) -> std::function<int()> {
  auto args = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand("report", "Write report.html for a run, or compare several runs (Pareto frontiers)");
  cmd->add_option("runs", args->inputs,
                  "Run output folders or summary.json files; a folder of run folders (a sweep) compares them all")
      ->required();
  cmd->add_option("-o,--output", args->out,
                  "Output HTML (default: RUN/report.html for one run, FOLDER/report.html for one folder of runs)");
  cmd->add_option("--vega-dir", args->vega_dir,
                  "Folder of Debian's libjs-vega modules (default: $TOKENFAB_VEGA_DIR or /usr/share/javascript/vega)");
  return [cmd, args]() { return cmd->parsed() ? report_command(*args) : -1; };
});

}  // namespace
}  // namespace tokenfab::cli
