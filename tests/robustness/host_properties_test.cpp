// read_host_properties: the tokenfab:* checks of inspect_platform as a pure function (fuzzed by
// fuzz/fuzz_platform_props.cpp); the messages are those inspect_platform always gave.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "models/core/config_error.hpp"
#include "sim/platform/host_properties.hpp"

namespace tokenfab {
namespace {

std::string error_of(const HostPropertyMap& props, const std::string& host = "gpu3") {
  try {
    (void)read_host_properties("p.xml", host, props);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(HostProperties, RolesAndGpuFields) {
  EXPECT_EQ(read_host_properties("p.xml", "sw", {}).role, HostProperties::Role::None);
  EXPECT_EQ(read_host_properties("p.xml", "cpu0", {{"tokenfab:role", "frontend"}}).role,
            HostProperties::Role::Frontend);
  EXPECT_EQ(read_host_properties("p.xml", "st0", {{"tokenfab:role", "storage"}}).role, HostProperties::Role::Other);
  const HostProperties g = read_host_properties(
      "p.xml", "gpu3",
      {{"tokenfab:role", "gpu"}, {"tokenfab:device", "h100-sxm"}, {"tokenfab:domain", "nvl0"}, {"tokenfab:index", "3"}});
  EXPECT_EQ(g.role, HostProperties::Role::Gpu);
  EXPECT_EQ(g.device, "h100-sxm");
  EXPECT_EQ(g.domain, "nvl0");
  EXPECT_EQ(g.rack, "");
  EXPECT_EQ(g.index, 3);
}

TEST(HostProperties, MissingOrMalformedGpuPropertiesNameFileHostAndKey) {
  EXPECT_EQ(error_of({{"tokenfab:role", "gpu"}, {"tokenfab:domain", "nvl0"}}),
            "p.xml: host 'gpu3': tokenfab:device: missing property (expected the hardware catalog name of the GPU, "
            "e.g. h100-sxm)");
  EXPECT_EQ(error_of({{"tokenfab:role", "gpu"}, {"tokenfab:device", "h100-sxm"}}),
            "p.xml: host 'gpu3': tokenfab:domain: missing property (expected the id of the GPU's NVLink domain, "
            "e.g. nvl0)");
  const HostPropertyMap base{{"tokenfab:role", "gpu"}, {"tokenfab:device", "h100-sxm"}, {"tokenfab:domain", "nvl0"}};
  for (const char* bad : {"-1", "3x", "x", "99999999999999999999999"}) {
    HostPropertyMap p = base;
    p["tokenfab:index"] = bad;
    EXPECT_EQ(error_of(p), fmt::format("p.xml: host 'gpu3': tokenfab:index: '{}' is not a non-negative integer "
                                       "(expected the GPU's position in its domain)",
                                       bad));
  }
}

// An XML attribute may hold a line break (&#10;); the message stays one line.
TEST(HostProperties, HostNameWithALineBreakGivesOneLine) {
  const std::string e = error_of({{"tokenfab:role", "gpu"}}, "gpu\n3");
  EXPECT_NE(e.find("host 'gpu\\n3'"), std::string::npos) << e;
}

}  // namespace
}  // namespace tokenfab
