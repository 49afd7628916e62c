#include "sim/report/report.hpp"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "models/catalog.hpp"
#include "models/core/units.hpp"
#include "sim/report/summary_sections.hpp"
#include "sim/serving/prefix_cache.hpp"

namespace tokenfab {
namespace {

nlohmann::ordered_json dist_json(const Distribution& d) {
  return {{"count", d.count}, {"mean", d.mean}, {"p50", d.p50}, {"p90", d.p90}, {"p99", d.p99}, {"max", d.max}};
}

std::string ms(double s) { return fmt::format("{:.1f}", s * 1e3); }

// Rounds every number to 12 significant digits: far below any modelling error, and it keeps the
// file byte-identical when only the order of floating-point additions differs (e.g. energy
// integrated over fewer, longer SimGrid activities with fast_forward).
void round_numbers(nlohmann::ordered_json& j, int digits = 12) {
  if (j.is_number_float()) {
    j = std::stod(fmt::format("{:.{}g}", j.get<double>(), digits));
  } else if (j.is_structured()) {
    for (auto& child : j) round_numbers(child, digits);
  }
}

// What the trace source dropped or changed, so that no request disappears silently.
void print_workload(std::ostream& out, const WorkloadCounters& w) {
  fmt::print(out, "\n  trace ({}): {} rows read, {} requests emitted\n", w.format, w.rows, w.emitted);
  const std::pair<const char*, std::uint64_t> dropped[] = {{"bad rows skipped", w.bad_rows},
                                                           {"zero-token rows dropped", w.zero_token_rows},
                                                           {"rows before the window", w.outside_window},
                                                           {"rows filtered out", w.filtered},
                                                           {"rows sampled out", w.sampled_out},
                                                           {"prompts capped", w.capped_input},
                                                           {"outputs capped", w.capped_output}};
  for (const auto& [name, n] : dropped)
    if (n > 0) fmt::print(out, "  {:<28} {:>14}\n", name, n);
  if (w.bad_rows > 0) fmt::print(out, "  first bad row: {}\n", w.first_bad_row);
}

void print_tiers(std::ostream& out, const std::vector<TierSummary>& tiers) {
  fmt::print(out, "\n  {:<18} {:>8} {:>9} {:>9} {:>10} {:>10} {:>12} {:>10}\n", "tier", "requests", "met SLO",
             "TTFT p99", "TPOT p99", "tok/s/user", "goodput", "$/hour");
  fmt::print(out, "  {:<18} {:>8} {:>9} {:>9} {:>10} {:>10} {:>12} {:>10}\n", "", "", "", "(ms)", "(ms)", "target",
             "(tok/s)", "");
  for (const auto& t : tiers) {
    fmt::print(out, "  {:<18} {:>8} {:>8.1f}% {:>9} {:>10} {:>10.0f} {:>12.1f} {:>10.2f}\n", t.name, t.arrived,
               t.attainment * 100, ms(t.ttft.p99), ms(t.tpot.p99), t.output_speed, t.goodput_tokens_per_s,
               t.revenue_per_hour);
  }
}

}  // namespace

void print_summary_table(std::ostream& out, const RunResult& run) {
  const Summary& s = run.summary;
  const auto& sc = run.scenario;
  fmt::print(out, "tokenfab: {}\n", sc.name);
  for (const auto& r : run.replicas) {
    // Devices = tp x dp x pp (a 256-chip LPU replica of tp 16 is 256 x groq-lpu).
    fmt::print(out, "  replica {} ({}): {} x {} (tp {}), weights {:.1f} GB/GPU, KV capacity {} tokens\n", r.index, r.role,
               r.hosts.size(), r.device, r.tp, r.weight_bytes_per_gpu / 1e9, r.kv_capacity_tokens);
  }
  fmt::print(out, "\n");
  fmt::print(out, "  {:<28} {:>14}\n", "requests arrived", s.arrived);
  fmt::print(out, "  {:<28} {:>14}\n", "requests completed", s.completed);
  fmt::print(out, "  {:<28} {:>14}\n", "requests rejected", s.rejected);
  fmt::print(out, "  {:<28} {:>14}\n", "requests in flight at end", s.in_flight);
  fmt::print(out, "  {:<28} {:>14.3f}\n", "simulated time (s)", s.sim_time);
  fmt::print(out, "  {:<28} {:>14.2f}\n", "requests/s", s.requests_per_s);
  fmt::print(out, "  {:<28} {:>14.1f}\n", "input tokens/s", s.input_tokens_per_s);
  fmt::print(out, "  {:<28} {:>14.1f}\n", "output tokens/s", s.output_tokens_per_s);
  fmt::print(out, "  {:<28} {:>14.3f}\n", "GPU busy fraction", s.gpu_busy_fraction);
  fmt::print(out, "  {:<28} {:>14.1f}\n", "device power, average (kW)", s.energy.average_power_w / 1e3);
  fmt::print(out, "  {:<28} {:>14.3f}\n", "device J per output token", s.energy.joules_per_output_token);
  if (s.energy.cpu_joules > 0 && s.energy.measured_over_s > 0)
    fmt::print(out, "  {:<28} {:>14.1f}\n", "host CPU power, avg (kW)", s.energy.cpu_joules / s.energy.measured_over_s / 1e3);
  fmt::print(out, "\n  {:<12} {:>10} {:>10} {:>10} {:>10}\n", "latency (ms)", "mean", "p50", "p90", "p99");
  for (const auto& [name, d] : {std::pair<const char*, const Distribution&>{"TTFT", s.ttft},
                                {"TPOT", s.tpot},
                                {"E2E", s.e2e},
                                {"queueing", s.queueing},
                                {"KV transfer", s.kv_transfer}}) {
    if (d.count == 0) continue;
    fmt::print(out, "  {:<12} {:>10} {:>10} {:>10} {:>10}\n", name, ms(d.mean), ms(d.p50), ms(d.p90), ms(d.p99));
  }
  if (s.workload.trace) print_workload(out, s.workload);
  if (!s.tiers.empty()) print_tiers(out, s.tiers);
}

std::string summary_json(const RunResult& run) {
  const Summary& s = run.summary;
  const auto& sc = run.scenario;
  nlohmann::ordered_json j;
  j["schema_version"] = kSummarySchemaVersion;
  j["scenario"] = {{"name", sc.name}, {"seed", sc.seed}, {"model", sc.model}, {"platform", sc.platform}};
  nlohmann::ordered_json reps = nlohmann::ordered_json::array();
  for (const auto& r : run.replicas) {
    reps.push_back({{"index", r.index},
                    {"role", r.role},
                    {"device", r.device},
                    {"tp", r.tp},
                    {"hosts", r.hosts},
                    {"weight_bytes_per_gpu", r.weight_bytes_per_gpu},
                    {"kv_bytes_per_token_per_gpu", r.kv_bytes_per_token_per_gpu},
                    {"kv_capacity_tokens", r.kv_capacity_tokens},
                    {"link_bandwidth_Bps", r.link_bandwidth},
                    {"link_latency_s", r.link_latency}});
  }
  j["replicas"] = reps;
  j["requests"] = {{"arrived", s.arrived}, {"completed", s.completed}, {"rejected", s.rejected}, {"in_flight", s.in_flight}};
  j["time"] = {{"sim_time_s", s.sim_time},
               {"first_arrival_s", s.first_arrival},
               {"last_completion_s", s.last_completion},
               {"window_s", s.window}};
  j["throughput"] = {{"requests_per_s", s.requests_per_s},
                     {"input_tokens_per_s", s.input_tokens_per_s},
                     {"output_tokens_per_s", s.output_tokens_per_s},
                     {"total_tokens_per_s", s.total_tokens_per_s},
                     {"input_tokens", s.input_tokens},
                     {"output_tokens", s.output_tokens}};
  j["latency_s"] = {{"ttft", dist_json(s.ttft)},
                    {"tpot", dist_json(s.tpot)},
                    {"e2e", dist_json(s.e2e)},
                    {"queueing", dist_json(s.queueing)},
                    {"kv_transfer", dist_json(s.kv_transfer)}};
  j["utilisation"] = {{"gpu_busy_fraction", s.gpu_busy_fraction}, {"iterations", s.iterations}};
  const auto& e = s.energy;
  j["energy"] = {{"scope", "devices of the replicas (GPUs/LPUs), SimGrid host energy plugin"},
                 {"device_joules", e.device_joules},
                 {"measured_over_s", e.measured_over_s},
                 {"average_power_w", e.average_power_w},
                 {"joules_per_output_token", e.joules_per_output_token},
                 {"joules_per_token", e.joules_per_token},
                 {"output_tokens_per_s_per_mw", e.output_tokens_per_s_per_mw},
                 {"cpu_joules", e.cpu_joules}};
  // Present only for trace workloads and tiered workloads (docs/outputs.md).
  if (s.workload.trace) {
    const WorkloadCounters& w = s.workload;
    j["workload"] = {{"format", w.format},
                     {"rows", w.rows},
                     {"bad_rows", w.bad_rows},
                     {"first_bad_row", w.first_bad_row},
                     {"zero_token_rows", w.zero_token_rows},
                     {"outside_window", w.outside_window},
                     {"filtered", w.filtered},
                     {"sampled_out", w.sampled_out},
                     {"capped_input", w.capped_input},
                     {"capped_output", w.capped_output},
                     {"emitted", w.emitted},
                     {"time_factor", w.time_factor}};
  }
  if (!s.tiers.empty()) {
    nlohmann::ordered_json tiers = nlohmann::ordered_json::array();
    for (const auto& t : s.tiers) {
      tiers.push_back({{"name", t.name},
                       {"price_per_mtok", t.price_per_mtok},
                       {"output_speed_target", t.output_speed},
                       {"ttft_limit_s", t.ttft_limit},
                       {"arrived", t.arrived},
                       {"completed", t.completed},
                       {"rejected", t.rejected},
                       {"in_flight", t.in_flight},
                       {"met", t.met},
                       {"attainment", t.attainment},
                       {"output_tokens", t.output_tokens},
                       {"good_output_tokens", t.good_output_tokens},
                       {"goodput_tokens_per_s", t.goodput_tokens_per_s},
                       {"revenue_per_hour", t.revenue_per_hour},
                       {"ttft_s", dist_json(t.ttft)},
                       {"tpot_s", dist_json(t.tpot)}});
    }
    j["tiers"] = tiers;
  }
  if (s.prefix_cache.enabled) {
    const auto& c = s.prefix_cache;
    j["prefix_cache"] = {{"looked_up_blocks", c.looked_up_blocks},
                         {"hit_blocks", c.hit_blocks},
                         {"hit_rate", c.looked_up_blocks > 0 ? static_cast<double>(c.hit_blocks) /
                                                                   static_cast<double>(c.looked_up_blocks)
                                                             : 0.0},
                         {"prefill_tokens_saved", c.prefill_tokens_saved}};
  }
  if (s.sessions.enabled) {
    const auto& g = s.sessions;
    j["sessions"] = {{"started", g.sessions_started},
                     {"completed", g.sessions_completed},
                     {"turns_finished", g.turns_finished},
                     {"tool_calls", g.tool_calls},
                     {"tool_seconds_mean", g.tool_calls_finished > 0 ? g.tool_seconds / static_cast<double>(g.tool_calls_finished) : 0.0},
                     {"tool_calls_on", g.tool_calls_on_hosts ? "cpu hosts" : "delays (no CPU host)"}};
  }
  if (s.prefix_cache.enabled && s.prefix_cache.offload) {
    // Hit rate of each tier over all looked-up blocks (they sum to the overall hit_rate).
    const auto& c = s.prefix_cache;
    nlohmann::ordered_json tiers;
    for (std::size_t t = 0; t < kCacheTiers; ++t) {
      tiers[cache_tier_name(static_cast<CacheTier>(t))] = {
          {"capacity_blocks", c.tier_capacity_blocks[t]},
          {"hit_blocks", c.tier_hit_blocks[t]},
          {"hit_rate", c.looked_up_blocks > 0 ? static_cast<double>(c.tier_hit_blocks[t]) /
                                                    static_cast<double>(c.looked_up_blocks)
                                              : 0.0}};
    }
    j["prefix_cache"]["tiers"] = tiers;
    j["prefix_cache"]["reload_s"] = c.reload_seconds;
  }
  if (s.preemption.mode != "none") {
    const auto& p = s.preemption;
    j["preemption"] = {{"mode", p.mode},
                       {"preemptions", p.preemptions},
                       {"requests_preempted", p.requests_preempted},
                       {"recomputed_tokens", p.recomputed_tokens},
                       {"swapped_out_tokens", p.swapped_out_tokens},
                       {"swap_s", p.swap_seconds}};
    if (p.mode == "swap") {
      // Swap space in host memory (null: the platform's CPUs have no catalog memory capacity).
      j["preemption"]["swap_space_tokens"] = p.swap_space_tokens >= 0 ? nlohmann::ordered_json(p.swap_space_tokens)
                                                                       : nlohmann::ordered_json(nullptr);
      j["preemption"]["swap_fallbacks"] = p.swap_fallbacks;
    }
  }
  if (s.failures.events > 0) {
    const auto& f = s.failures;
    j["failures"] = {{"events", f.events},
                     {"replicas_failed", f.replicas_failed},
                     {"replica_seconds_down", f.replica_seconds_down},
                     {"capacity_lost_fraction", f.capacity_lost_fraction},
                     {"requests_retried", f.requests_retried}};
    if (f.links_failed > 0) {
      j["failures"]["links_failed"] = f.links_failed;
      j["failures"]["kv_transfers_failed"] = f.kv_transfers_failed;
      j["failures"]["kv_transfers_retried"] = f.kv_transfers_retried;
      j["failures"]["requests_unreachable"] = f.requests_unreachable;
    }
    if (f.storage_nodes_failed > 0 || f.storage_blocks_unavailable > 0) {
      j["failures"]["storage_nodes_failed"] = f.storage_nodes_failed;
      j["failures"]["storage_blocks_unavailable"] = f.storage_blocks_unavailable;
    }
  }
  // Goodput per service class and the economics of the pod (docs/outputs.md).
  add_goodput_and_economics(j, run, Catalog(Catalog::default_root()));
  // Energy comes from SimGrid's integration over the devices' activities, whose float rounding
  // depends on how the busy time was cut into activities (~1e-11 relative): 6 digits.
  round_numbers(j["energy"], 6);
  round_numbers(j);
  return j.dump(2) + "\n";
}

void write_requests_csv(std::ostream& out, const RunResult& run) {
  out << "id,arrival_s,input_tokens,output_tokens,outcome,replica,first_scheduled_s,first_token_s,completion_s,"
         "ttft_s,tpot_s,e2e_s,decode_replica,kv_transfer_s,retries,reason,tier";
  // Agentic sessions add the session id and the turn (0-based) of each request, last.
  const bool sessions = run.summary.sessions.enabled;
  out << ",preemptions" << (sessions ? ",session,turn\n" : "\n");
  for (const auto& r : run.records) {
    const bool done = r.outcome == Outcome::Completed;
    fmt::print(out, "{},{:.9f},{},{},{},{},", r.request.id, r.request.arrival, r.request.input_tokens,
               r.request.output_tokens, outcome_name(r.outcome), r.replica);
    auto t = [&](bool ok, double v) { return ok ? fmt::format("{:.9f}", v) : std::string(); };
    fmt::print(out, "{},{},{},{},{},{},", t(r.first_scheduled >= 0, r.first_scheduled), t(r.first_token >= 0, r.first_token),
               t(done, r.completion), t(done, done ? r.ttft() : 0), t(done && r.has_tpot(), done && r.has_tpot() ? r.tpot() : 0),
               t(done, done ? r.e2e() : 0));
    fmt::print(out, "{},{},{},", r.decode_replica >= 0 ? std::to_string(r.decode_replica) : std::string(),
               t(r.has_kv_transfer(), r.has_kv_transfer() ? r.kv_transfer_time() : 0), r.request.retries);
    // Reasons never contain quotes; quote them because they may contain commas.
    out << (r.reason.empty() ? "" : "\"" + r.reason + "\"") << ",";
    const auto& tiers = run.scenario.tiers;
    if (r.request.tier >= 0 && r.request.tier < static_cast<int>(tiers.size()))
      out << tiers[static_cast<std::size_t>(r.request.tier)].name;
    out << "," << r.preemptions;
    if (sessions) out << "," << r.request.session << "," << r.request.turn;
    out << "\n";
  }
}

std::vector<std::string> write_outputs(const RunResult& run, const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::vector<std::string> written;
  const std::string summary_path = dir + "/summary.json";
  std::ofstream(summary_path) << summary_json(run);
  written.push_back(summary_path);
  if (run.scenario.output.requests_csv) {
    const std::string path = dir + "/requests.csv";
    std::ofstream csv(path);
    write_requests_csv(csv, run);
    written.push_back(path);
  }
  if (run.timeseries) {
    const std::string path = dir + "/timeseries.csv";
    std::ofstream csv(path);
    write_timeseries_csv(csv, *run.timeseries);
    written.push_back(path);
  }
  return written;
}

}  // namespace tokenfab
