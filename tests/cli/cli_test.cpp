// The command line as a user meets it.
#include <filesystem>

#include <gtest/gtest.h>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

int lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST(Cli, ValidateAcceptsTheQuickstart) {
  const auto r = test::run_cli("validate scenarios/quickstart.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ok"), std::string::npos);
}

TEST(Cli, ConfigErrorIsOneLineAndExitCodeTwo) {
  const std::string dir = test::temp_dir("bad");
  std::string text = test::read_file(test::source_path("scenarios/quickstart.yaml"));
  text.replace(text.find("max_num_seqs"), 12, "max_num_seq");
  text.replace(text.find("../platforms"), 12, test::source_path("platforms"));
  const std::string file = test::write_file(dir + "/bad.yaml", text);
  const auto r = test::run_cli("validate " + file);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("bad.yaml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("serving.max_num_seq: unknown key, did you mean 'max_num_seqs'?"), std::string::npos) << r.err;
  // run refuses the same file the same way, before simulating anything.
  const auto run = test::run_cli("run " + file + " -o " + dir + "/out");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, r.err);
}

TEST(Cli, PlatformProblemsNameFileAndHost) {
  const std::string dir = test::temp_dir("plat");
  std::string xml = test::read_file(test::source_path("platforms/hgx-h100.xml"));
  const std::string prop = "<prop id=\"tokenfab:device\" value=\"h100-sxm\"/>";
  xml.replace(xml.find(prop), prop.size(), "");  // gpu0 loses its device
  test::write_file(dir + "/p.xml", xml);
  std::string text = test::read_file(test::source_path("scenarios/quickstart.yaml"));
  text.replace(text.find("../platforms/hgx-h100.xml"), 25, "p.xml");
  const auto r = test::run_cli("validate " + test::write_file(dir + "/s.yaml", text));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("p.xml: host 'gpu0': tokenfab:device: missing property"), std::string::npos) << r.err;
  // Unknown device names are caught with the catalog's suggestions.
  const std::string bad_device = "<prop id=\"tokenfab:device\" value=\"h100-sx\"/>";
  std::string xml2 = test::read_file(test::source_path("platforms/hgx-h100.xml"));
  xml2.replace(xml2.find(prop), prop.size(), bad_device);
  test::write_file(dir + "/p.xml", xml2);
  const auto r2 = test::run_cli("validate " + dir + "/s.yaml");
  EXPECT_EQ(r2.exit_code, 2);
  EXPECT_NE(r2.err.find("did you mean 'h100-sxm'"), std::string::npos) << r2.err;
}

TEST(Cli, BrokenPlatformXmlIsAConfigError) {
  const std::string dir = test::temp_dir("xml");
  test::write_file(dir + "/p.xml", "<platform version=\"4.1\"><zone id=\"z\" routing=\"Full\"><host id=\"a\"");
  std::string text = test::read_file(test::source_path("scenarios/quickstart.yaml"));
  text.replace(text.find("../platforms/hgx-h100.xml"), 25, "p.xml");
  const auto r = test::run_cli("validate " + test::write_file(dir + "/s.yaml", text));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("p.xml"), std::string::npos) << r.err;
}

TEST(Cli, HelpPrintsDeclaredParameters) {
  const auto r = test::run_cli("help serving");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("max_batched_tokens"), std::string::npos);
  EXPECT_NE(r.out.find("default 8192"), std::string::npos);
  const auto bad = test::run_cli("help servings");
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(Cli, ListShowsTheCatalog) {
  const auto r = test::run_cli("list");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("h100-sxm"), std::string::npos);
  EXPECT_NE(r.out.find("llama-3.1-70b"), std::string::npos);
}

TEST(Cli, NoProgressLineWhenStderrIsNotATerminal) {
  const std::string dir = test::temp_dir("quiet");
  const auto r = test::run_cli("run scenarios/quickstart.yaml -o " + dir);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err.find('\r'), std::string::npos);
  // Log lines carry the simulated time.
  EXPECT_NE(r.err.find("[0.000000] info: running quickstart"), std::string::npos) << r.err;
}

TEST(Cli, SimGridOptionsReachSimGrid) {
  const std::string dir = test::temp_dir("sg");
  // A valid item changes SimGrid's network model and the run still succeeds.
  EXPECT_EQ(test::run_cli("run -q scenarios/quickstart.yaml -o " + dir + " --sg-cfg network/model:CM02").exit_code, 0);
  // An invalid one is a one-line error, exit code 2.
  const auto bad = test::run_cli("run -q scenarios/quickstart.yaml -o " + dir + " --sg-cfg no/such:1");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(lines(bad.err), 1) << bad.err;
  EXPECT_NE(bad.err.find("no/such"), std::string::npos);
}

TEST(Cli, EveryShippedScenarioValidates) {
  int checked = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::source_path("scenarios"))) {
    if (e.path().extension() != ".yaml") continue;
    const auto r = test::run_cli("validate " + e.path().string());
    EXPECT_EQ(r.exit_code, 0) << e.path() << ": " << r.err;
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

}  // namespace
}  // namespace tokenfab
