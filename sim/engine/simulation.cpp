#include "sim/engine/simulation.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include <simgrid/Exception.hpp>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/plugins/energy.h>
#include <simgrid/s4u/Engine.hpp>
#include <spdlog/spdlog.h>

#include "models/catalog.hpp"
#include "models/efficiency.hpp"
#include "models/perf/memory_plan.hpp"
#include "models/perf/roofline.hpp"
#include "sim/engine/crash_report.hpp"
#include "sim/engine/failure_targets.hpp"
#include "sim/engine/progress.hpp"
#include "sim/platform/inventory.hpp"
#include "sim/platform/loader.hpp"
#include "sim/platform/platform.hpp"
#include "sim/serving/replica_actor.hpp"
#include "sim/metrics/invariants.hpp"
#include "sim/metrics/timeseries.hpp"
#include "sim/serving/host_cpus.hpp"
#include "sim/serving/host_tiers.hpp"
#include "sim/serving/scheduler_figures.hpp"
#include "sim/serving/placement.hpp"
#include "sim/serving/router.hpp"
#include "sim/serving/session_driver.hpp"

namespace tokenfab {
namespace {

std::unique_ptr<simgrid::s4u::Engine> make_engine(const RunOptions& opt) {
  // SimGrid is quiet unless the user asks (--sg-log); its options reach it through --sg-cfg.
  std::vector<std::string> args{"tokenfab", "--log=root.thresh:critical", "--log=root.fmt:%m%n"};
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer cannot follow an exception thrown on SimGrid's own actor stacks (ucontext or
  // raw contexts): it reports stack-use-after-scope where there is none. Under the sanitizer the
  // actors run on system threads, which it follows (`make test-sanitize`; slower, same results).
  args.emplace_back("--cfg=contexts/factory:thread");
#endif
  // The same max-min sharing, solved over every active link at each event instead of tracking
  // which links changed: at pod scale nearly every KV flow is coupled to the others through
  // shared uplinks, so the bookkeeping of the lazy mode costs more than it saves (8- and
  // 16-rack Kyber pods: 26-32% less CPU; answers agree to ~1e-7 relative). --sg-cfg
  // network/optim:Lazy restores SimGrid's default.
  args.emplace_back("--cfg=network/optim:Full");
  for (const auto& c : opt.sg_cfg) args.push_back("--cfg=" + c);
  for (const auto& l : opt.sg_log) args.push_back("--log=" + l);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  try {
    auto engine = std::make_unique<simgrid::s4u::Engine>(&argc, argv.data());
    sg_host_energy_plugin_init();  // before the platform loads
    return engine;
  } catch (const std::exception& e) {
    // SimGrid lists every valid key after the first line; the first line says what is wrong.
    std::string msg = e.what();
    msg = msg.substr(0, msg.find('\n'));
    throw ConfigError({"command line", 0, 0}, "--sg-cfg/--sg-log", "SimGrid refuses the option: " + msg,
                      "a SimGrid configuration item (see SimGrid's --help-cfg)");
  }
}

// A SimGrid XML file or a platform spec (YAML, emitted to XML first); sealed, domains checked.
void load_platform(simgrid::s4u::Engine& engine, const std::string& file, const Catalog& catalog) {
  load_platform_file(engine, file, catalog);
}

// Where the tool calls of agentic sessions run (workload.sessions.tool_host): the platform's CPU
// hosts, each with its core count (the platform file's, else the catalog's); empty for pure delays.
std::vector<ToolHost> tool_hosts(simgrid::s4u::Engine& engine, const Scenario& sc, const Catalog& catalog) {
  std::vector<ToolHost> hosts;
  if (!sc.workload.sessions) return hosts;
  const std::string& want = sc.workload.sessions->tool_host;
  if (want == "none") return hosts;
  std::vector<simgrid::s4u::Host*> found;
  for (auto* h : engine.get_all_hosts()) {
    const char* role = h->get_property("tokenfab:role");
    const bool cpu = role && (std::string(role) == "cpu" || std::string(role) == "frontend") &&
                     h->get_property("tokenfab:device");
    if (want == "auto" ? cpu : h->get_name() == want) found.push_back(h);
  }
  if (want != "auto" && found.empty())
    throw ConfigError({sc.file, 0, 0}, "workload.sessions.tool_host",
                      fmt::format("the platform {} has no host named '{}'", sc.platform, want),
                      "auto, none, or a host of the platform");
  std::sort(found.begin(), found.end(), [](auto* a, auto* b) { return natural_less(a->get_name(), b->get_name()); });
  const auto names = catalog.device_names();
  for (auto* h : found) {
    int cores = h->get_core_count();
    const char* device = h->get_property("tokenfab:device");
    if (cores == 1 && device && std::find(names.begin(), names.end(), device) != names.end())
      if (const auto& c = catalog.device(device).cores) cores = std::max(1, static_cast<int>(c->value));
    hosts.push_back({h, cores});
  }
  return hosts;
}

Efficiency effective_efficiency(const Catalog& catalog, const std::string& device, const EfficiencyOverride& o) {
  Efficiency e = efficiency_for(catalog, device);
  if (o.flops) e.flops = *o.flops;
  if (o.memory) e.memory = *o.memory;
  if (o.network) e.network = *o.network;
  if (o.iteration_overhead) e.iteration_overhead = *o.iteration_overhead;
  return e;
}

struct PreparedReplica {
  ReplicaInfo info;
  ReplicaSetup setup;
  ReplicaRole role = ReplicaRole::Unified;
  std::vector<simgrid::s4u::Host*> hosts;
  std::int64_t kv_blocks = 0;
};

// Parallel shape of the replicas of each pool, in pool_requests() order.
struct PoolShape {
  int tp = 1, pp = 1, ep = 1, dp = 1;
  int devices() const { return tp * pp * dp; }
};

std::vector<PoolShape> pool_shapes(const Scenario& sc) {
  const auto& d = sc.deployment;
  if (!d.pools) return {{d.tp, d.pp, d.ep, d.dp}};
  const auto& pf = d.pools->prefill;
  const auto& dc = d.pools->decode;
  return {{pf.tp, pf.pp, pf.ep, pf.dp}, {dc.tp, dc.pp, dc.ep, dc.dp}};
}

// Placement asks for each replica's devices: tp * dp * pp of them.
std::vector<PoolRequest> pool_requests(const Scenario& sc) {
  const auto& d = sc.deployment;
  const auto shapes = pool_shapes(sc);
  if (!d.pools) return {{"replicas", "deployment", d.replicas, shapes[0].devices(), d.device}};
  return {{"prefill", "deployment.pools.prefill", d.pools->prefill.replicas, shapes[0].devices(), d.pools->prefill.device},
          {"decode", "deployment.pools.decode", d.pools->decode.replicas, shapes[1].devices(), d.pools->decode.device}};
}

// Placement, device and memory checks; all before any actor starts.
std::vector<PreparedReplica> prepare(const Scenario& sc, const Catalog& catalog, const LlmSpec& model,
                                     const PlatformView& platform) {
  std::vector<PreparedReplica> out;
  const auto requests = pool_requests(sc);
  const auto placement = place_pools(platform, requests, sc.deployment.allow_cross_domain, sc.file);
  // Each device entry is read once, however many GPUs name it; an unknown name is reported with
  // the GPU's host before any other placement problem.
  std::map<std::string, DeviceSpec> devices;
  auto device_of = [&](const GpuHost& g) -> const DeviceSpec& {
    auto it = devices.find(g.device);
    if (it != devices.end()) return it->second;
    try {
      return devices.emplace(g.device, catalog.device(g.device)).first->second;
    } catch (const ConfigError& e) {
      throw ConfigError({platform.file, 0, 0}, fmt::format("host '{}': tokenfab:device", g.host->get_name()),
                        e.problem(), e.expected());
    }
  };
  for (std::size_t pool = 0; pool < placement.size(); ++pool) {
    const PoolRequest& req = requests[pool];
    const ReplicaRole role = !sc.deployment.pools ? ReplicaRole::Unified
                             : pool == 0           ? ReplicaRole::Prefill
                                                   : ReplicaRole::Decode;
    for (std::size_t r = 0; r < placement[pool].size(); ++r) {
      const auto& gpus = placement[pool][r];
      for (const auto& g : gpus) {
        (void)device_of(g);
        if (g.device != gpus.front().device)
          throw ConfigError({sc.file, 0, 0}, req.key,
                            fmt::format("{} replica {} mixes devices {} and {}", req.name, r, gpus.front().device, g.device),
                            "replicas on devices of one model (set the pool's device)");
      }
      PreparedReplica p;
      p.role = role;
      p.setup.model = model;
      p.setup.device = device_of(gpus.front());
      p.setup.precision = sc.deployment.precision;
      const PoolShape shape = pool_shapes(sc)[pool];
      p.setup.tp = shape.tp;
      p.setup.pp = shape.pp;
      p.setup.ep = shape.ep;
      p.setup.dp = shape.dp;
      p.setup.all_reduce = sc.perf_model.all_reduce;
      p.setup.efficiency = effective_efficiency(catalog, p.setup.device.name, sc.perf_model.efficiency);
      p.setup.profile_table = sc.perf_model.table;
      // Links the collectives cross: TP between neighbours, the stage's group (EP/DP) at its
      // bottleneck, and stage to stage.
      const std::size_t group = static_cast<std::size_t>(shape.tp * shape.dp);
      if (shape.tp > 1) {
        const PathInfo path = path_between(gpus[0].host, gpus[1].host);
        p.setup.link_bandwidth = path.bandwidth;
        p.setup.link_latency = path.latency;
      }
      // The group link is the slowest path inside device 0's scale-up domain; when the group
      // spans domains (allow_cross_domain), the slowest path out of it is priced apart (the EP
      // all-to-all's share for other domains crosses the NICs and the scale-out fabric).
      int in_domain = 1;
      for (std::size_t j = 1; j < group; ++j) {
        const PathInfo path = path_between(gpus[0].host, gpus[j].host);
        const bool same = gpus[j].domain == gpus[0].domain;
        in_domain += same ? 1 : 0;
        LinkSpec& link = same ? p.setup.ep_link : p.setup.cross_domain_link;
        if (link.bandwidth == 0 || path.bandwidth < link.bandwidth)
          link = {path.bandwidth, std::max(path.latency, link.latency)};
      }
      if (static_cast<std::size_t>(in_domain) < group) {
        // The all-to-all waits for the rank with the largest remote share: the one in the domain
        // that holds the fewest of the group's devices.
        std::map<std::string, int> per_domain;
        for (std::size_t j = 0; j < group; ++j) per_domain[gpus[j].domain] += 1;
        p.setup.group_domain = in_domain;
        for (const auto& [domain, n] : per_domain) p.setup.group_domain = std::min(p.setup.group_domain, n);
        if (in_domain == 1) p.setup.ep_link = p.setup.cross_domain_link;
      }
      if (shape.pp > 1) {
        const PathInfo path = path_between(gpus[0].host, gpus[group].host);
        p.setup.pp_link = {path.bandwidth, path.latency};
      }
      const auto& spec = sc.deployment.speculative;
      p.setup.speculative.method = spec.method;
      p.setup.speculative.draft_tokens = spec.draft_tokens;
      p.setup.speculative.acceptance_rate = spec.acceptance_rate;
      if (spec.method == SpecMethod::DraftModel) p.setup.speculative.draft_model = catalog.llm(spec.draft_model);
      if (!p.setup.device.supports(sc.deployment.precision.weights))
        throw ConfigError({sc.file, 0, 0}, "deployment.precision.weights",
                          fmt::format("device {} has no {} support in its catalog entry", p.setup.device.name,
                                      precision_name(sc.deployment.precision.weights)),
                          "a precision the device supports");
      if (const auto problem = setup_problem(p.setup))
        throw ConfigError({sc.file, 0, 0}, req.key, *problem, "parallel degrees and speculation the model supports");
      for (const auto& g : gpus) p.hosts.push_back(g.host);

      // Weights, KV capacity and the refusal when they do not fit: models/perf/memory_plan.
      const MemoryPlan plan = plan_memory(p.setup, sc.serving.memory_reserve, sc.serving.kv_block_tokens);
      if (!plan.fits)
        throw ConfigError({sc.file, 0, 0}, req.key, plan.refusal,
                          "a larger tp/pp/ep, a smaller precision, or a device with more memory");
      p.kv_blocks = plan.kv_blocks;
      // The chosen model must load (a profile table is read and checked here, before any actor).
      (void)PerfModelRegistry::instance().create(sc.perf_model.name, p.setup);
      const double weights = plan.weight_bytes;
      const double kv_per_token = plan.kv_bytes_per_token;

      p.info.index = static_cast<int>(out.size());
      p.info.role = role_name(role);
      p.info.device = p.setup.device.name;
      for (const auto& g : gpus) p.info.hosts.push_back(g.host->get_name());
      p.info.tp = shape.tp;
      p.info.weight_bytes_per_gpu = weights;
      p.info.kv_bytes_per_token_per_gpu = kv_per_token;
      p.info.kv_capacity_tokens = p.kv_blocks * sc.serving.kv_block_tokens;
      p.info.link_bandwidth = p.setup.link_bandwidth;
      p.info.link_latency = p.setup.link_latency;
      out.push_back(std::move(p));
    }
  }
  return out;
}

// Idle and full-load watts SimGrid's energy plugin uses for a host (0 W both when the host has no
// wattage_per_state: the plugin counts 0 W).
std::pair<double, double> plugin_watts(simgrid::s4u::Host* h) {
  if (!h->get_property("wattage_per_state")) return {0.0, 0.0};
  const int ps = static_cast<int>(h->get_pstate());
  return {sg_host_get_wattmin_at(h, ps), sg_host_get_wattmax_at(h, ps)};
}

// Energy of one replica's devices over `seconds`. Its activities run on the lead device only
// (ReplicaActor::busy_until): the plugin integrates that one, and every other device, in lockstep
// with it, draws its own idle watts plus its (busy - idle) watts for the lead's busy time, which
// the plugin's linear model gives back: busy = (E_lead - idle_lead x seconds) / (max_lead - idle_lead).
// A lead device without power figures (a hand-written platform) gives none: `busy_fallback` then.
double lockstep_device_joules(const std::vector<simgrid::s4u::Host*>& hosts, double seconds, double busy_fallback) {
  if (hosts.empty()) return 0;
  const double lead = sg_host_get_consumed_energy(hosts.front());
  const auto [lead_idle, lead_max] = plugin_watts(hosts.front());
  const double busy = lead_max > lead_idle ? (lead - lead_idle * seconds) / (lead_max - lead_idle) : busy_fallback;
  double joules = lead;
  for (std::size_t i = 1; i < hosts.size(); ++i) {
    const auto [idle, max] = plugin_watts(hosts[i]);
    joules += idle * seconds + (max - idle) * busy;
  }
  return joules;
}

// What the time series needs of each replica: its device class (pool role), peaks for MFU and
// bandwidth utilisation, KV capacity, and the idle and full-load watts SimGrid's energy plugin
// uses for its devices (so that the series' power adds up to summary.json's device energy).
std::vector<SeriesReplica> series_replicas(const std::vector<PreparedReplica>& prepared) {
  std::vector<SeriesReplica> out;
  for (const auto& p : prepared) {
    SeriesReplica r;
    r.group = role_name(p.role);
    r.devices = static_cast<int>(p.hosts.size());
    r.peak_flops = math_peak(p.setup.device, p.setup.precision.weights);
    r.peak_bandwidth = p.setup.device.memory.bandwidth ? p.setup.device.memory.bandwidth->value : 0.0;
    r.kv_blocks = p.kv_blocks;
    for (auto* h : p.hosts) {
      const auto [idle, busy] = plugin_watts(h);
      r.idle_w += idle;
      r.busy_w += busy;
    }
    out.push_back(std::move(r));
  }
  return out;
}

// CPU link, CPU and storage tiers of one replica (sim/serving/host_tiers.hpp), into its limits.
// Returns the storage node its storage tier lives on (null without one): the replica actor reads
// reloads from it.
simgrid::s4u::Host* apply_host_tiers(const simgrid::s4u::Engine& engine, const Catalog& catalog, const Scenario& sc,
                      const PreparedReplica& p, std::size_t entry_replicas, double kv_bytes_per_token,
                      SchedulerLimits& l) {
  const bool caches = p.role != ReplicaRole::Decode && l.prefix_cache_blocks > 0;
  const bool swaps = l.preemption == Preemption::Swap && p.role != ReplicaRole::Prefill;
  if (!caches && !swaps) return nullptr;
  HostTierRequest req;
  req.devices = p.hosts;
  req.kv_bytes_per_token_per_device = p.info.kv_bytes_per_token_per_gpu;
  req.kv_bytes_per_token = kv_bytes_per_token;
  req.block_tokens = l.prefix_block_tokens;
  req.replica = static_cast<std::size_t>(p.info.index);
  req.replicas = entry_replicas;
  req.need_cpu_link = swaps;
  ServingConfig serving = sc.serving;
  if (!caches) serving.offload = OffloadConfig{};
  const HostTiers tiers = host_tiers(engine, catalog, serving, req, sc.file);
  l.cpu_link = tiers.cpu_link;
  l.cpu_cache_blocks = tiers.cpu_blocks;
  l.swap_capacity_tokens = tiers.swap_tokens;
  l.storage_cache_blocks = tiers.storage_blocks;
  return tiers.storage_blocks > 0 ? tiers.storage_node : nullptr;
}

}  // namespace

void check_scenario(const Scenario& sc, const RunOptions& opt) {
  const Catalog catalog(opt.catalog_root.empty() ? Catalog::default_root() : opt.catalog_root);
  const LlmSpec model = catalog.llm(sc.model);
  auto engine = make_engine(opt);
  load_platform(*engine, sc.platform, catalog);
  const PlatformView platform = inspect_platform(*engine, sc.platform);
  auto prepared = prepare(sc, catalog, model, platform);
  std::size_t entry_replicas = 0;
  for (const auto& p : prepared) entry_replicas += p.role != ReplicaRole::Decode ? 1 : 0;
  const double kv_bytes_per_token =
      model.kv_elements_per_token_per_layer() * model.layers * bytes_per_element(sc.deployment.precision.kv_cache);
  for (const auto& p : prepared) {
    SchedulerLimits l;
    l.role = p.role;
    l.prefix_cache_blocks = sc.serving.prefix_cache_tokens > 0 ? 1 : 0;
    l.preemption = preemption_from_name(sc.serving.preemption);
    apply_host_tiers(*engine, catalog, sc, p, entry_replicas, kv_bytes_per_token, l);
  }
  (void)tool_hosts(*engine, sc, catalog);
  std::vector<std::vector<simgrid::s4u::Host*>> devices_of;
  for (const auto& p : prepared) devices_of.push_back(p.hosts);
  for (std::size_t i = 0; i < sc.events.size(); ++i)
    (void)resolve_failure(*engine, platform, devices_of, sc.events[i], i, sc.file);
  if (sc.workload.trace && !std::filesystem::exists(sc.workload.trace->path))
    throw ConfigError({sc.file, 0, 0}, "workload.trace.path", "file not found: " + sc.workload.trace->path);
}

RunResult run_simulation(const Scenario& sc, const RunOptions& opt) {
  const Catalog catalog(opt.catalog_root.empty() ? Catalog::default_root() : opt.catalog_root);
  const LlmSpec model = catalog.llm(sc.model);
  auto engine = make_engine(opt);
  load_platform(*engine, sc.platform, catalog);
  const PlatformView platform = inspect_platform(*engine, sc.platform);
  const PlatformInventory inventory = read_inventory(*engine);
  auto prepared = prepare(sc, catalog, model, platform);
  auto source = make_request_source(sc, model.max_context);
  // SimGrid's energy plugin reads each host's idle and busy watts; hosts whose platform file does
  // not give them get their device's catalog figures.
  for (const auto& p : prepared) {
    for (auto* h : p.hosts) {
      if (h->get_property("wattage_per_state")) continue;
      const auto& pw = p.setup.device.power;
      if (!pw.idle || !pw.max) continue;
      h->set_property("wattage_per_state", fmt::format("{}:{}", pw.idle->value, pw.max->value));
      h->set_property("wattage_off", fmt::format("{}", pw.idle->value));
    }
  }

  RunResult result;
  result.scenario = sc;
  Progress progress(opt.progress);
  const double stop = sc.simulation.max_time ? *sc.simulation.max_time : kNever;
  std::size_t entry_replicas = 0;  // replicas that take arrivals: unified or prefill
  for (const auto& p : prepared) entry_replicas += p.role != ReplicaRole::Decode ? 1 : 0;
  ArrivalFeed feed(*source, make_router(sc.serving.router, RouterOptions{sc.serving.router_load_weight}),
                   entry_replicas, stop);
  RunShared shared(feed, progress, sc.simulation.fast_forward);
  // KV bytes of one prompt token for the whole model (every layer and KV head), moved from a
  // prefill replica to a decode replica.
  shared.kv_bytes_per_token = model.kv_elements_per_token_per_layer() * model.layers *
                              bytes_per_element(sc.deployment.precision.kv_cache);
  if (sc.deployment.pools) {
    const PoolsConfig& pools = *sc.deployment.pools;
    shared.decode_router = make_decode_router(pools.decode_router, pools.decode_transfer_weight);
    shared.layerwise = pools.kv_transfer == "layerwise";
    shared.model_layers = std::max(model.layers, 1);
    shared.kv_layer_groups = pools.kv_layer_groups > 0 ? std::min(pools.kv_layer_groups, shared.model_layers)
                                                       : shared.model_layers;
  }
  std::vector<RequestRecord>& records = result.records;
  auto sink = [&records, &shared](RequestRecord&& r) {
    shared.finished += 1;
    if (shared.sessions) shared.sessions->on_finished(r);
    // Nothing after this reads a finished request's prefix block ids (a Mooncake row can carry
    // hundreds): long trace replays keep only the record itself.
    std::vector<std::uint64_t>().swap(r.request.prefix_blocks);
    records.push_back(std::move(r));
  };

  SchedulerLimits limits;
  limits.max_batched_tokens = sc.serving.max_batched_tokens;
  limits.max_num_seqs = sc.serving.max_num_seqs;
  limits.chunked_prefill = sc.serving.chunked_prefill;
  limits.max_context = model.max_context;
  limits.prefix_block_tokens = sc.workload.trace      ? sc.workload.trace->hash_block_tokens
                               : sc.workload.sessions ? sc.workload.sessions->prefix_block_tokens
                                                      : 512;
  limits.prefix_cache_blocks = sc.serving.prefix_cache_tokens / limits.prefix_block_tokens;
  // Preemption, offload tiers and tier-aware admission (docs/configuration.md, serving).
  limits.preemption = preemption_from_name(sc.serving.preemption);
  if (feed.router().tier_priority())
    for (const auto& t : sc.tiers) limits.tier_rank.push_back(t.price_per_mtok);  // dearer tiers first

  std::vector<std::unique_ptr<ReplicaRuntime>> replicas;
  int entry_index = 0;
  for (auto& p : prepared) {
    auto perf = PerfModelRegistry::instance().create(sc.perf_model.name, p.setup);
    SchedulerLimits l = limits;
    l.role = p.role;
    simgrid::s4u::Host* storage_node =
        apply_host_tiers(*engine, catalog, sc, p, entry_replicas, shared.kv_bytes_per_token, l);
    BatchScheduler scheduler(l, KvCache(p.kv_blocks, sc.serving.kv_block_tokens), p.info.index, sink);
    replicas.push_back(std::make_unique<ReplicaRuntime>(p.info.index, p.role, p.hosts, std::move(perf), std::move(scheduler)));
    ReplicaRuntime& rt = *replicas.back();
    rt.feed_index = p.role == ReplicaRole::Decode ? -1 : entry_index++;
    rt.storage_node = storage_node;
    if (p.role == ReplicaRole::Prefill) shared.prefill.push_back(&rt);
    if (p.role == ReplicaRole::Decode) shared.decode.push_back(&rt);
    if (p.role != ReplicaRole::Decode) shared.entry.push_back(&rt);
    result.replicas.push_back(p.info);
  }
  shared.active_prefill = shared.prefill.size();
  shared.sink = sink;
  for (std::size_t i = 0; i < prepared.size(); ++i)
    replicas[i]->stage_devices = static_cast<double>(prepared[i].setup.tp * prepared[i].setup.dp);
  // Host CPUs: which serve which devices (the loader gave them their catalog watts), and the share
  // of its host one tool call keeps busy (sim/serving/host_cpus.hpp).
  std::vector<ToolHost> tools = tool_hosts(*engine, sc, catalog);
  std::vector<std::vector<simgrid::s4u::Host*>> replica_hosts;
  for (const auto& p : prepared) replica_hosts.push_back(p.hosts);
  std::vector<simgrid::s4u::Host*> cpu_scope{platform.frontend};
  for (const auto& t : tools) cpu_scope.push_back(t.host);
  const HostCpuPlan cpus = plan_host_cpus(*engine, catalog, replica_hosts, sc.serving.host_cores_per_device, cpu_scope);
  for (std::size_t i = 0; i < replicas.size(); ++i) replicas[i]->cpu_load = cpus.replica_load[i];
  for (auto& t : tools)
    if (const HostCpu* c = cpus.find(t.host)) t.core_fraction = 1.0 / static_cast<double>(c->cores);
  std::unique_ptr<TimeSeriesRecorder> series;
  if (sc.output.timeseries_interval > 0) {
    series = std::make_unique<TimeSeriesRecorder>(sc.output.timeseries_interval, series_replicas(prepared));
    shared.series = series.get();
  }

  // Failure schedule (sim/engine/failure_targets.hpp): a GPU, rack or NVLink domain takes down
  // every replica with a device there; a link is turned off in SimGrid for its window (and takes
  // down the replicas it cuts in two); a storage node takes its offloaded prefix blocks away.
  std::vector<std::vector<simgrid::s4u::Host*>> devices_of;
  for (const auto& rt : replicas) devices_of.push_back(rt->hosts);
  std::uint64_t replicas_failed = 0, links_failed = 0, storage_failed = 0;
  struct LinkOutage {
    std::vector<simgrid::s4u::Link*> links;
    double at, back;
  };
  std::vector<LinkOutage> link_outages;
  for (std::size_t i = 0; i < sc.events.size(); ++i) {
    const FailureEvent& ev = sc.events[i];
    const double back = ev.recover ? *ev.recover : kNever;
    const FailureTarget target = resolve_failure(*engine, platform, devices_of, ev, i, sc.file);
    for (const std::size_t r : target.replicas) {
      replicas[r]->downtime.emplace_back(ev.at, back);
      shared.failure_times.push_back(ev.at);
      ++replicas_failed;
    }
    auto storage_out = [&](ReplicaRuntime& rt) { rt.scheduler.add_storage_outage(ev.at, back); };
    if (target.kind == FailureKind::Link) {
      ++links_failed;
      // KV transfers on the link fail at that instant and are routed again: no replica may have
      // run past it ahead of SimGrid time.
      shared.failure_times.push_back(ev.at);
      shared.link_failures = true;
      link_outages.push_back({target.links, ev.at, back});
      // Storage reloads cross the network too: a replica whose storage node is behind the link
      // cannot reach its offloaded blocks meanwhile.
      for (auto& rt : replicas) {
        auto* node = storage_node_of(*engine, static_cast<std::size_t>(rt->index));
        if (!node || rt->scheduler.prefix_cache().capacity(CacheTier::Storage) == 0) continue;
        bool cut = false;
        for (auto* h : rt->hosts) cut = cut || route_crosses(node, h, target.links);
        if (cut) storage_out(*rt);
      }
    }
    if (target.kind == FailureKind::Storage) {
      ++storage_failed;
      for (auto& rt : replicas)
        if (storage_node_of(*engine, static_cast<std::size_t>(rt->index)) == target.storage) storage_out(*rt);
    }
  }
  // Links go off and on in SimGrid time (daemons: they do not keep the run alive).
  for (const LinkOutage& o : link_outages) {
    simgrid::s4u::Actor::create("link-failure", platform.frontend ? platform.frontend : replicas.front()->hosts.front(),
                                [o] {
                                  simgrid::s4u::this_actor::sleep_until(o.at);
                                  for (auto* l : o.links) l->turn_off();
                                  spdlog::info("link {} fails", o.links.front()->get_name());
                                  if (o.back == kNever) return;
                                  simgrid::s4u::this_actor::sleep_until(o.back);
                                  for (auto* l : o.links) l->turn_on();
                                  spdlog::info("link {} is back", o.links.front()->get_name());
                                })
        ->daemonize();
  }
  for (auto& rt : replicas) std::sort(rt->downtime.begin(), rt->downtime.end());
  std::sort(shared.failure_times.begin(), shared.failure_times.end());
  feed.set_failures(
      [&shared](std::size_t k, double t) { return shared.entry[k]->down_at(t); },
      [&sink](const Request& r, const std::string& reason) {
        RequestRecord rec;
        rec.request = r;
        rec.outcome = Outcome::Rejected;
        rec.reason = reason;
        sink(std::move(rec));
      });
  shared.live_replicas = replicas.size();
  for (auto& rt : replicas) {
    rt->scheduler.set_handoff([&shared, rt = rt.get()](RequestRecord&& r) { rt->handoffs.push_back(std::move(r)); });
    simgrid::s4u::Actor::create(role_name(rt->role) + std::to_string(rt->index), rt->hosts.front(),
                                ReplicaActor(*rt, shared));
  }
  std::unique_ptr<SessionDriver> sessions;
  if (sc.workload.sessions) {
    feed.force_stateful();
    sessions = std::make_unique<SessionDriver>(SessionPlan(*sc.workload.sessions, sc.seed, model.max_context),
                                               std::move(tools), shared, stop);
    shared.sessions = sessions.get();
  }
  if (feed.stateful()) simgrid::s4u::Actor::create("frontend", platform.frontend, FrontendActor(shared.entry, shared));

  spdlog::info("running {}: {} on {} replica(s) ({})", sc.name, model.name, replicas.size(),
               sc.deployment.pools ? fmt::format("{} prefill x tp {}, {} decode x tp {}", shared.prefill.size(),
                                                 sc.deployment.pools->prefill.tp, shared.decode.size(),
                                                 sc.deployment.pools->decode.tp)
                                   : fmt::format("tp {} on {}", sc.deployment.tp, prepared.front().info.device));
  install_crash_report();
  engine->run();
  progress.finish();
  if (shared.kv_workers > 0) spdlog::debug("KV transfers ran on {} worker actors", shared.kv_workers);
  if (shared.input_error) std::rethrow_exception(shared.input_error);
  const double end = stop != kNever ? stop : simgrid::s4u::Engine::get_clock();
  const double engine_end = simgrid::s4u::Engine::get_clock();

  // Device energy from SimGrid's plugin, and the idle floor it must respect.
  EnergyFigures energy;
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    const auto& p = prepared[i];
    energy.device_joules += lockstep_device_joules(p.hosts, engine_end, replicas[i]->busy_seconds);
    for (std::size_t k = 0; k < p.hosts.size(); ++k) {
      if (p.setup.device.power.idle) energy.idle_floor_joules += p.setup.device.power.idle->value * engine_end;
      if (p.setup.device.power.max) energy.max_power_w += p.setup.device.power.max->value;
    }
  }
  energy.measured_over_s = engine_end;
  for (const auto& c : cpus.cpus)
    if (c.priced()) energy.cpu_joules += sg_host_get_consumed_energy(c.host);

  // Requests still held by a replica or moving between replicas are in flight.
  for (auto& rt : replicas) {
    for (auto& r : rt->scheduler.in_flight()) records.push_back(std::move(r));
    for (auto& r : rt->handoffs) records.push_back(std::move(r));
    for (auto& r : rt->kv_arrived) records.push_back(std::move(r));
  }
  for (auto& [id, r] : shared.in_transfer) records.push_back(std::move(r));
  std::sort(records.begin(), records.end(),
            [](const RequestRecord& a, const RequestRecord& b) { return a.request.id < b.request.id; });
  double busy_gpu_seconds = 0;
  std::uint64_t iterations = 0;
  int gpus = 0;
  for (auto& rt : replicas) {
    busy_gpu_seconds += rt->busy_seconds * static_cast<double>(rt->hosts.size());
    iterations += rt->iterations;
    gpus += static_cast<int>(rt->hosts.size());
  }
  if (series) {
    // Over the time the energy plugin integrated, so that its power adds up to the device energy.
    result.timeseries = series->finish(engine_end, records);
    if (series->coarsened())
      spdlog::warn("timeseries.csv: {} s intervals would make more than {} rows; the interval is {} s",
                   sc.output.timeseries_interval, kMaxTimeSeriesRows, series->interval());
  }
  result.summary = summarize(records, end, busy_gpu_seconds, gpus, iterations);
  result.summary.workload = source->counters();
  result.summary.tiers = summarize_tiers(records, sc.tiers, result.summary.window);
  result.summary.energy = energy;
  for (auto& rt : replicas) {
    result.summary.prefix_cache.looked_up_blocks += rt->scheduler.prefix_cache().looked_up_blocks();
    result.summary.prefix_cache.hit_blocks += rt->scheduler.prefix_cache().hit_blocks();
    result.summary.prefix_cache.prefill_tokens_saved += rt->scheduler.prefill_tokens_saved();
    add_scheduler_figures(rt->scheduler, result.summary);
  }
  result.summary.prefix_cache.enabled = limits.prefix_cache_blocks > 0;
  result.summary.preemption.mode = sc.serving.preemption;
  for (const auto& r : result.records) result.summary.preemption.requests_preempted += r.preemptions > 0 ? 1 : 0;
  if (sessions) {
    result.summary.sessions = sessions->figures();
    result.summary.sessions.enabled = true;
    result.summary.sessions.tool_calls_on_hosts = sessions->tool_calls_on_hosts();
  }
  FailureFigures& failures = result.summary.failures;
  failures.events = sc.events.size();
  failures.replicas_failed = replicas_failed;
  failures.requests_retried = shared.retried;
  failures.links_failed = links_failed;
  failures.storage_nodes_failed = storage_failed;
  failures.kv_transfers_failed = shared.kv_transfers_failed;
  failures.kv_transfers_retried = shared.kv_transfers_retried;
  failures.requests_unreachable = shared.kv_unreachable;
  for (auto& rt : replicas) failures.storage_blocks_unavailable += rt->scheduler.prefix_cache().unavailable_blocks();
  for (auto& rt : replicas)
    for (const auto& [a, b] : rt->downtime)
      if (a < end) failures.replica_seconds_down += std::min(b, end) - a;
  failures.capacity_lost_fraction =
      end > 0 ? failures.replica_seconds_down / (static_cast<double>(replicas.size()) * end) : 0;
  finish_energy(result.summary);
  // The accelerators' power by device for the breakdown: the energy plugin's linear model (idle +
  // busy share x (max - idle); tests/engine/energy_test.cpp checks it against the plugin) on the
  // replicas' busy time. Unlike the plugin's float integration (~1e-11 relative), that does not
  // depend on how fast-forward cut the busy time into activities, so economics stays byte-identical.
  std::map<std::string, AcceleratorDraw> draw;
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    const PowerSpec& pw = prepared[i].setup.device.power;
    const double n = static_cast<double>(replicas[i]->hosts.size());
    const double idle = pw.idle ? pw.idle->value : 0.0;
    const double max = pw.max ? pw.max->value : idle;
    AcceleratorDraw& d = draw[prepared[i].setup.device.name];
    d.count += n;
    d.peak_w += n * max;
    if (engine_end > 0) d.average_w += n * idle + (max - idle) * n * replicas[i]->busy_seconds / engine_end;
  }
  // Accelerators in use by rack: each rack's CPUs are charged by its own share.
  std::map<const simgrid::s4u::Host*, const std::string*> rack_of;
  for (const auto& g : platform.gpus) rack_of[g.host] = &g.rack;
  std::map<std::string, double> used_by_rack;
  for (const auto& p : prepared)
    for (const auto* h : p.hosts)
      if (const auto it = rack_of.find(h); it != rack_of.end()) used_by_rack[*it->second] += 1;
  // The CPUs by the energy plugin's model on their busy core-seconds (same reason as above).
  std::vector<double> busy_seconds;
  for (const auto& rt : replicas) busy_seconds.push_back(rt->busy_seconds);
  std::map<std::string, AcceleratorDraw> measured_cpus;
  for (const auto& [m, d] : cpu_draw(cpus, busy_seconds, sessions ? sessions->tool_core_seconds() : std::map<const simgrid::s4u::Host*, double>{},
                                     engine_end))
    measured_cpus[m] = {d.count, d.average_w, d.peak_w};
  result.power = power_breakdown(
      inventory, draw, result.summary.gpu_busy_fraction,
      [&catalog](const std::string& name) -> std::optional<DeviceSpec> {
        try {
          return catalog.device(name);
        } catch (const ConfigError&) {
          return std::nullopt;  // left at 0 W with a note
        }
      },
      used_by_rack, std::optional(measured_cpus));
  InvariantInputs inv;
  inv.tokens_emitted = 0;
  for (auto& rt : replicas) {
    inv.tokens_emitted += rt->scheduler.tokens_emitted();
    inv.kv_overflow = inv.kv_overflow || rt->scheduler.kv().overflowed();
  }
  check_invariants(result.records, result.summary, inv);
  std::uint64_t segments = 0;
  for (auto& rt : replicas) segments += rt->segments;
  spdlog::debug("{} iterations in {} SimGrid activities", iterations, segments);
  return result;
}

}  // namespace tokenfab
