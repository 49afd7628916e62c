// Failed links (events naming a link of the platform): P/D KV transfers that cross a failed link
// are cut and sent again to a decode replica still reachable, or rejected with a reason; requests
// are conserved; a replica whose own devices talk over the link stops; fast-forward stays exact.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "tests/support/test_platforms.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

struct Out {
  nlohmann::json summary;
  std::vector<std::vector<std::string>> rows;
  std::string summary_text, csv_text;
  int column(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
  std::vector<std::string> header;
};

// Two racks of 4 H100 (NVLink inside a rack; between racks each GPU's 4 Gb/s NIC, then the
// racks' 800 Gb/s uplinks up0 and up1): slow enough that several KV transfers are on the wire at
// any time.
Out run(const std::string& tag, const std::string& pools, const std::string& events, bool fast_forward = true) {
  const std::string dir = test::temp_dir(tag);
  const std::string platform = test::write_file(dir + "/p.xml", test::two_racks(4, "4Gbps", "800Gbps"));
  const std::string text = fmt::format(
      "name: {}\nseed: 5\nplatform: {}\nmodel: llama-3.1-70b\ndeployment:\n  pools:\n{}\n"
      "simulation: {{fast_forward: {}}}\n{}workload:\n  requests: 300\n  synthetic:\n"
      "    arrivals: {{process: poisson, rate: 5}}\n    input_tokens: {{dist: uniform, min: 500, max: 2000}}\n"
      "    output_tokens: {{dist: uniform, min: 20, max: 200}}\n",
      tag, platform, pools, fast_forward ? "true" : "false", events.empty() ? "" : "events:\n" + events + "\n");
  const auto r = test::run_cli("run -q " + test::write_file(dir + "/s.yaml", text) + " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 0) << r.err;  // exit 3 would mean an end-of-run invariant failed
  Out o;
  o.summary_text = test::read_file(dir + "/out/summary.json");
  o.csv_text = test::read_file(dir + "/out/requests.csv");
  o.summary = nlohmann::json::parse(o.summary_text);
  o.header = test::csv_fields(o.csv_text.substr(0, o.csv_text.find('\n')));
  o.rows = test::csv_rows(o.csv_text);
  return o;
}

void expect_conserved(const Out& o) {
  const auto& q = o.summary["requests"];
  EXPECT_EQ(q["arrived"].get<int>(), 300);
  EXPECT_EQ(q["arrived"].get<int>(), q["completed"].get<int>() + q["rejected"].get<int>() + q["in_flight"].get<int>());
  EXPECT_EQ(o.rows.size(), 300u);
}

// Prefill on gpu0-1 (rack 0); decode on gpu2-3 (rack 0) and gpu4-5, gpu6-7 (rack 1).
const char* kMixed = "    prefill: {replicas: 1, tp: 2}\n    decode: {replicas: 3, tp: 2}\n    decode_router: round_robin";
// Prefill on gpu0-3 (rack 0); decode only in rack 1.
const char* kAcross = "    prefill: {replicas: 1, tp: 4}\n    decode: {replicas: 2, tp: 2}\n    decode_router: round_robin";
// At 11 s, 7 KV transfers are on their way to rack 1 in the mixed run (measured on the run without
// the event).
const char* kUplinkDown = "  - {at: 11s, fail: up0, recover: 31s}";

TEST(LinkFailures, CutTransfersGoToTheDecodeReplicaStillReachable) {
  const Out base = run("mixed-base", kMixed, "");
  const Out o = run("mixed", kMixed, kUplinkDown);
  expect_conserved(o);
  const auto& f = o.summary["failures"];
  EXPECT_EQ(f["links_failed"].get<int>(), 1);
  EXPECT_EQ(f["replicas_failed"].get<int>(), 0);  // no replica talks to itself over the uplink
  // Transfers on the wire at 11 s were cut and sent again, to the rack-0 decode replica (the only
  // one reachable); none had to be rejected.
  EXPECT_GT(f["kv_transfers_failed"].get<int>(), 0);
  EXPECT_EQ(f["kv_transfers_retried"], f["kv_transfers_failed"]);
  EXPECT_EQ(f["requests_unreachable"].get<int>(), 0);
  EXPECT_EQ(o.summary["requests"]["completed"].get<int>(), 300);
  // While the uplink is down, every KV goes to decode replica 1 (gpu2-3); outside, round robin
  // spreads it over the three.
  const int decode = o.column("decode_replica"), start = o.column("first_token_s");
  int inside = 0, outside_far = 0;
  for (const auto& row : o.rows) {
    const double t = std::stod(row[static_cast<std::size_t>(start)]);
    if (t > 11.0 && t < 31.0) {
      ++inside;
      EXPECT_EQ(row[static_cast<std::size_t>(decode)], "1") << "request " << row[0] << " at " << t;
    } else if (row[static_cast<std::size_t>(decode)] != "1") {
      ++outside_far;
    }
  }
  EXPECT_GT(inside, 50);
  EXPECT_GT(outside_far, 100);
  // The effect shows in the cut transfers: each started before 11 s towards rack 1 and landed,
  // sent again over NVLink to decode replica 1, after 11 s; an NVLink transfer alone takes
  // under a millisecond, these lost their time on the way to rack 1.
  const int kv = o.column("kv_transfer_s");
  int cut = 0;
  for (const auto& row : o.rows) {
    const double t = std::stod(row[static_cast<std::size_t>(start)]);
    const double k = std::stod(row[static_cast<std::size_t>(kv)]);
    if (t < 11.0 && t + k > 11.0) {
      ++cut;
      EXPECT_EQ(row[static_cast<std::size_t>(decode)], "1") << "request " << row[0];
      EXPECT_GT(k, 0.01) << "request " << row[0];
    }
  }
  EXPECT_EQ(cut, f["kv_transfers_retried"].get<int>());
  // Decode replica 1 takes the window's whole load instead of a third of it.
  auto share = [&](const Out& out) {
    int n = 0;
    for (const auto& row : out.rows) n += row[static_cast<std::size_t>(decode)] == "1" ? 1 : 0;
    return n;
  };
  EXPECT_GT(share(o), share(base) + 30);
  EXPECT_FALSE(base.summary.contains("failures"));
}

TEST(LinkFailures, NothingReachableRejectsWithAReasonUntilTheLinkIsBack) {
  const Out base = run("across-base", kAcross, "");
  EXPECT_EQ(base.summary["requests"]["rejected"].get<int>(), 0);
  const Out o = run("across", kAcross, kUplinkDown);
  expect_conserved(o);
  const auto& f = o.summary["failures"];
  const int rejected = o.summary["requests"]["rejected"].get<int>();
  EXPECT_GT(rejected, 50);  // about 20 s x 5 requests/s
  EXPECT_EQ(f["requests_unreachable"].get<int>(), rejected);
  EXPECT_GT(f["kv_transfers_failed"].get<int>(), 0);
  EXPECT_EQ(f["kv_transfers_retried"].get<int>(), 0);
  const int outcome = o.column("outcome"), reason = o.column("reason"), arrival = o.column("arrival_s");
  bool served_after = false;
  for (const auto& row : o.rows) {
    const double t = std::stod(row[static_cast<std::size_t>(arrival)]);
    if (row[static_cast<std::size_t>(outcome)] == "rejected") {
      EXPECT_NE(row[static_cast<std::size_t>(reason)].find("a failed link cuts the KV's path"), std::string::npos);
      EXPECT_GT(t, 6.0);  // arrived shortly before the failure at the earliest
      EXPECT_LT(t, 31.0);
    }
    served_after = served_after || (t > 35.0 && row[static_cast<std::size_t>(outcome)] == "completed");
  }
  EXPECT_TRUE(served_after);
}

TEST(LinkFailures, AReplicaCutInTwoStops) {
  // gpu2's NVLink port (link nvl2; the domains are nvl0 and nvl1) carries prefill replica 1's
  // tensor-parallel traffic (gpu2 <-> gpu3): that replica stops for the window; its requests
  // restart on the other one.
  const Out o = run("cut", "    prefill: {replicas: 2, tp: 2}\n    decode: {replicas: 2, tp: 2}",
                    "  - {at: 10s, fail: nvl2, recover: 30s}");
  expect_conserved(o);
  EXPECT_EQ(o.summary["failures"]["replicas_failed"].get<int>(), 1);
  EXPECT_NEAR(o.summary["failures"]["replica_seconds_down"].get<double>(), 20.0, 1e-9);
  EXPECT_EQ(o.summary["requests"]["completed"].get<int>(), 300);
}

TEST(LinkFailures, FastForwardIsExactAroundLinkFailures) {
  for (const char* pools : {kMixed, kAcross}) {
    const std::string events = std::string(kUplinkDown) + "\n  - {at: 50s, fail: nic5}";
    const Out step = run("step", pools, events, false);
    const Out fast = run("fast", pools, events, true);
    EXPECT_EQ(step.csv_text, fast.csv_text) << pools;
    auto a = step.summary, b = fast.summary;
    a.erase("scenario");
    b.erase("scenario");
    EXPECT_EQ(a.dump(), b.dump()) << pools;
  }
}

TEST(LinkFailures, UnknownLinkNameIsAConfigError) {
  const std::string dir = test::temp_dir("bad-link");
  const std::string platform = test::write_file(dir + "/p.xml", test::two_racks(4, "4Gbps", "800Gbps"));
  const std::string text = fmt::format(
      "platform: {}\nmodel: llama-3.1-70b\ndeployment: {{replicas: 2, tp: 2}}\nevents:\n  - {{at: 5s, fail: up7}}\n"
      "workload:\n  requests: 5\n  synthetic:\n    arrivals: {{process: poisson, rate: 1}}\n"
      "    input_tokens: {{dist: fixed, value: 10}}\n    output_tokens: {{dist: fixed, value: 10}}\n",
      platform);
  for (const char* cmd : {"validate ", "run -q "}) {
    const auto r = test::run_cli(cmd + test::write_file(dir + "/s.yaml", text) + (cmd[0] == 'r' ? " -o " + dir + "/out" : ""));
    EXPECT_EQ(r.exit_code, 2) << cmd;
    EXPECT_NE(r.err.find("s.yaml: events[0].fail: no deployed GPU, rack, NVLink domain, link or storage node is named "
                         "'up7' (expected a GPU host (gpu0, gpu1, gpu2, gpu3), rack (r0), NVLink domain (nvl0), link "
                         "(nic0, nic1, nic2, nic3, ... 14 more) or storage node (none))"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace tokenfab
