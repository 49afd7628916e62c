// Sweeps through the tokenfab binary: parallel = sequential, shards merge into the whole, resume
// after an interruption, failing points, and bad axes refused before anything runs.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/batch/batch_support.hpp"

namespace tokenfab {
namespace {

using test::batch::make_sweep;
using test::batch::read_jsonl;
using test::batch::sweep_outputs;
namespace fs = std::filesystem;

// 3 rates x 2 tensor-parallel degrees x 2 repetitions = 12 points.
constexpr const char* kTwelve = R"(axes:
  workload.synthetic.arrivals.rate: {from: 2, to: 8, steps: 3}
  deployment.tp: [4, 8]
repetitions: 2
)";

int count_results(const std::string& out) {
  int n = 0;
  if (!fs::exists(out + "/points")) return 0;
  for (const auto& e : fs::directory_iterator(out + "/points")) n += fs::exists(e.path() / "result.json") ? 1 : 0;
  return n;
}

void expect_same_outputs(const std::string& a, const std::string& b) {
  for (const auto& f : sweep_outputs()) {
    ASSERT_TRUE(fs::exists(a + "/" + f)) << a << "/" << f;
    EXPECT_EQ(test::read_file(a + "/" + f), test::read_file(b + "/" + f)) << f << " differs between " << a << " and " << b;
  }
}

TEST(Sweep, ParallelRunEqualsSequentialRun) {
  const auto f = make_sweep("par", kTwelve);
  const auto par = test::run_cli("sweep " + f.sweep + " -j 2 -o " + f.dir + "/par");
  ASSERT_EQ(par.exit_code, 0) << par.out << par.err;
  const auto seq = test::run_cli("sweep " + f.sweep + " -o " + f.dir + "/seq");
  ASSERT_EQ(seq.exit_code, 0) << seq.out << seq.err;
  expect_same_outputs(f.dir + "/par", f.dir + "/seq");

  const auto rows = read_jsonl(f.dir + "/par/results.jsonl");
  ASSERT_EQ(rows.size(), 12u);
  std::set<std::string> combos;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i]["index"].get<std::size_t>(), i);
    EXPECT_EQ(rows[i]["status"], "ok") << rows[i]["error"];
    combos.insert(rows[i]["params"].dump() + rows[i]["rep"].dump());
    // Repetition r runs under the base seed (3) + r.
    EXPECT_EQ(rows[i]["seed"].get<int>(), 3 + rows[i]["rep"].get<int>());
    // The point ran with its parameters: its summary shows the tensor-parallel degree.
    EXPECT_EQ(rows[i]["summary"]["replicas"][0]["tp"].get<int>(), std::stoi(rows[i]["params"]["deployment.tp"].get<std::string>()));
  }
  EXPECT_EQ(combos.size(), 12u);
  // Grid order: first axis slowest, repetitions innermost; range end points exact.
  EXPECT_EQ(rows[0]["params"]["workload.synthetic.arrivals.rate"], "2");
  EXPECT_EQ(rows[4]["params"]["workload.synthetic.arrivals.rate"], "5");
  EXPECT_EQ(rows[11]["params"]["workload.synthetic.arrivals.rate"], "8");
  EXPECT_EQ(rows[2]["params"]["deployment.tp"], "8");

  // A point's scenario file stands alone (relative paths of the base were resolved): running it
  // gives the point's summary again.
  const std::string point = f.dir + "/par/points/p0005";
  const auto again = test::run_cli("run -q " + point + "/scenario.yaml -o " + f.dir + "/again");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(test::read_file(f.dir + "/again/summary.json"), test::read_file(point + "/summary.json"));
}

TEST(Sweep, ShardsMergeIntoExactlyTheWholeSweep) {
  const auto f = make_sweep("shards", kTwelve + std::string("expect: [\"ttft_p99 < 25ms\"]\n"));
  const auto whole = test::run_cli("sweep -q " + f.sweep + " -j 2 -o " + f.dir + "/whole --junit " + f.dir + "/whole/junit.xml");
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  std::string dirs;
  for (int k = 1; k <= 3; ++k) {
    const std::string out = f.dir + fmt::format("/shard{}", k);
    const auto r = test::run_cli(fmt::format("sweep -q {} --shard {}/3 -o {}", f.sweep, k, out));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // The slice is points i with i mod 3 = k - 1, and nothing else.
    const auto rows = read_jsonl(out + fmt::format("/results.shard-{}-of-3.jsonl", k));
    ASSERT_EQ(rows.size(), 4u);
    for (const auto& row : rows) EXPECT_EQ(row["index"].get<int>() % 3, k - 1);
    EXPECT_EQ(count_results(out), 4);
    dirs += " " + out;
  }
  // Missing shards are named, not silently merged.
  const auto partial = test::run_cli("merge " + f.dir + "/shard1 " + f.dir + "/shard3 -o " + f.dir + "/partial");
  EXPECT_EQ(partial.exit_code, 2);
  EXPECT_NE(partial.err.find("4 of 12 point(s) have no result"), std::string::npos) << partial.err;
  EXPECT_NE(partial.err.find("p0001"), std::string::npos) << partial.err;

  const auto merged = test::run_cli("merge" + dirs + " -o " + f.dir + "/merged --junit " + f.dir + "/merged/junit.xml");
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  expect_same_outputs(f.dir + "/whole", f.dir + "/merged");
  EXPECT_EQ(test::read_file(f.dir + "/whole/junit.xml"), test::read_file(f.dir + "/merged/junit.xml"));
  EXPECT_EQ(count_results(f.dir + "/merged"), 12);
  // The merged folder is a complete sweep folder: the sweep resumes from it with nothing to run.
  const auto resumed = test::run_cli("sweep " + f.sweep + " -o " + f.dir + "/merged");
  EXPECT_NE(resumed.out.find("12 already done, 0 to run"), std::string::npos) << resumed.out;
  expect_same_outputs(f.dir + "/whole", f.dir + "/merged");
}

// What the finished points wrote (their logs and records), by folder.
std::map<std::string, std::string> finished_points(const std::string& out) {
  std::map<std::string, std::string> done;
  for (const auto& e : fs::directory_iterator(out + "/points")) {
    const auto r = e.path() / "result.json";
    if (fs::exists(r)) done[e.path().string()] = test::read_file((e.path() / "stdout.log").string()) + test::read_file(r.string());
  }
  return done;
}

void expect_untouched(const std::map<std::string, std::string>& before) {
  for (const auto& [dir, text] : before) {
    EXPECT_EQ(test::read_file(dir + "/stdout.log") + test::read_file(dir + "/result.json"), text) << dir << " was redone";
  }
}

TEST(Sweep, LimitedRunResumesWithoutRedoingFinishedPoints) {
  const auto f = make_sweep("resume", kTwelve);
  const std::string out = f.dir + "/out";
  const auto first = test::run_cli("sweep " + f.sweep + " -j 2 --limit 5 -o " + out);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("0 already done, 5 to run"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("7 point(s) not run yet"), std::string::npos) << first.out;
  EXPECT_EQ(read_jsonl(out + "/results.jsonl").size(), 5u);
  const auto five = finished_points(out);
  ASSERT_EQ(five.size(), 5u);

  // Two more; --check does not pass a sweep with points not run.
  const auto second = test::run_cli("sweep " + f.sweep + " --limit 2 --check -o " + out);
  EXPECT_EQ(second.exit_code, 3);
  EXPECT_NE(second.out.find("5 already done, 2 to run"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("p0011 (workload.synthetic.arrivals.rate=8 deployment.tp=8 rep=1): not run"), std::string::npos)
      << second.out;
  expect_untouched(five);
  auto seven = finished_points(out);
  ASSERT_EQ(seven.size(), 7u);

  // A torn results file does not matter (the points' own records are the truth), and a point
  // whose record is missing runs again.
  test::write_file(out + "/results.jsonl", "{\"index\": 0, \"trunc");
  const std::string lost = seven.rbegin()->first;
  fs::remove(lost + "/result.json");
  seven.erase(lost);
  const auto third = test::run_cli("sweep " + f.sweep + " -j 2 -o " + out);
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_NE(third.out.find("6 already done, 6 to run"), std::string::npos) << third.out;
  expect_untouched(seven);
  const auto fresh = test::run_cli("sweep -q " + f.sweep + " -o " + f.dir + "/fresh");
  ASSERT_EQ(fresh.exit_code, 0);
  expect_same_outputs(out, f.dir + "/fresh");
}

// Starts `tokenfab sweep` in the background (stdout and stderr to `log`) and returns once `points`
// points have their record, or after two minutes.
pid_t start_sweep_and_wait(const std::string& sweep, const std::string& out, const std::string& log, int points) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    execl(TOKENFAB_BIN, TOKENFAB_BIN, "sweep", sweep.c_str(), "-o", out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (pid > 0 && count_results(out) < points && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return pid;
}

// A folder without a record must not gain a summary.json: its process was stopped with the sweep.
void expect_no_orphans(const std::string& out) {
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  for (const auto& e : fs::directory_iterator(out + "/points")) {
    if (!fs::exists(e.path() / "result.json")) {
      EXPECT_FALSE(fs::exists(e.path() / "summary.json")) << e.path();
    }
  }
}

TEST(Sweep, TerminatedSweepStopsCleanlyAndResumes) {
  const auto f = make_sweep("term", kTwelve, "", 200);
  const std::string out = f.dir + "/out";
  const pid_t pid = start_sweep_and_wait(f.sweep, out, f.dir + "/sweep.log", 2);
  ASSERT_GT(pid, 0);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const int done = count_results(out);
  if (done == 12) GTEST_SKIP() << "the sweep finished before it could be stopped";
  const std::string log = test::read_file(f.dir + "/sweep.log");
  EXPECT_NE(log.find(fmt::format("interrupted: run the same command again to resume ({} point(s) left)", 12 - done)),
            std::string::npos)
      << log;
  // The outputs hold the points done, and only those.
  EXPECT_EQ(read_jsonl(out + "/results.jsonl").size(), static_cast<std::size_t>(done));
  expect_no_orphans(out);
  const auto resumed = test::run_cli("sweep -j 2 " + f.sweep + " -o " + out);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find(fmt::format("{} already done, {} to run", done, 12 - done)), std::string::npos) << resumed.out;
  EXPECT_EQ(read_jsonl(out + "/results.jsonl").size(), 12u);
}

TEST(Sweep, KilledSweepResumesWithoutRedoingFinishedPoints) {
  // Longer points (200 requests each) so that the kill lands mid-way.
  const auto f = make_sweep("kill", kTwelve, "", 200);
  const std::string out = f.dir + "/out";
  const pid_t pid = start_sweep_and_wait(f.sweep, out, f.dir + "/sweep.log", 3);
  ASSERT_GT(pid, 0);
  kill(pid, SIGKILL);  // no chance to clean up: the worst case
  int status = 0;
  waitpid(pid, &status, 0);
  const int done = count_results(out);
  expect_no_orphans(out);  // the running point died with its parent (PR_SET_PDEATHSIG)
  ASSERT_GE(done, 3);
  if (done == 12) GTEST_SKIP() << "the sweep finished before it could be killed";
  const auto before = finished_points(out);
  const auto resumed = test::run_cli("sweep " + f.sweep + " -j 2 -o " + out);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find(fmt::format("{} already done, {} to run", done, 12 - done)), std::string::npos) << resumed.out;
  expect_untouched(before);
  EXPECT_EQ(count_results(out), 12);
  const auto fresh = test::run_cli("sweep -q -j 2 " + f.sweep + " -o " + f.dir + "/fresh");
  ASSERT_EQ(fresh.exit_code, 0);
  expect_same_outputs(out, f.dir + "/fresh");
}

TEST(Sweep, FailingPointIsRecordedAndTheSweepGoesOn) {
  // BF16 Llama-3.1-70B fits on 8 H100s, not on one.
  const auto f = make_sweep("fail", "axes:\n  deployment.tp: [8, 1, 8]\n  deployment.precision.weights: [bf16]\n");
  const std::string junit = f.dir + "/junit.xml";
  const auto r = test::run_cli("sweep " + f.sweep + " -o " + f.dir + "/out --junit " + junit);
  ASSERT_EQ(r.exit_code, 0) << r.err;  // without --check a failed point is a result, not an error
  const auto rows = read_jsonl(f.dir + "/out/results.jsonl");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["status"], "ok");
  EXPECT_EQ(rows[1]["status"], "failed");
  EXPECT_EQ(rows[1]["exit_code"], 2);
  EXPECT_NE(rows[1]["error"].get<std::string>().find("does not fit"), std::string::npos) << rows[1]["error"];
  EXPECT_EQ(rows[2]["status"], "ok");
  EXPECT_NE(test::read_file(f.dir + "/out/results.csv").find("does not fit"), std::string::npos);
  EXPECT_EQ(test::batch::xpath(junit, "string(/testsuites/@errors)"), "1");
  EXPECT_EQ(test::batch::xpath(junit, "count(//testcase[error])"), "1");
  EXPECT_EQ(test::batch::xpath(junit, "string(//testcase[error]/@name)").rfind("p0001", 0), 0u);
  const auto checked = test::run_cli("sweep " + f.sweep + " -o " + f.dir + "/out --check");
  EXPECT_EQ(checked.exit_code, 3);
  EXPECT_NE(checked.out.find("p0001 (deployment.tp=1 deployment.precision.weights=bf16): run failed"), std::string::npos)
      << checked.out;
}

TEST(Sweep, BadAxesAreRefusedWithTheSweepFileLineAndKeyBeforeAnythingRuns) {
  struct Case {
    std::string body, needle;
  };
  const std::vector<Case> cases{
      {"axes:\n  deployment.replica: [1, 2]\n",
       "sw.yaml:4:3: axes.deployment.replica: point p0000 (deployment.replica=1) is not a valid scenario: "
       "deployment.replica: unknown key, did you mean 'replicas'?"},
      {"axes:\n  deployment.tp: [8, 2.5]\n", "sw.yaml:4:3: axes.deployment.tp: point p0001 (deployment.tp=2.5)"},
      {"axes:\n  model.name: [x]\n", "sw.yaml:4:3: axes.model.name: cannot set this path in the scenario"},
      {"mode: zip\naxes:\n  deployment.tp: [4, 8]\n  seed: [1, 2, 3]\n", "sw.yaml:6:3: axes.seed: zipped axes need equal lengths"},
      {"axes:\n  seed: {from: 1, to: 3}\n", "sw.yaml:4:9: axes.seed.steps: missing required key"},
      {"axes:\n  seed: [1]\nexpect: [\"ttft_p99 < 2\"]\n", "sw.yaml:5:10: expect[0]: 'ttft_p99 < 2': ttft_p99 is a time"},
      {"axes:\n  seed: [1]\nmetrics: [tokens_per_sec]\n", "did you mean 'tokens_per_s'?"},
      {"axes:\n  seed: [1]\npareto: [{x: replicas.0.tp, y: tokens_per_s}]\n", "has no known direction"},
      {"axis:\n  seed: [1]\n", "sw.yaml:3:1: axis: unknown key, did you mean 'axes'?"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto f = make_sweep(fmt::format("bad{}", i), cases[i].body);
    const auto r = test::run_cli("sweep " + f.sweep + " -o " + f.dir + "/out");
    EXPECT_EQ(r.exit_code, 2) << cases[i].body << r.out;
    EXPECT_NE(r.err.find(cases[i].needle), std::string::npos) << cases[i].body << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(f.dir + "/out")) << "something ran for\n" << cases[i].body;
  }
}

TEST(Sweep, SetChangesTheBaseForEveryPoint) {
  const auto f = make_sweep("set", "set:\n  workload.requests: 7\naxes:\n  seed: [1, 2]\n");
  const auto r = test::run_cli("sweep -q " + f.sweep + " -o " + f.dir + "/out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = read_jsonl(f.dir + "/out/results.jsonl");
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) {
    EXPECT_EQ(row["summary"]["requests"]["arrived"], 7);
    EXPECT_EQ(row["params"].size(), 1u);  // set: values are not columns
  }
  const auto bad = make_sweep("set-bad", "set:\n  workload.request: 7\n");
  const auto e = test::run_cli("sweep " + bad.sweep + " -o " + bad.dir + "/out");
  EXPECT_EQ(e.exit_code, 2);
  EXPECT_NE(e.err.find("sw.yaml:4:3: set.workload.request: point p0000"), std::string::npos) << e.err;
  EXPECT_NE(e.err.find("did you mean 'requests'?"), std::string::npos) << e.err;
}

TEST(Sweep, ShippedExamplesExpand) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(test::source_path("scenarios/sweeps"))) {
    const auto r = test::run_cli("sweep --dry-run " + e.path().string());
    EXPECT_EQ(r.exit_code, 0) << e.path() << "\n" << r.err;
    ++n;
  }
  EXPECT_GE(n, 3);
}

TEST(Sweep, DryRunListsEachShardsPoints) {
  const auto f = make_sweep("dry", kTwelve);
  const auto r = test::run_cli("sweep --dry-run --shard 2/5 " + f.sweep);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("p0001"), std::string::npos);
  EXPECT_NE(r.out.find("p0006"), std::string::npos);
  EXPECT_NE(r.out.find("p0011"), std::string::npos);
  EXPECT_EQ(r.out.find("p0002"), std::string::npos);
  EXPECT_NE(r.out.find("12 point(s)"), std::string::npos);
}

}  // namespace
}  // namespace tokenfab
