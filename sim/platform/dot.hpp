// A condensed Graphviz diagram of a platform layout: one rack of each group drawn with its
// accelerators, CPUs, switch planes and leaves; the other racks folded; spine, core and services
// below. For docs/img (dot -Tsvg).
#pragma once

#include <string>

#include "sim/platform/layout.hpp"

namespace tokenfab {

std::string platform_dot(const PlatformLayout& layout);

}  // namespace tokenfab
