// Agentic sessions: each turn's prompt extends the previous context, the next turn arrives a tool
// call and a think time after the previous one completed, the tool call runs on a CPU host's
// cores, sticky routing lets the prefix cache reuse the context, and the lookahead stays exact.
#include "sim/workload/sessions.hpp"

#include <map>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

SessionWorkload fixed_sessions() {
  SessionWorkload w;
  w.arrivals = PoissonArrivals{1.0};
  w.turns = FixedLength{4};
  w.first_input_tokens = FixedLength{1000};
  w.turn_input_tokens = UniformLength{50, 150};
  w.output_tokens = FixedLength{200};
  w.tool_time = FixedDuration{1.0};
  w.think_time = UniformDuration{0.5, 1.5};
  w.prefix_block_tokens = 64;
  return w;
}

TEST(SessionPlan, EachTurnExtendsThePreviousContext) {
  const SessionPlan plan(fixed_sessions(), 42, 128000);
  const Request first = plan.first_turn(3, 10.0, kNoTier);
  EXPECT_EQ(first.session, 3u);
  EXPECT_EQ(first.turns, 4);
  EXPECT_EQ(first.input_tokens, 1000);
  Request prev = first;
  int turns = 1;
  while (auto next = plan.next_turn(prev)) {
    EXPECT_EQ(next->turn, prev.turn + 1);
    const std::int64_t added = next->input_tokens - prev.input_tokens - prev.output_tokens;
    EXPECT_GE(added, 50);
    EXPECT_LE(added, 150);
    // Every full block of the previous prompt is a shared prefix block of this one.
    const auto full = static_cast<std::size_t>(prev.input_tokens / 64);
    ASSERT_GE(next->prefix_blocks.size(), full);
    for (std::size_t j = 0; j < full; ++j) EXPECT_EQ(next->prefix_blocks[j], prev.prefix_blocks[j]) << j;
    // The previous prompt's partial tail block is not (the new prompt's block there is full).
    if (prev.input_tokens % 64 != 0) EXPECT_NE(next->prefix_blocks[full], prev.prefix_blocks[full]);
    prev = *next;
    ++turns;
  }
  EXPECT_EQ(turns, 4);
  // Draws depend on (seed, session, turn) only.
  EXPECT_EQ(plan.next_turn(first)->input_tokens, SessionPlan(fixed_sessions(), 42, 128000).next_turn(first)->input_tokens);
  EXPECT_DOUBLE_EQ(plan.min_gap(), 1.5);
  // A turn that would outgrow the model's context ends the session.
  EXPECT_FALSE(SessionPlan(fixed_sessions(), 42, 1300).next_turn(first).has_value());
}

// HGX H100 (8 GPUs) plus a CPU host "cpu1" for tool calls with `cores` cores. A device the
// catalog does not know keeps the platform's core count even at 1 (a catalog CPU at core="1"
// gets the catalog's count: Vera 88).
std::string platform_with_cpu(const std::string& dir, int cores, const std::string& device = "test-cpu") {
  std::string xml = test::read_file(test::source_path("platforms/hgx-h100.xml"));
  const std::string fe = R"(<host id="cpu0" speed="1Tf"><prop id="tokenfab:role" value="frontend"/><prop id="tokenfab:rack" value="rack0"/></host>)";
  const auto at = xml.find(fe);
  EXPECT_NE(at, std::string::npos);
  xml.insert(at + fe.size(), fmt::format(R"(
    <host id="cpu1" speed="1Tf" core="{}"><prop id="tokenfab:role" value="cpu"/><prop id="tokenfab:device" value="{}"/><prop id="tokenfab:rack" value="rack0"/></host>)",
                                         cores, device));
  return test::write_file(fmt::format("{}/platform-{}-{}.xml", dir, cores, device), xml);
}

struct SessionRun {
  nlohmann::json summary;
  std::string requests;
  std::string err;
};

SessionRun run(const std::string& dir, const std::string& name, const std::string& platform, const std::string& sessions,
        const std::string& extra = "") {
  const std::string file = test::write_file(dir + "/" + name + ".yaml", fmt::format(R"(name: {}
seed: 11
platform: {}
model: llama-3.1-70b
deployment: {{replicas: 2, tp: 4}}
serving: {{router: least_outstanding, prefix_cache_tokens: 2000000}}
{}
workload:
{}
)",
                                                                                   name, platform, extra, sessions));
  const auto r = test::run_cli("run -q " + file + " -o " + dir + "/" + name);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  SessionRun out;
  out.err = r.err;
  if (r.exit_code != 0) return out;
  out.summary = nlohmann::json::parse(test::read_file(dir + "/" + name + "/summary.json"));
  out.requests = test::read_file(dir + "/" + name + "/requests.csv");
  return out;
}

struct Row {
  double arrival = 0, completion = 0;
  std::int64_t input = 0, output = 0;
  int replica = -1;
  std::string outcome;
};

// requests.csv rows by (session, turn).
std::map<std::pair<long, int>, Row> rows_by_turn(const std::string& csv) {
  std::map<std::pair<long, int>, Row> rows;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_NE(line.find(",session,turn"), std::string::npos) << line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) f.push_back(cell);
    if (line.back() == ',') f.push_back("");
    EXPECT_EQ(f.size(), 20u) << line;
    if (f.size() != 20) continue;
    Row r;
    r.arrival = std::stod(f[1]);
    r.input = std::stoll(f[2]);
    r.output = std::stoll(f[3]);
    r.outcome = f[4];
    r.replica = std::stoi(f[5]);
    r.completion = f[8].empty() ? -1 : std::stod(f[8]);
    rows[{std::stol(f[18]), std::stoi(f[19])}] = r;
  }
  return rows;
}

const char* kSessions = R"(  requests: 6
  sessions:
    arrivals: {process: constant, rate: 0.5}
    turns: {dist: fixed, value: 3}
    first_input_tokens: {dist: uniform, min: 1500, max: 3000}
    turn_input_tokens: {dist: uniform, min: 100, max: 400}
    output_tokens: {dist: fixed, value: 100}
    tool_time: {dist: fixed, value: 1s}
    think_time: {dist: fixed, value: 500ms})";

TEST(Sessions, TurnsArriveAfterToolAndThinkOnTheSameReplicaWithTheirContextReused) {
  const std::string dir = test::temp_dir("turns");
  const SessionRun r = run(dir, "turns", platform_with_cpu(dir, 8), kSessions);
  ASSERT_FALSE(r.requests.empty());
  const auto rows = rows_by_turn(r.requests);
  ASSERT_EQ(rows.size(), 18u);  // 6 sessions x 3 turns
  std::int64_t hit_blocks = 0, looked_up = 0;
  for (const auto& [key, row] : rows) {
    EXPECT_EQ(row.outcome, "completed");
    looked_up += (row.input + 63) / 64;
    if (key.second == 0) continue;
    const Row& prev = rows.at({key.first, key.second - 1});
    // The tool call (1 s on a free core) and the think time (0.5 s) separate the turns exactly.
    EXPECT_NEAR(row.arrival, prev.completion + 1.5, 1e-6) << key.first << "." << key.second;
    EXPECT_GE(row.input - prev.input - prev.output, 100);
    EXPECT_EQ(row.replica, prev.replica) << "sticky routing";
    hit_blocks += prev.input / 64;  // the previous prompt's full blocks are still cached
  }
  const auto& pc = r.summary["prefix_cache"];
  EXPECT_EQ(pc["hit_blocks"].get<std::int64_t>(), hit_blocks);
  EXPECT_EQ(pc["looked_up_blocks"].get<std::int64_t>(), looked_up);
  EXPECT_EQ(pc["prefill_tokens_saved"].get<std::int64_t>(), hit_blocks * 64);
  const auto& s = r.summary["sessions"];
  EXPECT_EQ(s["started"], 6);
  EXPECT_EQ(s["completed"], 6);
  EXPECT_EQ(s["tool_calls"], 12);
  EXPECT_NEAR(s["tool_seconds_mean"].get<double>(), 1.0, 1e-9);
  EXPECT_EQ(s["tool_calls_on"], "cpu hosts");
  EXPECT_EQ(r.summary["requests"]["arrived"], 18);
  EXPECT_EQ(r.summary["requests"]["completed"], 18);
}

// Six sessions start within 6 ms with equal prompts: their tool calls overlap. On one core they
// wait for it in turn; on eight each has its own.
TEST(Sessions, ToolCallsShareTheHostsCores) {
  const std::string dir = test::temp_dir("cores");
  const std::string burst = R"(  requests: 6
  sessions:
    arrivals: {process: constant, rate: 1000}
    turns: {dist: fixed, value: 2}
    first_input_tokens: {dist: fixed, value: 500}
    turn_input_tokens: {dist: fixed, value: 10}
    output_tokens: {dist: fixed, value: 20}
    tool_time: {dist: fixed, value: 2s}
    think_time: {dist: fixed, value: 0s})";
  const SessionRun many = run(dir, "many", platform_with_cpu(dir, 8), burst);
  const SessionRun one = run(dir, "one", platform_with_cpu(dir, 1), burst);
  const SessionRun vera = run(dir, "vera", platform_with_cpu(dir, 1, "vera"), burst);
  ASSERT_TRUE(many.summary.contains("sessions") && one.summary.contains("sessions"));
  EXPECT_NEAR(many.summary["sessions"]["tool_seconds_mean"].get<double>(), 2.0, 1e-9);
  // Six calls queueing for one core: the k-th ends about 2k s after the turns, mean about 7 s.
  EXPECT_GT(one.summary["sessions"]["tool_seconds_mean"].get<double>(), 6.0);
  // A Vera host with no core count in the platform file gets the catalog's 88 cores.
  EXPECT_NEAR(vera.summary["sessions"]["tool_seconds_mean"].get<double>(), 2.0, 1e-9);
  EXPECT_EQ(one.summary["requests"]["completed"], 12);
  // Without a CPU host the calls are plain delays.
  const SessionRun none = run(dir, "none", test::source_path("platforms/hgx-h100.xml"), burst);
  EXPECT_EQ(none.summary["sessions"]["tool_calls_on"], "delays (no CPU host)");
  EXPECT_NEAR(none.summary["sessions"]["tool_seconds_mean"].get<double>(), 2.0, 1e-9);
}

// Session turns bound the replicas' lookahead: fast-forward gives the step-by-step outputs.
TEST(Sessions, FastForwardGivesTheStepByStepOutputs) {
  const std::string dir = test::temp_dir("ff");
  const std::string busy = R"(  requests: 40
  sessions:
    arrivals: {process: poisson, rate: 4}
    turns: {dist: uniform, min: 1, max: 6}
    first_input_tokens: {dist: lognormal, mean: 2000, sigma: 0.6, max: 12000}
    turn_input_tokens: {dist: lognormal, mean: 300, sigma: 0.8, max: 3000}
    output_tokens: {dist: lognormal, mean: 150, sigma: 0.6, max: 1000}
    tool_time: {dist: lognormal, mean: 1s, sigma: 1, min: 20ms}
    think_time: {dist: exponential, mean: 300ms, floor: 50ms})";
  const std::string platform = platform_with_cpu(dir, 2);
  const SessionRun fast = run(dir, "fast", platform, busy, "simulation: {fast_forward: true}");
  const SessionRun step = run(dir, "step", platform, busy, "simulation: {fast_forward: false}");
  EXPECT_FALSE(fast.requests.empty());
  EXPECT_EQ(fast.requests, step.requests);
  nlohmann::json a = fast.summary, b = step.summary;
  a["scenario"].erase("name");
  b["scenario"].erase("name");
  EXPECT_EQ(a.dump(), b.dump());
  EXPECT_EQ(fast.summary["requests"]["arrived"], fast.summary["requests"]["completed"]);
  EXPECT_GT(fast.summary["requests"]["arrived"].get<int>(), 40);
}

TEST(Sessions, ConfigErrorsNameTheKey) {
  const std::string dir = test::temp_dir("errors");
  const std::string both = test::write_file(dir + "/both.yaml", fmt::format(R"(name: both
platform: {}
model: llama-3.1-70b
deployment: {{replicas: 1, tp: 8}}
workload:
{}
  synthetic:
    arrivals: {{process: poisson, rate: 1}}
    input_tokens: {{dist: fixed, value: 10}}
    output_tokens: {{dist: fixed, value: 10}}
)",
                                                                            test::source_path("platforms/hgx-h100.xml"),
                                                                            kSessions));
  auto r = test::run_cli("validate " + both);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("more than one of synthetic, trace and sessions"), std::string::npos) << r.err;
  const std::string host = test::write_file(
      dir + "/host.yaml", fmt::format("name: host\nplatform: {}\nmodel: llama-3.1-70b\ndeployment: {{replicas: 1, tp: 8}}\n"
                                      "workload:\n{}\n    tool_host: nosuchhost\n",
                                      test::source_path("platforms/hgx-h100.xml"), kSessions));
  r = test::run_cli("validate " + host);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("workload.sessions.tool_host: the platform"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no host named 'nosuchhost'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tokenfab
