#include "sim/report/vega_bundle.hpp"

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "models/core/config_error.hpp"

namespace tokenfab {
namespace {

// The modules a report needs, each after the modules it requires (their UMD headers list them):
// {name other modules require it by, file in libjs-vega}. Debian names the file of the module
// "vega-selections" vega-selection.min.js. Geo, force, hierarchy and the other optional
// transforms are left out: report charts do not use them.
constexpr std::array<std::pair<const char*, const char*>, 19> kModules{{
    {"vega-util", "vega-util.min.js"},
    {"vega-time", "vega-time.min.js"},
    {"vega-format", "vega-format.min.js"},
    {"vega-loader", "vega-loader.min.js"},
    {"vega-statistics", "vega-statistics.min.js"},
    {"vega-dataflow", "vega-dataflow.min.js"},
    {"vega-canvas", "vega-canvas.min.js"},
    {"vega-scale", "vega-scale.min.js"},
    {"vega-scenegraph", "vega-scenegraph.min.js"},
    {"vega-expression", "vega-expression.min.js"},
    {"vega-selections", "vega-selection.min.js"},
    {"vega-functions", "vega-functions.min.js"},
    {"vega-event-selector", "vega-event-selector.min.js"},
    {"vega-parser", "vega-parser.min.js"},
    {"vega-runtime", "vega-runtime.min.js"},
    {"vega-view", "vega-view.min.js"},
    {"vega-transforms", "vega-transforms.min.js"},
    {"vega-view-transforms", "vega-view-transforms.min.js"},
    {"vega-encode", "vega-encode.min.js"},
}};

// The module text, without its source-map comment (the page must not ask for any other file)
// and with "</script" broken so that it cannot end the inline <script> element early.
std::string module_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw ConfigError({file.string(), 0, 0}, "", "Vega module not found (reports need Debian's libjs-vega)",
                      "libjs-vega installed (scripts/install-deps.sh), or TOKENFAB_VEGA_DIR set to its folder");
  std::ostringstream text;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("//# sourceMappingURL", 0) == 0) continue;
    for (std::size_t pos = 0; (pos = line.find("</script", pos)) != std::string::npos; pos += 2) line.replace(pos, 2, "<\\/");
    text << line << '\n';
  }
  return text.str();
}

}  // namespace

std::string default_vega_dir() {
  if (const char* env = std::getenv("TOKENFAB_VEGA_DIR"); env && *env) return env;
  return "/usr/share/javascript/vega";
}

std::string vega_script(const std::string& dir) {
  std::ostringstream js;
  js << "var tfVegaModules = {};\n";
  for (const auto& [name, file] : kModules) {
    js << "(function () {\n"
          "var module = {exports: {}}, exports = module.exports;\n"
          "var require = function (n) {\n"
          "  if (!(n in tfVegaModules)) throw new Error('tokenfab: Vega module ' + n + ' is not loaded');\n"
          "  return tfVegaModules[n];\n"
          "};\n"
       << module_text(std::filesystem::path(dir) / file) << "tfVegaModules['" << name << "'] = module.exports;\n})();\n";
  }
  // As upstream's vega/index.js: the dataflow's transform registry gets the transforms of the
  // transform, view-transform and encode modules.
  js << "var vega = (function (m) {\n"
        "  var registry = m['vega-dataflow'].transforms;\n"
        "  ['vega-transforms', 'vega-view-transforms', 'vega-encode'].forEach(function (k) {\n"
        "    Object.assign(registry, m[k]);\n"
        "  });\n"
        "  return {View: m['vega-view'].View, parse: m['vega-parser'].parse};\n"
        "})(tfVegaModules);\n";
  return js.str();
}

}  // namespace tokenfab
