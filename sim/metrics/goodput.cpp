#include "sim/metrics/goodput.hpp"

#include <algorithm>
#include <numeric>

namespace tokenfab {
namespace {

void add(ClassGoodput& g, const RequestRecord& r, const ServiceClass& c) {
  ++g.arrived;
  if (r.outcome != Outcome::Completed) return;
  ++g.completed;
  g.output_tokens += r.request.output_tokens;
  g.ttft_sorted.push_back(r.ttft());
  if (r.has_tpot()) g.tpot_sorted.push_back(r.tpot());
  const bool ttft_ok = meets_ttft(r, c);
  const bool tpot_ok = meets_tpot(r, c);
  g.ttft_met += ttft_ok ? 1 : 0;
  g.tpot_met += tpot_ok ? 1 : 0;
  if (ttft_ok && tpot_ok) {
    ++g.good;
    g.good_output_tokens += r.request.output_tokens;
    g.good_input_tokens += r.request.input_tokens;
  }
}

void finish(ClassGoodput& g, double window) {
  std::sort(g.ttft_sorted.begin(), g.ttft_sorted.end());
  std::sort(g.tpot_sorted.begin(), g.tpot_sorted.end());
  if (g.arrived > 0) {
    const auto n = static_cast<double>(g.arrived);
    g.attainment = static_cast<double>(g.good) / n;
    g.ttft_attainment = static_cast<double>(g.ttft_met) / n;
    g.tpot_attainment = static_cast<double>(g.tpot_met) / n;
  }
  if (window > 0) {
    g.requests_per_s = static_cast<double>(g.completed) / window;
    g.good_requests_per_s = static_cast<double>(g.good) / window;
    g.output_tokens_per_s = static_cast<double>(g.output_tokens) / window;
    g.good_output_tokens_per_s = static_cast<double>(g.good_output_tokens) / window;
    g.good_input_tokens_per_s = static_cast<double>(g.good_input_tokens) / window;
  }
  // Speeds from the sorted TPOTs: the slowest users (p10 of speed) have the largest TPOTs.
  std::vector<double> speeds;
  speeds.reserve(g.tpot_sorted.size());
  for (auto it = g.tpot_sorted.rbegin(); it != g.tpot_sorted.rend(); ++it) {
    if (*it > 0) speeds.push_back(1.0 / *it);
  }
  g.speed.count = speeds.size();
  if (!speeds.empty()) {
    g.speed.mean = std::accumulate(speeds.begin(), speeds.end(), 0.0) / static_cast<double>(speeds.size());
    g.speed.p10 = percentile(speeds, 0.10);
    g.speed.p50 = percentile(speeds, 0.50);
  }
}

}  // namespace

bool meets_ttft(const RequestRecord& r, const ServiceClass& c) { return !c.ttft_limit || r.ttft() <= *c.ttft_limit; }

bool meets_tpot(const RequestRecord& r, const ServiceClass& c) {
  // A one-token answer has no TPOT: only its TTFT is judged.
  return !c.tpot_limit || !r.has_tpot() || r.tpot() <= *c.tpot_limit;
}

GoodputReport compute_goodput(const std::vector<RequestRecord>& records, const std::vector<ServiceClass>& tiers,
                              const ServiceClass& untiered, const std::function<int(const RequestRecord&)>& class_of,
                              double window) {
  GoodputReport rep;
  rep.window = window;
  rep.overall.service.name = "all";
  std::vector<ClassGoodput> per_tier(tiers.size());
  for (std::size_t i = 0; i < tiers.size(); ++i) per_tier[i].service = tiers[i];
  ClassGoodput none;
  none.service = untiered;
  none.service.name = "untiered";
  for (const auto& r : records) {
    const int k = class_of ? class_of(r) : -1;
    const bool tiered = k >= 0 && static_cast<std::size_t>(k) < tiers.size();
    const ServiceClass& c = tiered ? tiers[static_cast<std::size_t>(k)] : untiered;
    add(tiered ? per_tier[static_cast<std::size_t>(k)] : none, r, c);
    add(rep.overall, r, c);
  }
  for (auto& g : per_tier) {
    if (g.arrived == 0) continue;  // a tier of the table that no request used
    finish(g, window);
    rep.classes.push_back(std::move(g));
  }
  if (none.arrived > 0) {
    finish(none, window);
    rep.classes.push_back(std::move(none));
  }
  finish(rep.overall, window);
  return rep;
}

}  // namespace tokenfab
