// Helpers of the batch tests: a tiny base scenario (20 requests, its own copy of the platform
// next to it, referenced by a relative path) and a sweep file in another folder. Header-only,
// since the test build compiles *_test.cpp files only.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.hpp"

namespace tokenfab::test::batch {

// The base scenario text (llama-3.1-70b on one HGX H100, Poisson arrivals).
inline std::string base_scenario(double rate, int requests, const std::string& extra = "") {
  return fmt::format(R"(name: tiny
seed: 3
platform: p.xml
model: llama-3.1-70b
deployment: {{tp: 8}}
output: {{requests_csv: false}}
workload:
  requests: {}
  synthetic:
    arrivals: {{process: poisson, rate: {}}}
    input_tokens: {{dist: uniform, min: 64, max: 512}}
    output_tokens: {{dist: uniform, min: 2, max: 64}}
{})",
                     requests, rate, extra);
}

struct SweepFixture {
  std::string dir;    // the test's folder
  std::string sweep;  // the sweep file: dir/sweeps/sw.yaml
  std::string base;   // the base scenario: dir/base/s.yaml, with dir/base/p.xml
};

// `sweep_body` follows the `scenario:` line (axes, repetitions, expect ...); `base_extra` is
// appended to the base scenario.
inline SweepFixture make_sweep(const std::string& tag, const std::string& sweep_body, const std::string& base_extra = "",
                               int requests = 20) {
  SweepFixture f;
  f.dir = temp_dir(tag);
  write_file(f.dir + "/base/p.xml", read_file(source_path("platforms/hgx-h100.xml")));
  f.base = write_file(f.dir + "/base/s.yaml", base_scenario(4, requests, base_extra));
  f.sweep = write_file(f.dir + "/sweeps/sw.yaml", "name: sw\nscenario: ../base/s.yaml\n" + sweep_body);
  return f;
}

// results.jsonl as parsed records.
inline std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

// Files every whole sweep writes; compared byte for byte between runs.
inline const std::vector<std::string>& sweep_outputs() {
  static const std::vector<std::string> files{"plan.json", "results.jsonl", "results.csv", "pareto.json"};
  return files;
}

// `xmllint --xpath EXPR FILE` (libxml2's parser, Debian libxml2-utils): the value, without the
// final newline; `ok` says whether the file parsed (if not, the text is xmllint's complaint).
inline std::string xpath(const std::string& file, const std::string& expr, bool* ok = nullptr) {
  const std::string out = file + ".xpath";
  const int status = std::system(fmt::format("xmllint --xpath '{}' '{}' >'{}' 2>&1", expr, file, out).c_str());
  const bool good = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (ok) *ok = good;
  std::string text = read_file(out);  // on failure, xmllint's complaint
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace tokenfab::test::batch
