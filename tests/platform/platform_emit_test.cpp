// Every shipped platform XML is what its spec generates (CI regenerates and compares, so specs and
// XML never drift), and generation is deterministic.
#include <filesystem>

#include <gtest/gtest.h>

#include "models/catalog.hpp"
#include "sim/platform/layout.hpp"
#include "sim/platform/spec.hpp"
#include "sim/platform/xml_writer.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

std::vector<std::string> shipped(const std::string& ext) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(test::source_path("platforms")))
    if (e.path().extension() == ext) out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(PlatformEmit, EveryShippedXmlEqualsWhatItsSpecGenerates) {
  const Catalog catalog;
  const auto specs = shipped(".yaml");
  ASSERT_GE(specs.size(), 12u);
  for (const auto& name : specs) {
    const std::string xml_path = test::source_path("platforms/" + name + ".xml");
    ASSERT_TRUE(std::filesystem::exists(xml_path)) << name << ".yaml has no generated " << name << ".xml";
    const std::string generated =
        write_platform_xml(build_layout(load_platform_spec(test::source_path("platforms/" + name + ".yaml")), catalog));
    EXPECT_TRUE(generated == test::read_file(xml_path))
        << "platforms/" << name << ".xml is stale; regenerate: tokenfab platform emit platforms/" << name
        << ".yaml -o platforms/" << name << ".xml";
  }
}

TEST(PlatformEmit, EveryShippedXmlHasASpec) {
  for (const auto& name : shipped(".xml"))
    EXPECT_TRUE(std::filesystem::exists(test::source_path("platforms/" + name + ".yaml"))) << name;
}

TEST(PlatformEmit, CliCheckReportsAStaleFile) {
  const std::string dir = test::temp_dir("stale");
  const std::string xml = test::write_file(dir + "/hgx.xml", "<platform/>\n");
  const auto stale = test::run_cli("platform emit platforms/hgx-h100.yaml -o " + xml + " --check");
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_NE(stale.err.find("differs"), std::string::npos) << stale.err;
  ASSERT_EQ(test::run_cli("platform emit platforms/hgx-h100.yaml -o " + xml).exit_code, 0);
  const auto fresh = test::run_cli("platform emit platforms/hgx-h100.yaml -o " + xml + " --check");
  EXPECT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_EQ(test::read_file(xml), test::read_file(test::source_path("platforms/hgx-h100.xml")));
}

// A scenario may name the spec instead of the XML: the run is the same.
TEST(PlatformEmit, ScenarioOnASpecRunsAsOnItsXml) {
  const std::string dir = test::temp_dir("spec-run");
  std::string sc = test::read_file(test::source_path("scenarios/quickstart.yaml"));
  const auto at = sc.find("platform: ");
  ASSERT_NE(at, std::string::npos);
  const auto end = sc.find('\n', at);
  auto with = [&](const std::string& platform) {
    std::string s = sc;
    s.replace(at, end - at, "platform: " + test::source_path(platform));
    return s;
  };
  const std::string on_xml = test::write_file(dir + "/xml.yaml", with("platforms/hgx-h100.xml"));
  const std::string on_spec = test::write_file(dir + "/spec.yaml", with("platforms/hgx-h100.yaml"));
  const auto a = test::run_cli("run -q " + on_xml + " -o " + dir + "/a");
  const auto b = test::run_cli("run -q " + on_spec + " -o " + dir + "/b");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  std::string sa = test::read_file(dir + "/a/summary.json"), sb = test::read_file(dir + "/b/summary.json");
  // Only the scenario's platform path differs.
  const auto pa = sa.find("hgx-h100.xml"), pb = sb.find("hgx-h100.yaml");
  ASSERT_NE(pa, std::string::npos);
  ASSERT_NE(pb, std::string::npos);
  sa.replace(pa, 12, "P");
  sb.replace(pb, 13, "P");
  EXPECT_EQ(sa, sb);
  EXPECT_EQ(test::read_file(dir + "/a/requests.csv"), test::read_file(dir + "/b/requests.csv"));
}

TEST(PlatformEmit, XmlNumbersReadBackExactly) {
  for (const double v : {450e9, 5.2e12, 989.4e12, 1.25e12, 17.4e15, 0.1 + 0.2, 3e-7, 64e9, 15.36e12}) {
    for (const char* unit : {"Bps", "f", "B"}) {
      const std::string s = xml_quantity(v, unit);
      const std::string number = s.substr(0, s.size() - std::string(unit).size());
      // SimGrid multiplies the number by the prefix's power of 1000.
      double scale = 1;
      std::string digits = number;
      for (const auto& [p, f] : {std::pair{'k', 1e3}, {'M', 1e6}, {'G', 1e9}, {'T', 1e12}, {'P', 1e15}})
        if (!digits.empty() && digits.back() == p) {
          scale = f;
          digits.pop_back();
        }
      EXPECT_EQ(std::stod(digits) * scale, v) << s;
    }
  }
}

}  // namespace
}  // namespace tokenfab
