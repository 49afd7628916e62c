// Writes a PlatformLayout as a SimGrid platform file (XML, version 4.1). The text is a pure
// function of the layout: the same spec and catalog give byte-identical files, so that CI can
// regenerate every shipped platform and compare.
#pragma once

#include <string>

#include "sim/platform/layout.hpp"

namespace tokenfab {

std::string write_platform_xml(const PlatformLayout& layout);

// Numbers in SimGrid's base units, shortest text that reads back to the same double.
std::string xml_number(double v);
// A quantity in SimGrid's syntax ("450GBps"), read back by SimGrid as exactly `v`.
std::string xml_quantity(double v, const std::string& unit);

}  // namespace tokenfab
