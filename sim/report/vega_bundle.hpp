// Vega (the visualization grammar) for self-contained HTML reports, from Debian's libjs-vega.
//
// Debian ships Vega as one UMD file per module (vega-util.min.js, vega-view.min.js, ...), not as
// the upstream single-file bundle. Each module is inlined inside a small CommonJS wrapper so that
// its require("vega-...") calls resolve to the modules inlined before it; then the transforms are
// registered the way upstream's vega/index.js does. The page needs no network access.
#pragma once

#include <string>

namespace tokenfab {

// $TOKENFAB_VEGA_DIR when set, else Debian's /usr/share/javascript/vega.
std::string default_vega_dir();

// JavaScript defining a global `vega` with View and parse. Throws ConfigError naming the missing
// file when libjs-vega is not installed in `dir`.
std::string vega_script(const std::string& dir);

}  // namespace tokenfab
