#include "models/perf/throughput.hpp"

#include <algorithm>
#include <cmath>

namespace tokenfab {
namespace {

// 99th percentile of a Poisson count of mean n (normal approximation, z = 2.326).
std::int64_t poisson_p99(std::int64_t n) {
  return n + static_cast<std::int64_t>(std::ceil(2.326 * std::sqrt(static_cast<double>(n))));
}

// Adds `count` prompts' prefill: whole prompts of `input` tokens, the remainder as the last chunk
// of a prompt (its first input - rest tokens already cached).
void add_prefill(BatchShape& b, double tokens, std::int64_t input) {
  if (tokens <= 0 || input <= 0) return;
  const auto whole = static_cast<std::int64_t>(tokens / static_cast<double>(input));
  for (std::int64_t i = 0; i < whole; ++i) b.add(input, 0, true);
  const auto rest = static_cast<std::int64_t>(std::llround(tokens - static_cast<double>(whole * input)));
  if (rest > 0) b.add(rest, input - rest, true);
}

// `n` decoding sequences with `context` cached tokens each, as a scheduler adds them.
void add_decodes(BatchShape& b, std::int64_t n, std::int64_t context) {
  const double nd = static_cast<double>(n);
  b.new_tokens += n;
  b.sequences += n;
  b.logits += n;
  b.attention_pairs += nd * static_cast<double>(context + 1);
  b.kv_tokens_read += nd * static_cast<double>(context + 1);
}

}  // namespace

ThroughputPoint steady_state(const PerfModel& model, const ReplicaSetup& s, std::int64_t decoding,
                             const ServingLimits& lim) {
  ThroughputPoint p;
  const auto input = static_cast<std::int64_t>(std::llround(lim.input_tokens));
  const auto context = static_cast<std::int64_t>(std::llround(lim.input_tokens + lim.output_tokens / 2));
  const double prefill = lim.decode_only ? 0.0 : static_cast<double>(decoding) * lim.input_tokens / lim.output_tokens;

  BatchShape mean;
  add_decodes(mean, decoding, context);
  add_prefill(mean, prefill, input);
  const IterationCost c = model.price(mean);

  // With PP, pp micro-batches of this size are in flight: one leaves every pipeline interval.
  const double per_token = c.step_s > 0 ? c.seconds / c.step_s : 1.0;  // speculative normalisation
  const double interval = c.interval_s * per_token;
  p.decoding = decoding * s.pp;
  p.decoding_p99 = p.decoding;
  p.iteration_s = c.seconds;
  p.tpot_s = c.seconds;
  p.output_tokens_per_s = static_cast<double>(decoding) / interval;
  p.bound = c.bound;

  // The prompt a user waits on longest: it waits for the iteration under way, then is prefilled
  // first come first served in chunks of the budget the decodes leave, each chunk riding an
  // iteration that also carries the steady prefill (as much of it as the budget still holds).
  const double longest = lim.input_tokens_max > 0 ? lim.input_tokens_max : lim.input_tokens;
  const double room = std::max<double>(1.0, static_cast<double>(lim.max_batched_tokens - decoding));
  const double chunk = std::min(longest, room);
  BatchShape worst;
  add_decodes(worst, decoding, context);
  worst.add(static_cast<std::int64_t>(std::llround(chunk)), 0, true);
  add_prefill(worst, std::min(prefill, room - chunk), input);
  p.worst_iteration_s = model.price(worst).seconds;
  p.ttft_s = p.iteration_s + std::ceil(longest / room) * p.worst_iteration_s;
  return p;
}

ThroughputPoint max_throughput(const PerfModel& model, const ReplicaSetup& s, const MemoryPlan& plan,
                               const ServingLimits& lim) {
  // Concurrency limits, per micro-batch.
  const double per_seq = lim.input_tokens + lim.output_tokens * (lim.reserve_full_sequence ? 1.0 : 0.5);
  std::int64_t cap = static_cast<std::int64_t>(static_cast<double>(plan.kv_tokens) / per_seq) / s.pp;
  std::string limit = "KV capacity";
  // Decodes plus their share of prefill, decoding * (1 + input/output), must fit the budget.
  const auto budget = lim.decode_only ? lim.max_batched_tokens
                                      : static_cast<std::int64_t>(static_cast<double>(lim.max_batched_tokens) *
                                                                  lim.output_tokens / (lim.input_tokens + lim.output_tokens));
  if (budget < cap) {
    cap = budget;
    limit = "token budget";
  }
  if (lim.max_num_seqs > 0 && lim.max_num_seqs / s.pp < cap) {
    cap = lim.max_num_seqs / s.pp;
    limit = "max_num_seqs";
  }
  ThroughputPoint best;
  best.limit = "no feasible batch";
  if (cap < 1) return best;
  std::vector<std::int64_t> candidates;
  for (std::int64_t b = 1; b <= std::min<std::int64_t>(cap, 256); ++b) candidates.push_back(b);
  for (double b = 256; b < static_cast<double>(cap); b *= 1.02) candidates.push_back(static_cast<std::int64_t>(b));
  candidates.push_back(cap);
  for (const auto b : candidates) {
    const std::int64_t peak = lim.poisson_arrivals ? poisson_p99(b) : b;
    if (peak > cap) break;  // the memory (or budget) must hold the fluctuation
    ThroughputPoint p = steady_state(model, s, b, lim);
    p.decoding_p99 = peak * s.pp;
    const double tpot = peak == b ? p.tpot_s : steady_state(model, s, peak, lim).tpot_s;
    const bool tpot_ok = !lim.tpot_limit || tpot <= *lim.tpot_limit;
    const bool ttft_ok = !lim.ttft_limit || lim.decode_only || p.ttft_s <= *lim.ttft_limit;
    if (!tpot_ok || !ttft_ok) {
      // Latency grows with the batch: the first violation ends the search.
      if (best.decoding > 0) best.limit = !tpot_ok ? "TPOT limit" : "TTFT limit";
      else best.limit = !tpot_ok ? "TPOT limit (even at one sequence)" : "TTFT limit (even at one sequence)";
      return best;
    }
    if (p.output_tokens_per_s > best.output_tokens_per_s) {
      best = p;
      best.limit = limit;
    }
  }
  return best;
}

std::vector<SystemChoice> explore_system(const ReplicaSetup& base, int devices, const std::vector<int>& tps,
                                         double memory_reserve, int block_tokens, const ServingLimits& limits,
                                         const std::string& perf_model) {
  std::vector<SystemChoice> out;
  for (const int tp : tps) {
    ReplicaSetup s = base;
    s.tp = tp;
    if (s.devices() > devices || devices % s.devices() != 0 || setup_problem(s)) continue;
    SystemChoice c;
    c.plan = plan_memory(s, memory_reserve, block_tokens);
    if (!c.plan.fits) continue;
    const auto model = PerfModelRegistry::instance().create(perf_model, s);
    c.point = max_throughput(*model, s, c.plan, limits);
    c.replicas = devices / s.devices();
    c.tokens_per_s = c.point.output_tokens_per_s * c.replicas;
    c.setup = s;
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SystemChoice& a, const SystemChoice& b) { return a.tokens_per_s > b.tokens_per_s; });
  return out;
}

}  // namespace tokenfab
