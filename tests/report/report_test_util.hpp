// Shared by the report tests (header-only: tests/CMakeLists.txt compiles *_test.cpp files only):
// small runs made with the tokenfab binary, and headless Chromium.
#pragma once

#include <sys/wait.h>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/support/test_support.hpp"

namespace tokenfab::test {
namespace fs = std::filesystem;

// What headless Chromium gave back.
struct BrowserResult {
  int exit_code = -1;
  std::string dom;  // --dump-dom output
  std::string stderr_text;
};


// A small scenario (HGX H100, Llama-3.1-70B, `requests` Poisson arrivals at `rate`/s) with an
// SLO and a price for untiered requests; returns the scenario path.
inline std::string write_small_scenario(const std::string& dir, const std::string& name, double rate, int requests) {
  return write_file(dir + "/" + name + ".yaml", fmt::format(R"(name: {0}
description: report test, Llama-3.1-70B FP8 on one HGX H100 node at {1} requests/s
seed: 3
platform: {2}
model: llama-3.1-70b
deployment:
  tp: 8
workload:
  requests: {3}
  synthetic:
    arrivals: {{process: poisson, rate: {1}}}
    input_tokens: {{dist: lognormal, mean: 1024, sigma: 0.8, max: 8192}}
    output_tokens: {{dist: lognormal, mean: 200, sigma: 0.6, max: 1024}}
economics:
  untiered: {{ttft: 400ms, tpot: 40ms, price: 6}}
)",
                                                            name, rate, source_path("platforms/hgx-h100.xml"), requests));
}

// Runs `tokenfab run` on it into `out_dir` (fails the test on a non-zero exit).
inline void run_small(const std::string& dir, const std::string& name, double rate, int requests, const std::string& out_dir) {
  const std::string scenario = write_small_scenario(dir, name, rate, requests);
  const auto r = run_cli("run -q " + scenario + " -o " + out_dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

// Debian's libjs-vega; the report writer needs it.
inline bool vega_installed() { return fs::exists("/usr/share/javascript/vega/vega-view.min.js"); }

// Empty when Chromium is not installed.
inline std::string chromium_path() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (fs::exists(p)) return p;
  }
  return "";
}

// Opens `html` in headless Chromium with a fresh profile, lets the page run for up to 20 s of
// virtual time, and returns the serialised DOM. With `screenshot` set, also saves a PNG there.
inline BrowserResult open_in_chromium(const std::string& html, const std::string& work_dir, const std::string& screenshot) {
  const std::string profile = work_dir + "/chromium-profile";
  fs::remove_all(profile);
  // Flags: run as root in a container (--no-sandbox), no GPU, and nothing that reaches the network.
  const std::string flags =
      "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
      "--disable-component-update --disable-sync --disable-extensions --hide-scrollbars --user-data-dir=" +
      profile + " --virtual-time-budget=20000";
  const std::string url = "file://" + fs::absolute(html).string();
  BrowserResult r;
  const std::string out = work_dir + "/dom.html", err = work_dir + "/chromium.stderr";
  const std::string cmd =
      "timeout 120 " + chromium_path() + " " + flags + " --dump-dom " + url + " >" + out + " 2>" + err + " </dev/null";
  const int status = std::system(cmd.c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.dom = read_file(out);
  r.stderr_text = read_file(err);
  if (!screenshot.empty()) {
    fs::remove_all(profile);
    const std::string shot = "timeout 120 " + chromium_path() + " " + flags + " --window-size=1100,6400 --screenshot=" +
                             screenshot + " " + url + " >/dev/null 2>&1 </dev/null";
    (void)std::system(shot.c_str());
  }
  return r;
}

// Problems in a rendered report's DOM: charts not rendered, charts without drawn marks, errors
// the page recorded. Empty when all `expected_charts` charts rendered and nothing went wrong.
inline std::vector<std::string> report_dom_problems(const std::string& dom, int expected_charts) {
  std::vector<std::string> problems;
  if (dom.find("data-state=\"done\"") == std::string::npos) problems.push_back("the page never marked its charts done");
  const std::string rendered = fmt::format("data-charts=\"{}\"", expected_charts);
  if (dom.find(rendered) == std::string::npos) problems.push_back("the page did not report " + rendered);
  // Errors the page recorded (script errors, console errors and warnings).
  const auto errors = dom.find("<ul id=\"tf-errors\"");
  if (errors == std::string::npos) {
    problems.push_back("no error list in the page");
  } else {
    const std::string list = dom.substr(errors, dom.find("</ul>", errors) - errors);
    if (list.find("<li") != std::string::npos) problems.push_back("page errors: " + list);
  }
  for (int k = 1; k <= expected_charts; ++k) {
    const std::string id = fmt::format("id=\"chart-{}\"", k);
    const auto begin = dom.find(id);
    if (begin == std::string::npos) {
      problems.push_back("no container " + id);
      continue;
    }
    const std::string chart = dom.substr(begin, dom.find("</figure>", begin) - begin);
    if (chart.find("data-rendered=\"true\"") == std::string::npos) problems.push_back(id + " not rendered");
    if (chart.find("<svg") == std::string::npos) problems.push_back(id + " has no <svg>");
    // Data marks are <g class="mark-TYPE role-mark [name]"> groups; at least one that is not a
    // group mark (whose background path is drawn even without data) must hold a drawn path.
    int drawn = 0;
    for (auto pos = chart.find("class=\"mark-"); pos != std::string::npos; pos = chart.find("class=\"mark-", pos + 1)) {
      const auto type_begin = pos + 12;  // past class="mark-
      const auto type_end = chart.find(' ', type_begin);
      if (type_end == std::string::npos) break;
      const std::string type = chart.substr(type_begin, type_end - type_begin);
      if (type == "group" || chart.compare(type_end, 10, " role-mark") != 0) continue;
      const auto end = chart.find("</g>", pos);
      const std::string group = chart.substr(pos, end - pos);
      if (group.find("<path") != std::string::npos && group.find("d=\"M") != std::string::npos) ++drawn;
    }
    if (drawn == 0) problems.push_back(id + " has no drawn data marks");
  }
  return problems;
}

// Number of chart containers in a report's HTML.
inline int chart_count(const std::string& html) {
  int n = 0;
  for (auto pos = html.find("class=\"vega-chart\""); pos != std::string::npos;
       pos = html.find("class=\"vega-chart\"", pos + 1))
    ++n;
  return n;
}

}  // namespace tokenfab::test
