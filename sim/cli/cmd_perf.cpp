// tokenfab perf --device D --model M ...: iteration times of one replica over a grid of batch
// sizes and context lengths (with the bound: compute, memory, network or overhead), its memory
// plan, and with --throughput the saturated throughput of a whole system. No simulation runs.
#include <iostream>
#include <memory>
#include <optional>

#include "models/catalog.hpp"
#include "models/efficiency.hpp"
#include "models/perf/memory_plan.hpp"
#include "models/perf/throughput.hpp"
#include "sim/cli/commands.hpp"

namespace tokenfab::cli {
namespace {

// Per-hop latency of a scale-up link when none is given: two 0.25 us NVSwitch hops, as in
// platforms/hgx-h100.xml (estimate: NVSwitch port-to-port latency is sub-microsecond).
constexpr double kDefaultLinkLatency = 0.5e-6;

struct PerfArgs {
  std::string catalog, device, model, perf_model = "roofline", table;
  int tp = 1, pp = 1, ep = 1, dp = 1;
  std::string weights = "fp8", experts, activations = "bf16", kv = "fp8";
  std::vector<std::int64_t> batch{1, 8, 32, 128, 512};
  std::vector<std::int64_t> context{1024, 8192, 32768};
  std::vector<std::int64_t> prefill{512, 2048, 8192};
  std::string link_bw, link_lat, group_bw, group_lat, stage_bw, stage_lat;
  int group_domain = 0;             // devices of the EP/DP group per scale-up domain (0: one domain)
  std::string cross_bw, cross_lat;  // path between devices of different domains
  std::string all_reduce = "auto";
  std::string spec = "none", draft_model;
  int draft_tokens = 1;
  double acceptance = 0;
  std::optional<double> flops, memory, network;
  std::string overhead;
  double memory_reserve = 0.1;
  int block_tokens = 16;
  // --throughput
  bool throughput = false;
  int devices = 0;
  std::vector<int> tps;
  double input = 1024, output = 256, input_max = 0;
  std::string tpot, ttft;
  std::int64_t max_batched_tokens = 8192, max_num_seqs = 0;
  bool poisson = false, reserve_full = false, decode_only = false;
};

[[noreturn]] void flag_error(const std::string& flag, const std::string& problem, const std::string& expected) {
  throw ConfigError({"command line", 0, 0}, flag, problem, expected);
}

double quantity(const std::string& flag, const std::string& text, Dimension dim) {
  try {
    return parse_quantity(text, dim);
  } catch (const UnitError& e) {
    flag_error(flag, e.what(), e.expected());
  }
}

Precision precision(const std::string& flag, const std::string& text) {
  for (const auto& [name, p] : precision_choices())
    if (name == text) return p;
  flag_error(flag, "'" + text + "' is not a precision", "fp4, fp8, bf16, fp16 or fp32");
}

ReplicaSetup make_setup(const PerfArgs& a, const Catalog& catalog) {
  ReplicaSetup s;
  s.model = catalog.llm(a.model);
  s.device = catalog.device(a.device);
  if (s.device.kind != DeviceKind::Gpu && s.device.kind != DeviceKind::Lpu)
    flag_error("--device", fmt::format("{} is a {}, not an accelerator", s.device.name, device_kind_name(s.device.kind)),
               "a gpu or lpu from `tokenfab list`");
  s.precision.weights = precision("--weights", a.weights);
  s.precision.activations = precision("--activations", a.activations);
  s.precision.kv_cache = precision("--kv", a.kv);
  if (!a.experts.empty()) s.precision.experts = precision("--experts", a.experts);
  if (!s.device.supports(s.precision.weights))
    flag_error("--weights", fmt::format("{} has no {} peak in its catalog entry", s.device.name, a.weights),
               "a precision the device supports");
  s.tp = a.tp;
  s.pp = a.pp;
  s.ep = a.ep;
  s.dp = a.dp;
  // Without a platform, devices talk over their own scale-up links (catalog: both directions).
  const double scale_up = s.device.scale_up.bandwidth ? s.device.scale_up.bandwidth->value / 2 : 0.0;
  s.link_bandwidth = a.link_bw.empty() ? scale_up : quantity("--link-bandwidth", a.link_bw, Dimension::Bandwidth);
  s.link_latency = a.link_lat.empty() ? kDefaultLinkLatency : quantity("--link-latency", a.link_lat, Dimension::Time);
  if (!a.group_bw.empty()) s.ep_link.bandwidth = quantity("--group-bandwidth", a.group_bw, Dimension::Bandwidth);
  s.ep_link.latency = a.group_lat.empty() ? s.link_latency : quantity("--group-latency", a.group_lat, Dimension::Time);
  if (a.group_domain > 0) {
    // The group spans scale-up domains of group_domain devices; the rest of its all-to-all goes
    // over the NICs (a platform run reads these from the routes).
    if (a.cross_bw.empty()) flag_error("--cross-bandwidth", "missing", "the NIC path bandwidth with --group-domain");
    s.group_domain = a.group_domain;
    s.cross_domain_link.bandwidth = quantity("--cross-bandwidth", a.cross_bw, Dimension::Bandwidth);
    s.cross_domain_link.latency =
        a.cross_lat.empty() ? s.ep_link.latency : quantity("--cross-latency", a.cross_lat, Dimension::Time);
    if (s.ep_link.bandwidth <= 0) s.ep_link.bandwidth = s.link_bandwidth;
  }
  if (!a.stage_bw.empty()) s.pp_link.bandwidth = quantity("--stage-bandwidth", a.stage_bw, Dimension::Bandwidth);
  s.pp_link.latency = a.stage_lat.empty() ? s.link_latency : quantity("--stage-latency", a.stage_lat, Dimension::Time);
  s.all_reduce = a.all_reduce == "ring" ? AllReduceAlgo::Ring : a.all_reduce == "tree" ? AllReduceAlgo::Tree : AllReduceAlgo::Auto;
  s.efficiency = efficiency_for(catalog, s.device.name);
  if (a.flops) s.efficiency.flops = *a.flops;
  if (a.memory) s.efficiency.memory = *a.memory;
  if (a.network) s.efficiency.network = *a.network;
  if (!a.overhead.empty()) s.efficiency.iteration_overhead = quantity("--overhead", a.overhead, Dimension::Time);
  s.speculative.method = a.spec == "mtp"           ? SpecMethod::Mtp
                         : a.spec == "draft_model" ? SpecMethod::DraftModel
                         : a.spec == "ngram"       ? SpecMethod::Ngram
                                                   : SpecMethod::None;
  s.speculative.draft_tokens = a.draft_tokens;
  s.speculative.acceptance_rate = a.acceptance;
  if (s.speculative.method == SpecMethod::DraftModel) {
    if (a.draft_model.empty()) flag_error("--draft-model", "missing", "the draft's LLM catalog name");
    s.speculative.draft_model = catalog.llm(a.draft_model);
  }
  s.profile_table = a.table;
  if (const auto problem = setup_problem(s)) flag_error("--tp/--pp/--ep/--dp/--spec", *problem, "a valid deployment");
  return s;
}

std::string ms(double s) { return fmt::format("{:.3f} ms", s * 1e3); }

void print_setup(std::ostream& out, const PerfArgs& a, const ReplicaSetup& s, const MemoryPlan& plan) {
  out << fmt::format("{} on {} x {} (tp {}, pp {}, ep {}, dp {}), weights {}{}, activations {}, KV {}; model {}\n",
                     s.model.name, s.devices(), s.device.name, s.tp, s.pp, s.ep, s.dp, precision_name(s.precision.weights),
                     s.precision.experts ? ", experts " + precision_name(*s.precision.experts) : "",
                     precision_name(s.precision.activations), precision_name(s.precision.kv_cache), a.perf_model);
  const auto& e = s.efficiency;
  out << fmt::format("efficiency: flops {:.2f}, memory {:.2f}, network {:.2f}, overhead {} (models/catalog/efficiency.yaml{})\n",
                     e.flops, e.memory, e.network, ms(e.iteration_overhead),
                     a.flops || a.memory || a.network || !a.overhead.empty() ? ", overridden" : "");
  out << fmt::format("links: TP {} {}", format_quantity(s.link_bandwidth, Dimension::Bandwidth),
                     format_quantity(s.link_latency, Dimension::Time));
  if (s.group_size() > 1)
    out << fmt::format(", EP/DP group {} {}", format_quantity(s.group_link().bandwidth, Dimension::Bandwidth),
                       format_quantity(s.group_link().latency, Dimension::Time));
  if (s.group_crosses_domains())
    out << fmt::format(" ({} per domain; across domains {} {})", s.group_domain,
                       format_quantity(s.cross_domain_link.bandwidth, Dimension::Bandwidth),
                       format_quantity(s.cross_domain_link.latency, Dimension::Time));
  if (s.pp > 1)
    out << fmt::format(", stage {} {}", format_quantity(s.stage_link().bandwidth, Dimension::Bandwidth),
                       format_quantity(s.stage_link().latency, Dimension::Time));
  out << " (per direction)\n";
  out << fmt::format("memory per device: weights {}, KV {} per token; {} usable of {} -> KV for {} tokens per replica\n",
                     format_quantity(plan.weight_bytes, Dimension::Size),
                     format_quantity(plan.kv_bytes_per_token, Dimension::Size), format_quantity(plan.usable, Dimension::Size),
                     format_quantity(plan.capacity, Dimension::Size), plan.kv_tokens);
  if (s.speculative.enabled())
    out << fmt::format("speculative: {} draft token(s), acceptance {:.2f} -> {:.2f} tokens per step\n",
                       s.speculative.draft_tokens, s.speculative.acceptance_rate, s.speculative.tokens_per_step());
}

void print_grid(std::ostream& out, const PerfArgs& a, const ReplicaSetup& s, const PerfModel& model) {
  out << "\ndecode: every sequence emits one token after `context` cached tokens\n";
  out << fmt::format("  {:>6} {:>8} {:>12} {:>12} {:>12} {:>10}{}\n", "batch", "context", "iteration", "tokens/s",
                     "tok/s/seq", "bound", s.pp > 1 ? fmt::format(" {:>12}", "pp interval") : "");
  for (const auto c : a.context) {
    for (const auto b : a.batch) {
      BatchShape shape;
      for (std::int64_t i = 0; i < b; ++i) shape.add(1, c, true);
      const IterationCost cost = model.price(shape);
      out << fmt::format("  {:>6} {:>8} {:>12} {:>12.0f} {:>12.1f} {:>10}{}\n", b, c, ms(cost.seconds),
                         static_cast<double>(b) / cost.seconds, 1.0 / cost.seconds, bound_name(cost.bound),
                         s.pp > 1 ? fmt::format(" {:>12}", ms(cost.interval_s)) : "");
    }
  }
  out << "\nprefill: one prompt of `tokens` tokens in one chunk\n";
  out << fmt::format("  {:>8} {:>12} {:>12} {:>10}\n", "tokens", "iteration", "tokens/s", "bound");
  for (const auto t : a.prefill) {
    BatchShape shape;
    shape.add(t, 0, true);
    const IterationCost cost = model.price(shape);
    out << fmt::format("  {:>8} {:>12} {:>12.0f} {:>10}\n", t, ms(cost.seconds), static_cast<double>(t) / cost.seconds,
                       bound_name(cost.bound));
  }
}

void print_throughput(std::ostream& out, const PerfArgs& a, const ReplicaSetup& s) {
  ServingLimits lim;
  lim.input_tokens = a.input;
  lim.output_tokens = a.output;
  lim.input_tokens_max = a.input_max;
  lim.max_batched_tokens = a.max_batched_tokens;
  lim.max_num_seqs = a.max_num_seqs;
  lim.poisson_arrivals = a.poisson;
  lim.reserve_full_sequence = a.reserve_full;
  lim.decode_only = a.decode_only;
  if (!a.tpot.empty()) lim.tpot_limit = quantity("--tpot", a.tpot, Dimension::Time);
  if (!a.ttft.empty()) lim.ttft_limit = quantity("--ttft", a.ttft, Dimension::Time);
  const int devices = a.devices > 0 ? a.devices : s.devices();
  const std::vector<int> tps = a.tps.empty() ? std::vector<int>{s.tp} : a.tps;
  const auto choices = explore_system(s, devices, tps, a.memory_reserve, a.block_tokens, lim, a.perf_model);
  out << fmt::format("\nsaturated throughput of {} x {}: prompts {:.0f} tokens (longest {:.0f}), answers {:.1f} tokens, "
                     "token budget {}, KV per sequence {}{}{}{}\n",
                     devices, s.device.name, a.input, a.input_max > 0 ? a.input_max : a.input, a.output,
                     a.max_batched_tokens, a.reserve_full ? "input+output (reserved)" : "input+output/2 (mean resident)",
                     lim.tpot_limit ? ", TPOT <= " + ms(*lim.tpot_limit) : "",
                     lim.ttft_limit ? ", TTFT <= " + ms(*lim.ttft_limit) : "",
                     std::string(a.poisson ? ", Poisson arrivals (p99 load)" : "") + (a.decode_only ? ", decode only" : ""));
  if (choices.empty()) {
    out << "  no tensor-parallel degree in the list fits in memory and divides the devices\n";
    return;
  }
  out << fmt::format("  {:>4} {:>8} {:>9} {:>12} {:>12} {:>12} {:>12} {:>12}  {}\n", "tp", "replicas", "decoding",
                     "iteration", "TTFT", "tokens/s", "per device", "bound", "stopped by");
  for (const auto& c : choices) {
    out << fmt::format("  {:>4} {:>8} {:>9} {:>12} {:>12} {:>12.0f} {:>12.0f} {:>12}  {}\n", c.setup.tp, c.replicas,
                       c.point.decoding, ms(c.point.iteration_s), ms(c.point.ttft_s), c.tokens_per_s,
                       c.tokens_per_s / devices, bound_name(c.point.bound), c.point.limit);
  }
}

int perf_command(const PerfArgs& a) {
  const Catalog catalog(a.catalog.empty() ? Catalog::default_root() : a.catalog);
  const ReplicaSetup s = make_setup(a, catalog);
  const MemoryPlan plan = plan_memory(s, a.memory_reserve, a.block_tokens);
  print_setup(std::cout, a, s, plan);
  if (!plan.fits && !a.throughput)
    throw ConfigError({"command line", 0, 0}, "--device/--tp", plan.refusal, "more devices or a smaller precision");
  if (plan.fits) {
    const auto model = PerfModelRegistry::instance().create(a.perf_model, s);
    print_grid(std::cout, a, s, *model);
  }
  if (a.throughput) print_throughput(std::cout, a, s);
  return kExitOk;
}

const Register reg("perf", [](CLI::App& app) -> std::function<int()> {
  auto a = std::make_shared<PerfArgs>();
  auto* cmd = app.add_subcommand("perf", "Iteration times of one replica over batch sizes and contexts (no simulation)");
  cmd->add_option("--device", a->device, "Hardware catalog name (tokenfab list)")->required();
  cmd->add_option("--model", a->model, "LLM catalog name (tokenfab list)")->required();
  cmd->add_option("--catalog", a->catalog, "Catalog folder");
  cmd->add_option("--tp", a->tp, "Tensor-parallel degree")->check(CLI::PositiveNumber);
  cmd->add_option("--pp", a->pp, "Pipeline stages")->check(CLI::PositiveNumber);
  cmd->add_option("--ep", a->ep, "Expert-parallel degree")->check(CLI::PositiveNumber);
  cmd->add_option("--dp", a->dp, "Attention data-parallel groups")->check(CLI::PositiveNumber);
  cmd->add_option("--weights", a->weights, "Weight precision (fp4, fp8, bf16)");
  cmd->add_option("--experts", a->experts, "MoE expert weight precision (default: --weights)");
  cmd->add_option("--activations", a->activations, "Activation precision");
  cmd->add_option("--kv", a->kv, "KV-cache precision");
  cmd->add_option("--batch", a->batch, "Decode batch sizes, comma-separated")->delimiter(',');
  cmd->add_option("--context", a->context, "Context lengths, comma-separated")->delimiter(',');
  cmd->add_option("--prefill", a->prefill, "Prefill chunk sizes, comma-separated")->delimiter(',');
  cmd->add_option("--link-bandwidth", a->link_bw, "TP link, per direction (default: half the device's scale-up)");
  cmd->add_option("--link-latency", a->link_lat, "TP link latency (default 0.5us)");
  cmd->add_option("--group-bandwidth", a->group_bw, "EP/DP group bottleneck bandwidth (default: the TP link)");
  cmd->add_option("--group-latency", a->group_lat, "EP/DP group latency");
  cmd->add_option("--group-domain", a->group_domain,
                  "EP/DP group devices per scale-up domain when the group spans domains (0: one domain)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--cross-bandwidth", a->cross_bw, "With --group-domain: bandwidth between domains (NIC path)");
  cmd->add_option("--cross-latency", a->cross_lat, "With --group-domain: latency between domains");
  cmd->add_option("--stage-bandwidth", a->stage_bw, "Pipeline stage-to-stage bandwidth (default: the TP link)");
  cmd->add_option("--stage-latency", a->stage_lat, "Pipeline stage-to-stage latency");
  cmd->add_option("--all-reduce", a->all_reduce, "auto, ring or tree")->check(CLI::IsMember({"auto", "ring", "tree"}));
  cmd->add_option("--spec", a->spec, "Speculative decoding: none, mtp, draft_model, ngram")
      ->check(CLI::IsMember({"none", "mtp", "draft_model", "ngram"}));
  cmd->add_option("--draft-tokens", a->draft_tokens, "Draft tokens per step")->check(CLI::PositiveNumber);
  cmd->add_option("--acceptance", a->acceptance, "Acceptance probability of each draft token")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--draft-model", a->draft_model, "Draft model (LLM catalog name)");
  cmd->add_option("--perf-model", a->perf_model, "roofline or profile_table")
      ->check(CLI::IsMember({"roofline", "profile_table"}));
  cmd->add_option("--table", a->table, "Profile table CSV (--perf-model profile_table)");
  cmd->add_option("--flops", a->flops, "Override the efficiency row: fraction of peak FLOP/s")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--memory", a->memory, "Override: fraction of peak memory bandwidth")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--network", a->network, "Override: fraction of link bandwidth")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--overhead", a->overhead, "Override: per-iteration overhead (e.g. 1ms)");
  cmd->add_option("--memory-reserve", a->memory_reserve, "Fraction of memory kept from the KV cache")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--block-tokens", a->block_tokens, "Paged-KV block size")->check(CLI::PositiveNumber);
  cmd->add_flag("--throughput", a->throughput, "Also search the saturated throughput of a system");
  cmd->add_option("--devices", a->devices, "Devices of the system (--throughput; default one replica)");
  cmd->add_option("--tps", a->tps, "Tensor-parallel degrees to try, comma-separated (--throughput; default --tp)")
      ->delimiter(',');
  cmd->add_option("--input", a->input, "Mean prompt tokens (--throughput)")->check(CLI::PositiveNumber);
  cmd->add_option("--output", a->output, "Mean answer tokens (--throughput)")->check(CLI::PositiveNumber);
  cmd->add_option("--input-max", a->input_max, "Longest prompt, for the TTFT estimate (--throughput)");
  cmd->add_option("--tpot", a->tpot, "TPOT limit, e.g. 200ms (--throughput)");
  cmd->add_option("--ttft", a->ttft, "TTFT limit, e.g. 2s (--throughput)");
  cmd->add_flag("--poisson", a->poisson, "Poisson arrivals: memory and TPOT hold at the p99 load (server)");
  cmd->add_flag("--decode-only", a->decode_only, "A decode pool: iterations carry no prefill (--throughput)");
  cmd->add_flag("--reserve-full", a->reserve_full, "KV reserved for input+output at admission (tokenfab's scheduler)");
  cmd->add_option("--max-batched-tokens", a->max_batched_tokens, "Token budget of an iteration")->check(CLI::PositiveNumber);
  cmd->add_option("--max-num-seqs", a->max_num_seqs, "Cap on decoding sequences (0: memory decides)");
  return [cmd, a]() { return cmd->parsed() ? perf_command(*a) : -1; };
});

}  // namespace
}  // namespace tokenfab::cli
