#include "sim/metrics/summary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tokenfab {

std::string outcome_name(Outcome o) {
  switch (o) {
    case Outcome::Completed: return "completed";
    case Outcome::Rejected: return "rejected";
    case Outcome::InFlight: return "in_flight";
  }
  return "?";
}

double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

Distribution describe(std::vector<double> v) {
  Distribution d;
  d.count = v.size();
  if (v.empty()) return d;
  std::sort(v.begin(), v.end());
  d.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  d.p50 = percentile(v, 0.50);
  d.p90 = percentile(v, 0.90);
  d.p99 = percentile(v, 0.99);
  d.max = v.back();
  return d;
}

Summary summarize(const std::vector<RequestRecord>& records, double sim_time, double gpu_busy_seconds, int gpus,
                  std::uint64_t iterations) {
  Summary s;
  s.sim_time = sim_time;
  s.iterations = iterations;
  std::vector<double> ttft, tpot, e2e, queueing, kv_transfer;
  bool any = false;
  for (const auto& r : records) {
    ++s.arrived;
    s.first_arrival = any ? std::min(s.first_arrival, r.request.arrival) : r.request.arrival;
    any = true;
    switch (r.outcome) {
      case Outcome::Rejected: ++s.rejected; break;
      case Outcome::InFlight: ++s.in_flight; break;
      case Outcome::Completed:
        ++s.completed;
        s.input_tokens += r.request.input_tokens;
        s.output_tokens += r.request.output_tokens;
        s.last_completion = std::max(s.last_completion, r.completion);
        ttft.push_back(r.ttft());
        e2e.push_back(r.e2e());
        queueing.push_back(r.queueing());
        if (r.has_tpot()) tpot.push_back(r.tpot());
        if (r.has_kv_transfer()) kv_transfer.push_back(r.kv_transfer_time());
        break;
    }
  }
  s.window = s.completed > 0 ? s.last_completion - s.first_arrival : 0;
  if (s.window > 0) {
    s.requests_per_s = static_cast<double>(s.completed) / s.window;
    s.input_tokens_per_s = static_cast<double>(s.input_tokens) / s.window;
    s.output_tokens_per_s = static_cast<double>(s.output_tokens) / s.window;
    s.total_tokens_per_s = s.input_tokens_per_s + s.output_tokens_per_s;
  }
  s.ttft = describe(std::move(ttft));
  s.tpot = describe(std::move(tpot));
  s.e2e = describe(std::move(e2e));
  s.queueing = describe(std::move(queueing));
  s.kv_transfer = describe(std::move(kv_transfer));
  s.gpu_busy_fraction = (sim_time > 0 && gpus > 0) ? gpu_busy_seconds / (sim_time * gpus) : 0;
  return s;
}

void finish_energy(Summary& s) {
  EnergyFigures& e = s.energy;
  e.average_power_w = e.measured_over_s > 0 ? e.device_joules / e.measured_over_s : 0;
  e.joules_per_output_token = s.output_tokens > 0 ? e.device_joules / static_cast<double>(s.output_tokens) : 0;
  const auto tokens = s.input_tokens + s.output_tokens;
  e.joules_per_token = tokens > 0 ? e.device_joules / static_cast<double>(tokens) : 0;
  e.output_tokens_per_s_per_mw = e.average_power_w > 0 ? s.output_tokens_per_s / (e.average_power_w / 1e6) : 0;
}

std::vector<TierSummary> summarize_tiers(const std::vector<RequestRecord>& records, const std::vector<TierSpec>& table,
                                         double window) {
  std::vector<TierSummary> out(table.size());
  std::vector<std::vector<double>> ttft(table.size()), tpot(table.size());
  for (std::size_t i = 0; i < table.size(); ++i) {
    out[i].name = table[i].name;
    out[i].price_per_mtok = table[i].price_per_mtok;
    out[i].output_speed = table[i].output_speed;
    out[i].ttft_limit = table[i].ttft;
  }
  for (const auto& r : records) {
    if (r.request.tier < 0 || r.request.tier >= static_cast<int>(table.size())) continue;
    const auto i = static_cast<std::size_t>(r.request.tier);
    TierSummary& t = out[i];
    ++t.arrived;
    if (r.outcome == Outcome::Rejected) ++t.rejected;
    if (r.outcome == Outcome::InFlight) ++t.in_flight;
    if (r.outcome != Outcome::Completed) continue;
    ++t.completed;
    t.output_tokens += r.request.output_tokens;
    ttft[i].push_back(r.ttft());
    if (r.has_tpot()) tpot[i].push_back(r.tpot());
    const bool fast = !r.has_tpot() || r.tpot() * table[i].output_speed <= 1.0;
    if (r.ttft() <= table[i].ttft && fast) {
      ++t.met;
      t.good_output_tokens += r.request.output_tokens;
    }
  }
  std::vector<TierSummary> present;
  for (std::size_t i = 0; i < out.size(); ++i) {
    TierSummary& t = out[i];
    if (t.arrived == 0) continue;
    t.attainment = static_cast<double>(t.met) / static_cast<double>(t.arrived);
    if (window > 0) {
      t.goodput_tokens_per_s = static_cast<double>(t.good_output_tokens) / window;
      t.revenue_per_hour = t.price_per_mtok * t.goodput_tokens_per_s * 3600.0 / 1e6;
    }
    t.ttft = describe(std::move(ttft[i]));
    t.tpot = describe(std::move(tpot[i]));
    present.push_back(std::move(t));
  }
  return present;
}

}  // namespace tokenfab
