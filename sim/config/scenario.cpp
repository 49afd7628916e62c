#include "sim/config/scenario.hpp"

#include <filesystem>

#include "sim/batch/expectation.hpp"

namespace tokenfab {
namespace {

constexpr std::int64_t kMaxTokens = 100'000'000;  // longer than any model context

const std::vector<std::pair<std::string, Precision>>& precisions() { return precision_choices(); }

const Schema<Precisions>& precision_schema() {
  static const Schema<Precisions> s =
      Schema<Precisions>("precision", "Number formats per tensor class.")
          .choice("weights", &Precisions::weights, precisions(), "fp8", "Weights (and GEMM math: W8A8, W4A4).")
          .choice("activations", &Precisions::activations, precisions(), "bf16", "Activations exchanged between GPUs.")
          .choice("kv_cache", &Precisions::kv_cache, precisions(), "fp8", "KV cache.")
          .custom(ParamDoc("experts", "one of: fp4|fp8|bf16|fp16|fp32", "weights", false,
                           "MoE expert weights when they differ from the other weights (MXFP4/NVFP4 experts)."),
                  [](const std::optional<YamlNode>& n, const YamlNode&, Precisions& p) {
                    p.experts = std::nullopt;
                    if (!n) return;
                    const std::string v = n->as_string();
                    for (const auto& [k, prec] : precision_choices())
                      if (k == v) p.experts = prec;
                    if (!p.experts) n->fail(fmt::format("'{}' is not a precision", v), "fp4, fp8, bf16, fp16 or fp32");
                  });
  return s;
}

const Schema<PoolConfig>& pool_schema() {
  static const Schema<PoolConfig> s =
      Schema<PoolConfig>("pool", "One pool of replicas.")
          .integer<int>("replicas", &PoolConfig::replicas, 1, "Replicas in the pool.", Check::Positive, 1 << 20)
          .integer<int>("tp", &PoolConfig::tp, 1, "Tensor-parallel devices per replica.", Check::Positive, 4096)
          .integer<int>("pp", &PoolConfig::pp, 1, "Pipeline stages per replica.", Check::Positive, 4096)
          .integer<int>("ep", &PoolConfig::ep, 1, "Expert-parallel degree of the MoE layers.", Check::Positive, 4096)
          .integer<int>("dp", &PoolConfig::dp, 1, "Attention data-parallel groups per stage (devices = tp*dp*pp).",
                        Check::Positive, 4096)
          .text("device", &PoolConfig::device, "", "Only devices of this catalog name (empty: the next free ones).");
  return s;
}

const Schema<PoolsConfig>& pools_schema() {
  static const Schema<PoolsConfig> s =
      Schema<PoolsConfig>("pools", "Disaggregated serving: a prefill pool and a decode pool (xPyD).")
          .section("prefill", &PoolsConfig::prefill, pool_schema(), "Replicas that process prompts.")
          .section("decode", &PoolsConfig::decode, pool_schema(), "Replicas that generate the output.")
          .choice("decode_router", &PoolsConfig::decode_router,
                  std::vector<std::pair<std::string, std::string>>{{"round_robin", "round_robin"},
                                                                   {"least_outstanding", "least_outstanding"},
                                                                   {"kv_aware", "kv_aware"}},
                  "least_outstanding",
                  "Which decode replica takes a finished prompt: round_robin; least_outstanding (fewest tokens "
                  "still to produce); kv_aware (decode replicas that can hold the prompt's KV now first, then the "
                  "lowest held + needed KV blocks + decode_transfer_weight x needed blocks x (transfer time / "
                  "fastest candidate's - 1), transfer time = path latency + KV bytes / streams / bottleneck "
                  "bandwidth from the prefill replica).")
          .number("decode_transfer_weight", &PoolsConfig::decode_transfer_weight, 1.0,
                  "kv_aware decode router: how much a slower KV path weighs against load (0 = load only).",
                  Check::NonNegative)
          .choice("kv_transfer", &PoolsConfig::kv_transfer,
                  std::vector<std::pair<std::string, std::string>>{{"after_prefill", "after_prefill"},
                                                                   {"layerwise", "layerwise"}},
                  "after_prefill",
                  "after_prefill: the whole KV moves when the prompt's prefill has ended; layerwise: each layer "
                  "group's KV leaves as the prompt's last prefill iteration computes it, overlapping the transfer "
                  "with prefill (decode starts when the last byte has arrived). The kv_transfer metric is the time "
                  "from the end of prefill to the last byte: the whole transfer after_prefill, its exposed part "
                  "layerwise.")
          .integer<int>("kv_layer_groups", &PoolsConfig::kv_layer_groups, 0,
                        "layerwise: layers sent together form a group; this many groups (0 = one per model layer; "
                        "more than the model's layers is the model's layers).",
                        Check::NonNegative, 4096);
  return s;
}

const Schema<SpeculativeConfig>& speculative_schema() {
  static const Schema<SpeculativeConfig> s =
      Schema<SpeculativeConfig>("speculative", "Speculative decoding: draft tokens verified in one target pass.")
          .choice("method", &SpeculativeConfig::method,
                  std::vector<std::pair<std::string, SpecMethod>>{{"none", SpecMethod::None},
                                                                  {"mtp", SpecMethod::Mtp},
                                                                  {"draft_model", SpecMethod::DraftModel},
                                                                  {"ngram", SpecMethod::Ngram}},
                  "none", "none, mtp (the model's multi-token-prediction module), draft_model, or ngram.")
          .integer<int>("draft_tokens", &SpeculativeConfig::draft_tokens, 1, "Tokens drafted per step.",
                        Check::Positive, 64)
          .number("acceptance_rate", &SpeculativeConfig::acceptance_rate, 0.0,
                  "Probability that each draft token is accepted (required with a method).", Check::UnitInterval)
          .text("draft_model", &SpeculativeConfig::draft_model, "", "LLM catalog name of the draft (draft_model).")
          .validate([](const YamlNode& n, const SpeculativeConfig& c) {
            if (c.method == SpecMethod::None) return;
            if (!n.child("acceptance_rate"))
              n.fail("speculative decoding needs acceptance_rate", "acceptance_rate: a probability in [0, 1]");
            if (c.method == SpecMethod::DraftModel && c.draft_model.empty())
              n.fail("method draft_model needs draft_model", "draft_model: an LLM catalog name");
          });
  return s;
}

const Schema<DeploymentConfig>& deployment_schema() {
  static const Schema<DeploymentConfig> s =
      Schema<DeploymentConfig>("deployment", "How the model is placed on the platform's GPUs.")
          .integer<int>("replicas", &DeploymentConfig::replicas, 1, "Identical serving replicas.", Check::Positive, 1 << 20)
          .integer<int>("tp", &DeploymentConfig::tp, 1, "Tensor-parallel GPUs per replica.", Check::Positive, 4096)
          .integer<int>("pp", &DeploymentConfig::pp, 1, "Pipeline stages per replica.", Check::Positive, 4096)
          .integer<int>("ep", &DeploymentConfig::ep, 1, "Expert-parallel degree of the MoE layers.", Check::Positive, 4096)
          .integer<int>("dp", &DeploymentConfig::dp, 1,
                        "Attention data-parallel groups per stage (wide-EP serving; devices = tp*dp*pp).",
                        Check::Positive, 4096)
          .section("speculative", &DeploymentConfig::speculative, speculative_schema(),
                   "Speculative decoding or multi-token prediction (off by default).")
          .text("device", &DeploymentConfig::device, "", "Only GPUs of this catalog name (empty: any).")
          .optional_section("pools", &DeploymentConfig::pools, pools_schema(),
                            "Disaggregated prefill/decode pools (replaces replicas/tp/device).")
          .validate([](const YamlNode& n, const DeploymentConfig& d) {
            if (!d.pools) return;
            for (const char* key : {"replicas", "tp", "device", "pp", "ep", "dp"})
              if (const auto c = n.child(key))
                c->fail("is set beside pools", "pools.prefill / pools.decode to size each pool");
          })
          .section("precision", &DeploymentConfig::precision, precision_schema(), "Number formats.")
          .boolean("allow_cross_domain", &DeploymentConfig::allow_cross_domain, false,
                   "Let a replica span NVLink domains (refused by default).");
  return s;
}

const Schema<OffloadConfig>& offload_schema() {
  static const Schema<OffloadConfig> s =
      Schema<OffloadConfig>("offload",
                            "Lower tiers of the prefix cache: blocks evicted from HBM are demoted to host CPU "
                            "memory, then to the platform's storage nodes; a hit there is reloaded into HBM "
                            "before the rest of the prompt is prefilled (needs prefix_cache_tokens > 0).")
          .number("cpu_memory_fraction", &OffloadConfig::cpu_memory_fraction, 0.0,
                  "Share of each host CPU's memory (its catalog capacity, e.g. Vera LPDDR5X) given to KV blocks, "
                  "split between the accelerators attached to it; 0 = no CPU tier.",
                  Check::UnitInterval)
          .number("storage_fraction", &OffloadConfig::storage_fraction, 0.0,
                  "Share of the storage nodes' disk capacity (platform storage:) given to KV blocks, split "
                  "between the replicas; 0 = no storage tier.",
                  Check::UnitInterval);
  return s;
}

const Schema<ServingConfig>& serving_schema() {
  static const Schema<ServingConfig> s =
      Schema<ServingConfig>("serving", "Continuous batching with chunked prefill and a paged KV cache.")
          .integer<std::int64_t>("max_batched_tokens", &ServingConfig::max_batched_tokens, 8192,
                                 "Token budget of one iteration (prefill chunks plus decodes).", Check::Positive,
                                 kMaxTokens)
          .integer<int>("max_num_seqs", &ServingConfig::max_num_seqs, 256, "Most sequences in one iteration.",
                        Check::Positive, 1 << 20)
          .integer<int>("kv_block_tokens", &ServingConfig::kv_block_tokens, 16, "Tokens per paged-KV block.",
                        Check::Positive, 1 << 16)
          .number("memory_reserve", &ServingConfig::memory_reserve, 0.1,
                  "Fraction of device memory kept for activations and runtime (not KV).", Check::UnitInterval)
          .boolean("chunked_prefill", &ServingConfig::chunked_prefill, true,
                   "Split prompts longer than the token budget across iterations.")
          .choice("router", &ServingConfig::router,
                  std::vector<std::pair<std::string, std::string>>{{"round_robin", "round_robin"},
                                                                   {"least_outstanding", "least_outstanding"},
                                                                   {"kv_aware", "kv_aware"},
                                                                   {"tier_priority", "tier_priority"}},
                  "round_robin",
                  "Replica choice: round_robin; least_outstanding (fewest tokens still to process); kv_aware "
                  "(most prefix blocks in the replica's HBM cache minus router_load_weight x outstanding blocks, "
                  "as Dynamo's KV router); tier_priority (least_outstanding, and replicas admit higher service "
                  "tiers first).")
          .number("router_load_weight", &ServingConfig::router_load_weight, 1.0,
                  "kv_aware: weight of the load (outstanding tokens / prefix block tokens) against the overlap.",
                  Check::NonNegative)
          .number("host_cores_per_device", &ServingConfig::host_cores_per_device, 1.0,
                  "Cores of its host CPU that each device's serving process keeps busy while its replica "
                  "works (engines run one busy worker process per GPU; estimate). Drives the CPUs' energy.",
                  Check::NonNegative)
          .integer<std::int64_t>("prefix_cache_tokens", &ServingConfig::prefix_cache_tokens, 0,
                                 "HBM prefix cache per replica, tokens (LRU over the trace's prefix block "
                                 "hashes, e.g. Mooncake hash_ids; 0 = off).",
                                 Check::NonNegative, kMaxTokens)
          .section("offload", &ServingConfig::offload, offload_schema(),
                   "CPU-memory and storage tiers of the prefix cache (off by default).")
          .choice("preemption", &ServingConfig::preemption,
                  std::vector<std::pair<std::string, std::string>>{
                      {"none", "none"}, {"recompute", "recompute"}, {"swap", "swap"}},
                  "none",
                  "When KV runs out: none (reserve prompt + output at admission; requests wait), recompute "
                  "(admit on the prompt's KV; evict the youngest running request and redo its prefill) or swap "
                  "(move its KV to host memory over the GPU-CPU link and back).")
          .number("swap_memory_fraction", &ServingConfig::swap_memory_fraction, 0.5,
                  "preemption swap: share of each host CPU's memory (its catalog capacity) that holds swapped-out "
                  "KV, split between the accelerators attached to it like offload.cpu_memory_fraction (the two "
                  "together at most 1); when it is full a preempted request is recomputed instead.",
                  Check::UnitInterval)
          .validate([](const YamlNode& n, const ServingConfig& c) {
            // Swap space and the CPU tier of the prefix cache share the host CPUs' memory.
            if (c.preemption == "swap" && c.swap_memory_fraction + c.offload.cpu_memory_fraction > 1)
              (n.child("swap_memory_fraction") ? *n.child("swap_memory_fraction") : n)
                  .fail(fmt::format("{} + offload.cpu_memory_fraction {} exceeds the host CPUs' memory",
                                    c.swap_memory_fraction, c.offload.cpu_memory_fraction),
                        "swap_memory_fraction + offload.cpu_memory_fraction <= 1");
            const bool offload = c.offload.cpu_memory_fraction > 0 || c.offload.storage_fraction > 0;
            if (offload && c.prefix_cache_tokens == 0)
              (n.child("offload") ? *n.child("offload") : n)
                  .fail("offload tiers need the HBM prefix cache", "prefix_cache_tokens > 0");
            // As in vLLM: every running sequence must be able to decode in each iteration.
            if (c.max_batched_tokens < c.max_num_seqs)
              (n.child("max_batched_tokens") ? *n.child("max_batched_tokens") : n)
                  .fail(fmt::format("{} is below max_num_seqs ({})", c.max_batched_tokens, c.max_num_seqs),
                        "max_batched_tokens >= max_num_seqs");
          });
  return s;
}

const Schema<EfficiencyOverride>& efficiency_override_schema() {
  static const Schema<EfficiencyOverride> s =
      Schema<EfficiencyOverride>("efficiency", "Overrides of the device's row in models/catalog/efficiency.yaml.")
          .custom(ParamDoc("flops", "number", "from table", false, "Fraction of peak FLOP/s.", "0 < x <= 1"),
                  [](const std::optional<YamlNode>& n, const YamlNode&, EfficiencyOverride& o) {
                    if (n) enforce(*n, *(o.flops = n->as_number()), Check::Fraction);
                  })
          .custom(ParamDoc("memory", "number", "from table", false, "Fraction of peak memory bandwidth.", "0 < x <= 1"),
                  [](const std::optional<YamlNode>& n, const YamlNode&, EfficiencyOverride& o) {
                    if (n) enforce(*n, *(o.memory = n->as_number()), Check::Fraction);
                  })
          .custom(ParamDoc("network", "number", "from table", false, "Fraction of link bandwidth.", "0 < x <= 1"),
                  [](const std::optional<YamlNode>& n, const YamlNode&, EfficiencyOverride& o) {
                    if (n) enforce(*n, *(o.network = n->as_number()), Check::Fraction);
                  })
          .optional_quantity("iteration_overhead", &EfficiencyOverride::iteration_overhead, Dimension::Time,
                             "Fixed time per iteration.", Check::NonNegative);
  return s;
}

const Schema<PerfModelConfig>& perf_model_schema() {
  static const Schema<PerfModelConfig> s =
      Schema<PerfModelConfig>("perf_model", "How one engine iteration is priced.")
          .text("name", &PerfModelConfig::name, "roofline", "Registered performance model (roofline).")
          .choice("all_reduce", &PerfModelConfig::all_reduce,
                  std::vector<std::pair<std::string, AllReduceAlgo>>{
                      {"auto", AllReduceAlgo::Auto}, {"ring", AllReduceAlgo::Ring}, {"tree", AllReduceAlgo::Tree}},
                  "auto", "TP all-reduce algorithm (auto = the faster per message).")
          .section("efficiency", &PerfModelConfig::efficiency, efficiency_override_schema(),
                   "Efficiency overrides (default: the device's calibrated row).")
          .text("table", &PerfModelConfig::table, "",
                "profile_table: CSV of measured operator times, relative to this file (docs/performance-model.md).")
          .validate([](const YamlNode& n, const PerfModelConfig& p) {
            if (p.name == "profile_table" && p.table.empty())
              n.fail("the profile_table model needs a table", "table: a CSV of measured times");
            const auto names = PerfModelRegistry::instance().names();
            if (std::find(names.begin(), names.end(), p.name) == names.end()) {
              std::string list;
              for (const auto& x : names) list += (list.empty() ? "" : ", ") + x;
              (n.child("name") ? *n.child("name") : n).fail(fmt::format("no performance model named '{}'", p.name),
                                                            "one of: " + list);
            }
          });
  return s;
}

const Schema<SimulationConfig>& simulation_schema() {
  static const Schema<SimulationConfig> s =
      Schema<SimulationConfig>("simulation", "Engine limits.")
          .optional_quantity("max_time", &SimulationConfig::max_time, Dimension::Time,
                             "Stop at this simulated time; unfinished requests are reported in flight.")
          .boolean("fast_forward", &SimulationConfig::fast_forward, true,
                   "Price runs of engine iterations between events in one step (results equal the "
                   "step-by-step run; false forces one SimGrid activity per iteration).");
  return s;
}

const Schema<OutputConfig>& output_schema() {
  static const Schema<OutputConfig> s =
      Schema<OutputConfig>("output", "Where results go.")
          .text("dir", &OutputConfig::dir, "", "Output folder (default out/<name>; -o overrides).")
          .boolean("requests_csv", &OutputConfig::requests_csv, true, "Write requests.csv (one row per request).")
          .quantity("timeseries_interval", &OutputConfig::timeseries_interval, Dimension::Time, "1s",
                    "Write timeseries.csv with one row per interval of simulated time (tokens/s, power, busy "
                    "fraction, MFU, KV occupancy, queues; docs/outputs.md); 0 writes none.",
                    Check::NonNegative);
  return s;
}

const Schema<FailureEvent>& event_schema() {
  static const Schema<FailureEvent> s =
      Schema<FailureEvent>("event",
                           "A failure: {at: 30s, fail: gpu3 | rack0 | nvl0 | up_rack1-leaf0 | storage0, recover: 90s}.")
          .quantity("at", &FailureEvent::at, Dimension::Time, std::nullopt, "When it fails.", Check::NonNegative)
          .text("fail", &FailureEvent::fail, std::nullopt,
                "A GPU host name, a rack id or an NVLink domain id (its replicas stop), a storage node (its "
                "offloaded prefix blocks are out of reach) or a link id of the platform XML (turned off: KV "
                "transfers over it fail and go to a reachable decode replica; docs/configuration.md, Failures).")
          .optional_quantity("recover", &FailureEvent::recover, Dimension::Time,
                             "When it is back (absent: down until the end).", Check::NonNegative)
          .validate([](const YamlNode& n, const FailureEvent& e) {
            if (e.recover && *e.recover <= e.at)
              n.child("recover")->fail(fmt::format("is not after at ({}s)", e.at), "recover > at");
          });
  return s;
}

}  // namespace

const Schema<Scenario>& scenario_schema() {
  static const Schema<Scenario> s =
      Schema<Scenario>("scenario", "One simulation run.")
          .text("name", &Scenario::name, "", "Run name (default: the file name without .yaml).")
          .text("description", &Scenario::description, "", "Free text, copied to the report.")
          .integer<std::uint64_t>("seed", &Scenario::seed, 1, "Seed of every random choice.", Check::NonNegative)
          .text("platform", &Scenario::platform, std::nullopt, "SimGrid platform XML, relative to this file.")
          .text("model", &Scenario::model, std::nullopt, "LLM catalog name (tokenfab list) or a YAML path.")
          .section("deployment", &Scenario::deployment, deployment_schema(), "Replicas and parallelism.")
          .section("serving", &Scenario::serving, serving_schema(), "Batching and KV cache.")
          .section("perf_model", &Scenario::perf_model, perf_model_schema(), "Iteration pricing.")
          .section("workload", &Scenario::workload, workload_schema(), "Traffic.")
          .custom(tiers_param_doc(), [](const std::optional<YamlNode>& n, const YamlNode&,
                                        Scenario& sc) { sc.tiers = read_tier_table(n); })
          .section("simulation", &Scenario::simulation, simulation_schema(), "Engine limits.")
          .list("events", &Scenario::events, event_schema(),
                "Injected failures (GPU, rack, NVLink domain, link or storage node).")
          .section("output", &Scenario::output, output_schema(), "Outputs.")
          .section("economics", &Scenario::economics, economics_schema(), "Cost, revenue and factory scaling.")
          .custom(ParamDoc("expect", "list of strings", "[]", false,
                           "CI expectations such as 'ttft_p99 < 2s' or 'goodput >= 0.95' (run --check; docs/batch.md)."),
                  [](const std::optional<YamlNode>& n, const YamlNode&, Scenario& sc) {
                    sc.expect = batch::read_expectations(n);
                  });
  return s;
}

Scenario load_scenario(const std::string& path) {
  const YamlNode doc = YamlNode::load_file(path);
  if (!doc.is_map()) doc.fail(fmt::format("the file holds {}", doc.kind_noun()), "a map of scenario sections");
  Scenario sc = scenario_schema().read(doc);
  if (const auto w = doc.child("workload")) check_workload_tiers(*w, sc.workload, sc.tiers);
  sc.file = path;
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  auto resolve = [&](const std::string& p) {
    if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
    return (dir / p).lexically_normal().string();
  };
  sc.platform = resolve(sc.platform);
  resolve_workload_paths(sc.workload, resolve);
  sc.perf_model.table = resolve(sc.perf_model.table);
  if (sc.model.find('/') != std::string::npos) sc.model = resolve(sc.model);
  if (sc.name.empty()) sc.name = std::filesystem::path(path).stem().string();
  if (sc.output.dir.empty()) sc.output.dir = "out/" + sc.name;
  return sc;
}

}  // namespace tokenfab
