// scenarios/kyber-deepseek-wide-ep.yaml on a pod of Kyber racks: the DP128/EP128 decode replica
// inside one NVLink domain, and the same replica split over two racks (allow_cross_domain), whose
// MoE all-to-alls then send the other rack's share over the NICs and the spine.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

nlohmann::json run_pod(const std::string& tag, bool cross) {
  std::string text = test::read_file(test::source_path("scenarios/kyber-deepseek-wide-ep.yaml"));
  auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
  };
  replace("platform: ../platforms/kyber-nvl144.xml",
          "platform: " + test::source_path("platforms/kyber-nvl144-pod8-cpo.xml"));
  // 10 prefill replicas take 80 devices of rack 0: the decode replica's 128 devices are either
  // the whole of rack 1 (one domain) or rack 0's last 64 and rack 1's first 64.
  replace("prefill: {replicas: 2, tp: 1, dp: 8, ep: 8}", "prefill: {replicas: 10, tp: 1, dp: 8, ep: 8}");
  replace("  precision:", std::string("  allow_cross_domain: ") + (cross ? "true" : "false") + "\n  precision:");
  // A burst, so that the decode batch grows to about a thousand sequences: the all-to-alls'
  // bandwidth term (not their latency) then sets the difference.
  replace("requests: 10000", "requests: 1500");
  replace("rate: 600", "rate: 5000");
  const std::string dir = test::temp_dir(tag);
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
}

std::set<std::string> racks_of(const nlohmann::json& replica) {
  std::set<std::string> racks;
  for (const auto& h : replica["hosts"]) {
    const std::string name = h.get<std::string>();
    racks.insert(name.substr(0, name.find('-')));
  }
  return racks;
}

TEST(WideEpDomains, DecodeReplicaAcrossTwoRacksIsSlowerThanInsideOne) {
  const auto inside = run_pod("wide-ep-inside", false);
  const auto across = run_pod("wide-ep-across", true);
  for (const auto* s : {&inside, &across}) {
    EXPECT_EQ((*s)["requests"]["completed"].get<int>(), 1500);
    ASSERT_EQ((*s)["replicas"].size(), 11u);
    EXPECT_EQ((*s)["replicas"][10]["role"], "decode");
    EXPECT_EQ((*s)["replicas"][10]["hosts"].size(), 128u);
  }
  EXPECT_EQ(racks_of(inside["replicas"][10]), (std::set<std::string>{"rack1"}));
  EXPECT_EQ(racks_of(across["replicas"][10]), (std::set<std::string>{"rack0", "rack1"}));
  // Same traffic, same prefill: only the decode iterations' all-to-alls differ.
  const double t_in = inside["latency_s"]["tpot"]["mean"].get<double>();
  const double t_out = across["latency_s"]["tpot"]["mean"].get<double>();
  EXPECT_GT(t_out, 1.05 * t_in) << t_in << " s inside, " << t_out << " s across";
  EXPECT_DOUBLE_EQ(inside["latency_s"]["ttft"]["mean"].get<double>(), across["latency_s"]["ttft"]["mean"].get<double>());
}

}  // namespace
}  // namespace tokenfab
