// tokenfab trace stats FILE: what a trace holds (count, duration, rate, burstiness, lengths).
// tokenfab trace synth ... -o FILE: writes generated (or converted) traffic in any trace format.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "sim/cli/commands.hpp"
#include "sim/config/scenario.hpp"
#include "sim/workload/request_source.hpp"
#include "sim/workload/trace_stats.hpp"
#include "sim/workload/trace_writer.hpp"

namespace tokenfab::cli {
namespace {

TraceFormat parse_format(const std::string& text, const std::string& flag) {
  std::string names;
  for (const auto& [k, f] : trace_format_choices()) {
    if (k == text) return f;
    names += (names.empty() ? "" : "|") + k;
  }
  throw ConfigError({"command line", 0, 0}, flag, fmt::format("'{}' is not a trace format", text), "one of " + names);
}

struct StatsArgs {
  std::string file;
  std::string format = "auto";
  std::vector<std::string> columns;  // KEY=NAME
  bool json = false;
  bool skip_bad_rows = false;
};

int stats_command(const StatsArgs& a) {
  TraceOpenOptions o;
  o.format = parse_format(a.format, "--format");
  o.skip_bad_rows = a.skip_bad_rows;
  for (const auto& c : a.columns) {
    const auto eq = c.find('=');
    const std::string key = c.substr(0, eq), value = eq == std::string::npos ? "" : c.substr(eq + 1);
    auto bad = [&] {
      throw ConfigError({"command line", 0, 0}, "--column", fmt::format("'{}' is not KEY=NAME", c),
                        "arrival|time_unit|input_tokens|output_tokens|hash_ids|tier=NAME");
    };
    if (eq == std::string::npos || value.empty()) bad();
    if (key == "arrival") {
      o.columns.arrival = value;
    } else if (key == "input_tokens") {
      o.columns.input_tokens = value;
    } else if (key == "output_tokens") {
      o.columns.output_tokens = value;
    } else if (key == "hash_ids") {
      o.columns.hash_ids = value;
    } else if (key == "tier") {
      o.columns.tier = value;
    } else if (key == "time_unit") {
      for (const auto& [k, u] : time_unit_choices())
        if (k == value) o.columns.time_unit = u;
      if (!o.columns.time_unit) bad();
    } else {
      bad();
    }
  }
  auto reader = TraceReader::open(a.file, o);
  const TraceStats s = compute_trace_stats(*reader);
  std::cout << (a.json ? trace_stats_json(s) : trace_stats_text(s));
  return kExitOk;
}

struct SynthArgs {
  std::string from;  // YAML file with a workload: section (a scenario will do)
  std::string arrivals = "{process: poisson, rate: 1}";
  std::string input = "{dist: lognormal, mean: 1024, sigma: 0.8}";
  std::string output = "{dist: lognormal, mean: 256, sigma: 0.6}";
  std::string tier_mix;
  std::int64_t requests = 0;
  std::string duration;
  std::optional<std::uint64_t> seed;
  std::int64_t max_context = 131072;  // clip of open-ended lengths: Llama 3.1's context
  std::string format;
  std::string out;
};

// The workload, seed and tiers to generate from: a file's, or one assembled from the flags and
// read through the same schema as a scenario's (same defaults, same checks).
Scenario synth_scenario(const SynthArgs& a) {
  Scenario sc;
  if (!a.from.empty()) {
    const YamlNode doc = YamlNode::load_file(a.from);
    const auto w = doc.child("workload");
    if (!doc.is_map() || !w) doc.fail("no workload: section", "a scenario or a file with a workload: section");
    sc.workload = workload_schema().read(*w);
    sc.tiers = read_tier_table(doc.child("tiers"));
    if (const auto seed = doc.child("seed")) sc.seed = static_cast<std::uint64_t>(seed->as_integer());
    check_workload_tiers(*w, sc.workload, sc.tiers);
    const std::filesystem::path dir = std::filesystem::path(a.from).parent_path();
    resolve_workload_paths(sc.workload, [&](const std::string& p) {
      return p.empty() || std::filesystem::path(p).is_absolute() ? p : (dir / p).lexically_normal().string();
    });
  } else {
    std::string text = "workload:\n";
    if (a.requests > 0) text += fmt::format("  requests: {}\n", a.requests);
    if (!a.duration.empty()) text += fmt::format("  duration: {}\n", a.duration);
    if (!a.tier_mix.empty()) text += fmt::format("  tier_mix: {}\n", a.tier_mix);
    text += fmt::format("  synthetic:\n    arrivals: {}\n    input_tokens: {}\n    output_tokens: {}\n", a.arrivals,
                        a.input, a.output);
    const YamlNode doc = YamlNode::load_string(text, "trace synth flags");
    sc.workload = workload_schema().read(*doc.child("workload"));
    check_workload_tiers(*doc.child("workload"), sc.workload, sc.tiers);
  }
  if (a.seed) sc.seed = *a.seed;
  sc.file = a.from.empty() ? "trace synth flags" : a.from;  // where errors about the traffic point
  // A session's later turns arrive when earlier ones complete: only a run can produce them.
  if (sc.workload.sessions)
    throw ConfigError({sc.file, 0, 0}, "workload.sessions",
                      "agentic sessions cannot be written as a trace (later turns depend on the run)",
                      "a scenario with synthetic traffic or a trace; run the scenario and read its requests.csv");
  if (sc.workload.trace && sc.workload.requests == 0 && !sc.workload.duration) return sc;  // a whole trace
  if (sc.workload.requests == 0 && !sc.workload.duration)
    throw ConfigError({"command line", 0, 0}, "--requests", "the traffic has no end", "--requests N or --duration T");
  return sc;
}

int synth_command(const SynthArgs& a) {
  const Scenario sc = synth_scenario(a);
  const TraceFormat format = a.format.empty() ? format_for_extension(a.out) : parse_format(a.format, "--format");
  if (format == TraceFormat::Auto)
    throw ConfigError({"command line", 0, 0}, "--format", "auto is for reading", "csv|jsonl|azure|burstgpt|mooncake");
  auto source = make_request_source(sc, a.max_context);
  std::ofstream out(a.out, std::ios::binary);
  if (!out) throw ConfigError({a.out, 0, 0}, "-o", "cannot write this file");
  const bool tiers = !sc.workload.tier_mix.empty() || (sc.workload.trace && !sc.workload.trace->columns.tier.empty());
  TraceWriter writer(out, format, sc.tiers, tiers,
                     sc.workload.trace ? sc.workload.trace->hash_block_tokens : 512);
  std::uint64_t n = 0;
  double last = 0;
  while (auto r = source->next()) {
    writer.write(*r);
    last = r->arrival;
    ++n;
  }
  out.close();
  if (!out) throw ConfigError({a.out, 0, 0}, "-o", "writing failed (disk full?)");
  std::cout << fmt::format("wrote {} requests over {:.3f} s to {} (format {})\n", n, last, a.out, trace_format_name(format));
  return kExitOk;
}

const Register reg("trace", [](CLI::App& app) -> std::function<int()> {
  auto* cmd = app.add_subcommand("trace", "Inspect and generate request traces (docs/workloads.md)");
  cmd->require_subcommand(1);

  auto sa = std::make_shared<StatsArgs>();
  auto* stats = cmd->add_subcommand("stats", "Count, duration, mean rate, burstiness and length percentiles of a trace");
  stats->add_option("file", sa->file, "Trace file")->required();
  stats->add_option("--format", sa->format, "auto|csv|jsonl|azure|burstgpt|mooncake (default: detected)");
  stats->add_option("--column", sa->columns,
                    "Column name, KEY=NAME with KEY one of arrival, time_unit, input_tokens, output_tokens, hash_ids, "
                    "tier (repeatable)");
  stats->add_flag("--json", sa->json, "JSON output");
  stats->add_flag("--skip-bad-rows", sa->skip_bad_rows, "Skip and count malformed rows");

  auto ya = std::make_shared<SynthArgs>();
  auto* synth = cmd->add_subcommand("synth", "Write generated (or converted) traffic as a trace file");
  synth->add_option("--from", ya->from,
                    "YAML file with a workload: section (a scenario will do); a trace workload is converted");
  synth->add_option("--arrivals", ya->arrivals, "Arrival process as YAML, e.g. '{process: gamma, rate: 4, cv: 2}'");
  synth->add_option("--input", ya->input, "Prompt lengths as YAML, e.g. '{dist: lognormal, mean: 1024, sigma: 0.8}'");
  synth->add_option("--output", ya->output, "Output lengths as YAML, e.g. '{dist: fixed, value: 256}'");
  synth->add_option("--tier-mix", ya->tier_mix, "Tier shares as YAML, e.g. '{free: 0.7, premium: 0.3}'");
  synth->add_option("--requests", ya->requests, "Number of requests");
  synth->add_option("--duration", ya->duration, "Stop arrivals after this time, e.g. 10min");
  synth->add_option("--seed", ya->seed, "Seed (default: the file's, else 1)");
  synth->add_option("--max-context", ya->max_context, "Clip for lengths whose max is 0 (default 131072)");
  synth->add_option("--format", ya->format, "csv|jsonl|azure|burstgpt|mooncake (default: from the extension)");
  synth->add_option("-o,--out", ya->out, "Trace file to write")->required();

  return [cmd, stats, sa, ya]() {
    if (!cmd->parsed()) return -1;
    return stats->parsed() ? stats_command(*sa) : synth_command(*ya);
  };
});

}  // namespace
}  // namespace tokenfab::cli
