#include "sim/serving/replica_actor.hpp"

#include <algorithm>
#include <cmath>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/Exception.hpp>
#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Disk.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Exec.hpp>
#include <simgrid/s4u/Io.hpp>
#include <spdlog/spdlog.h>

#include "sim/metrics/timeseries.hpp"
#include "sim/platform/platform.hpp"
#include "sim/serving/session_driver.hpp"

namespace tokenfab {
namespace {

// A fast-forwarded segment ends after this many iterations or this much simulated time, so that
// progress reports and other actors keep up.
constexpr std::uint64_t kMaxSegmentIterations = 4096;
constexpr double kMaxSegmentSeconds = 10.0;
// Storage reloads: the disk-read phase is rounded up to this (see reload_from_storage).
constexpr double kDiskGrain = 1e-5;

double sim_now() { return simgrid::s4u::Engine::get_clock(); }

// Waits for every activity until SimGrid time `deadline`; false when the deadline came first
// (the unfinished ones are cancelled). An activity that fails (a link or disk turned off by a
// failure event) ends there: the reload is not redone, it only stops costing time.
template <class Ptr>
bool wait_all_until(const std::vector<Ptr>& activities, double deadline) {
  auto cancel_rest = [&]() {
    for (const auto& b : activities)
      if (b->get_state() == simgrid::s4u::Activity::State::STARTED) b->cancel();
  };
  for (const auto& a : activities) {
    try {
      if (deadline == kNever)
        a->wait();
      else
        a->wait_for(std::max(0.0, deadline - sim_now()));
    } catch (const simgrid::TimeoutException&) {
      cancel_rest();
      return false;
    } catch (const simgrid::Exception&) {
      cancel_rest();
      return true;
    }
  }
  return true;
}

}  // namespace

ReplicaRuntime::ReplicaRuntime(int index_, ReplicaRole role_, std::vector<simgrid::s4u::Host*> hosts_,
                               std::unique_ptr<PerfModel> perf_, BatchScheduler scheduler_)
    : index(index_),
      role(role_),
      hosts(std::move(hosts_)),
      perf(std::move(perf_)),
      scheduler(std::move(scheduler_)),
      wakeup(simgrid::s4u::Semaphore::create(0)) {}

bool ReplicaRuntime::down_at(double t) const {
  for (const auto& [a, b] : downtime)
    if (a <= t && t < b) return true;
  return false;
}

bool RunShared::reachable(const ReplicaRuntime& from, const ReplicaRuntime& to) {
  if (!link_failures) return true;
  auto [it, fresh] = kv_routes.try_emplace({from.index, to.index});
  if (fresh) {
    // The links of every stream of a transfer (KvTransfer pairs the devices the same way).
    const std::size_t streams = std::min(from.hosts.size(), to.hosts.size());
    for (std::size_t i = 0; i < streams; ++i) {
      std::vector<simgrid::s4u::Link*> route;
      double latency = 0;
      from.hosts[i * from.hosts.size() / streams]->route_to(to.hosts[i * to.hosts.size() / streams], route, &latency);
      for (auto* l : route)
        if (std::find(it->second.begin(), it->second.end(), l) == it->second.end()) it->second.push_back(l);
    }
  }
  for (const auto* l : it->second)
    if (!l->is_on()) return false;
  return true;
}

double RunShared::next_failure(double t) const {
  const auto it = std::lower_bound(failure_times.begin(), failure_times.end(), t);
  return it == failure_times.end() ? kNever : *it;
}

double RunShared::next_failure_after(double t) const {
  const auto it = std::upper_bound(failure_times.begin(), failure_times.end(), t);
  return it == failure_times.end() ? kNever : *it;
}

void RunShared::retry(const Request& request, double t) {
  Request r = request;
  r.retries += 1;
  retried += 1;
  if (!feed.stateful()) {
    feed.reinject(r, t);
    // The replica it went to may be idle, waiting for its next arrival: let the waiting ones look.
    for (ReplicaRuntime* e : entry)
      if (e->waiting) e->wakeup->release();
    return;
  }
  std::vector<const BatchScheduler*> views;
  std::vector<bool> alive;
  for (const ReplicaRuntime* e : entry) {
    views.push_back(&e->scheduler);
    alive.push_back(!e->down_at(t) && !e->done);
  }
  const std::size_t k = feed.router().route(r, views, alive);
  if (k == kNoReplica) {
    RequestRecord rec;
    rec.request = r;
    rec.outcome = Outcome::Rejected;
    rec.reason = "every replica that could take it has failed";
    sink(std::move(rec));
    return;
  }
  entry[k]->scheduler.enqueue(r);
  if (entry[k]->waiting) entry[k]->wakeup->release();
}

double RunShared::arrival_horizon() const {
  const double h = feed.horizon();
  return sessions ? std::min(h, sessions->arrival_bound(sim_now())) : h;
}

void RunShared::admit(Request request) {
  const double t = sim_now();
  if (sessions) request.id = next_request_id++;
  std::vector<const BatchScheduler*> views;
  std::vector<bool> alive;
  for (const ReplicaRuntime* e : entry) {
    views.push_back(&e->scheduler);
    alive.push_back(!e->down_at(t) && !e->done);
  }
  feed.count_arrival();
  std::size_t k = kNoReplica;
  // A later turn of a sticky session goes where its context is cached, while that replica lives.
  if (request.previous_replica >= 0 && sessions && sessions->sticky()) {
    for (std::size_t i = 0; i < entry.size(); ++i)
      if (entry[i]->index == request.previous_replica && alive[i]) k = i;
  }
  if (k == kNoReplica) k = feed.router().route(request, views, alive);
  if (k == kNoReplica) {
    RequestRecord rec;
    rec.request = std::move(request);
    rec.outcome = Outcome::Rejected;
    rec.reason = "every replica that could take it has failed";
    sink(std::move(rec));
    return;
  }
  ReplicaRuntime* target = entry[k];
  target->scheduler.enqueue(std::move(request));
  if (target->waiting) target->wakeup->release();
}

double ReplicaActor::own_next_failure() const {
  return rt_.next_downtime < rt_.downtime.size() ? rt_.downtime[rt_.next_downtime].first : kNever;
}

bool ReplicaActor::fail_and_recover() {
  release_cpus();
  const auto [at, back] = rt_.downtime[rt_.next_downtime++];
  std::vector<RequestRecord> lost = rt_.scheduler.evict_all();
  for (auto& r : rt_.kv_arrived) {
    rt_.incoming_blocks -= rt_.scheduler.prefilled_blocks(r.request);
    lost.push_back(std::move(r));
  }
  rt_.kv_arrived.clear();
  spdlog::info("replica {} ({}) fails; {} request(s) restart elsewhere", rt_.index, role_name(rt_.role), lost.size());
  for (const auto& r : lost) shared_.retry(r.request, at);
  (void)at;
  if (back == kNever || back >= shared_.feed.stop_time()) return false;
  rt_.next_send = back;
  simgrid::s4u::this_actor::sleep_until(back);
  rt_.clock = back;
  spdlog::info("replica {} ({}) is back", rt_.index, role_name(rt_.role));
  return true;
}

void ReplicaActor::busy_until(double until) {
  rt_.next_send = until;  // a prefill replica cannot hand anything over before it resumes
  const double span = until - sim_now();
  if (span > 0) {
    rt_.segments += 1;
    hold_cpus();
    // One activity for the whole replica, on its lead device: its devices run the same iterations
    // in lockstep and no other work shares them, so one execution per device would only multiply
    // SimGrid's work (a quarter of the CPU time of a pod run); the others' energy mirrors the
    // lead's (lockstep_device_joules).
    simgrid::s4u::this_actor::execute(span * rt_.hosts.front()->get_speed());
  }
  // The replica clock is authoritative; land exactly on it (an execution may end a rounding
  // error early).
  if (sim_now() < until) simgrid::s4u::this_actor::sleep_until(until);
}

void ReplicaActor::hold_cpus() {
  if (!cpu_work_.empty() || rt_.cpu_load.empty()) return;
  // Sized to outlast any run: release_cpus ends them. They never hold the replica up.
  constexpr double kUntilReleased = 1e15;
  cpu_work_.reserve(rt_.cpu_load.size());
  for (const CpuShare& c : rt_.cpu_load) cpu_work_.push_back(start_share(c.host, c.fraction, kUntilReleased));
}

void ReplicaActor::release_cpus() {
  for (const auto& e : cpu_work_) end_share(e);
  cpu_work_.clear();
}

double ReplicaActor::reload_from_storage(double deadline) {
  release_cpus();  // the engine waits for the blocks
  if (sim_now() < rt_.clock) simgrid::s4u::this_actor::sleep_until(rt_.clock);
  const double start = sim_now();
  const double bytes = shared_.kv_bytes_per_token * static_cast<double>(rt_.scheduler.pending_storage_tokens());
  // The node reads the blocks, striped over its drives (a drive without read bandwidth holds none).
  std::vector<simgrid::s4u::Disk*> disks;
  for (auto* d : rt_.storage_node->get_disks())
    if (d->get_read_bandwidth() > 0) disks.push_back(d);
  std::vector<simgrid::s4u::IoPtr> reads;
  for (auto* d : disks)
    reads.push_back(d->read_async(static_cast<sg_size_t>(bytes / static_cast<double>(disks.size())) + 1));
  bool done = wait_all_until(reads, deadline);
  if (done && !reads.empty()) {
    // SimGrid's disk model (S19) advances every disk action by a whole number of bytes at every
    // event of the simulation, so a read's end moves by ~1e-10 s with the number of unrelated
    // events, which fast-forward changes. Rounding the read up to kDiskGrain makes it end at
    // the same instant in both modes (unless it falls within that noise of a grain boundary).
    const double grain = std::ceil((sim_now() - start) / kDiskGrain) * kDiskGrain;
    if (start + grain > deadline) {
      done = false;
    } else if (sim_now() < start + grain) {
      simgrid::s4u::this_actor::sleep_until(start + grain);
    }
  }
  // Then every device gets its shard over the platform route (the node's port, the Spectrum-X
  // switches, the device's NIC). Not pipelined with the reads: a conservative price.
  if (done) {
    std::vector<simgrid::s4u::CommPtr> comms;
    const auto shard = static_cast<std::uint64_t>(bytes / static_cast<double>(rt_.hosts.size())) + 1;
    for (auto* h : rt_.hosts) comms.push_back(simgrid::s4u::Comm::sendto_async(rt_.storage_node, h, shard));
    done = wait_all_until(comms, deadline);
  }
  return (done ? sim_now() : deadline) - start;
}

void ReplicaActor::account(const IterationCost& cost, double length, double from, double to,
                           std::int64_t output_tokens, std::int64_t input_tokens) {
  IterationSample s;
  s.start = from;
  s.end = to;
  s.output_tokens = output_tokens;
  s.input_tokens = input_tokens;
  if (to > from && length > 0) {
    // Of the priced work, the share done in [from, to): all of it for a whole iteration. With
    // speculative decoding the engine's iteration (one token per sequence) is a fraction
    // seconds / step_s of a real step, whose FLOPs and bytes the model prices.
    const double share = (to - from) / length * (cost.step_s > cost.seconds ? cost.seconds / cost.step_s : 1.0);
    s.flops = cost.flops * rt_.stage_devices * share;
    s.bytes = cost.bytes * rt_.stage_devices * share;
    s.waiting = static_cast<std::int64_t>(rt_.scheduler.waiting());
    s.running = static_cast<std::int64_t>(rt_.scheduler.running());
    s.kv_blocks_used = rt_.scheduler.kv().used_blocks();
  }
  shared_.series->iteration(static_cast<std::size_t>(rt_.index), s);
}

void ReplicaActor::take_arrivals(double t) {
  if (rt_.role == ReplicaRole::Decode) {
    while (!rt_.kv_arrived.empty() && rt_.kv_arrived.front().kv_transfer_end <= t) {
      rt_.incoming_blocks -= rt_.scheduler.prefilled_blocks(rt_.kv_arrived.front().request);
      rt_.scheduler.enqueue_prefilled(std::move(rt_.kv_arrived.front()));
      rt_.kv_arrived.pop_front();
    }
    return;
  }
  if (!shared_.feed.stateful())
    shared_.feed.take_until(static_cast<std::size_t>(rt_.feed_index), t, rt_.scheduler);
}

double ReplicaActor::horizon() const {
  const ArrivalFeed& feed = shared_.feed;
  const double failure = shared_.next_failure(rt_.clock);
  if (rt_.role != ReplicaRole::Decode) return std::min(failure, feed.stateful() ? shared_.arrival_horizon() : kNever);
  double h = std::min(failure, rt_.transfer_bounds.empty() ? kNever : *rt_.transfer_bounds.begin());
  for (const ReplicaRuntime* p : shared_.prefill) {
    if (p->done) continue;
    h = std::min(h, p->send_follows_frontend ? shared_.arrival_horizon() : p->next_send);
  }
  return h;
}

ReplicaActor::Segment ReplicaActor::run_segment() {
  const double stop = shared_.feed.stop_time();
  const double failure = own_next_failure();
  const double start = rt_.clock;
  std::uint64_t n = 0;
  while (true) {
    take_arrivals(rt_.clock);
    if (rt_.scheduler.idle()) break;
    // An idle replica woken by a request starts it at its arrival: SimGrid's timing precision
    // (1e-9 s) can wake it a hair before (BatchScheduler::plan never starts a request earlier).
    if (rt_.scheduler.running() == 0) rt_.clock = std::max(rt_.clock, rt_.scheduler.head_arrival());
    const BatchShape& shape = rt_.scheduler.plan(rt_.clock);
    if (shape.new_tokens == 0) {
      if (n > 0) break;  // nothing admissible now (decode: KV full); let SimGrid move on
      // Unreachable by construction (requests that can never fit are rejected on arrival); a
      // stuck replica would otherwise spin forever.
      spdlog::error("replica {} cannot schedule its {} waiting requests", rt_.index, rt_.scheduler.waiting());
      return Segment::Stop;
    }
    const IterationCost price = rt_.perf->price(shape);
    const double limit = std::min(stop, failure);
    // Prefix blocks found in the storage tier come back first, as SimGrid activities that share
    // the node's disks and the fabric with every other reload and KV transfer: such an iteration
    // runs live.
    const bool reloads = rt_.scheduler.pending_storage_tokens() > 0 && rt_.storage_node != nullptr;
    double reload = 0;
    if (reloads) {
      if (n > 0) break;  // first catch SimGrid up with the iterations applied so far
      reload = reload_from_storage(limit);
      rt_.scheduler.add_reload_seconds(reload);
    }
    // KV moves the scheduler started (swaps, prefix reloads from the CPU tier) lengthen it.
    const double cost = price.seconds + rt_.scheduler.pending_extra_seconds() + reload;
    const double end = rt_.clock + cost;
    if (end > limit) {
      // The iteration cannot finish before the run stops or the replica fails: the devices work
      // until then; the batch stays in flight (stop) or restarts elsewhere (failure).
      if (n > 0) break;
      busy_until(limit);
      if (shared_.series) account(price, cost, rt_.clock, limit, 0, 0);  // cut short: nothing emitted
      rt_.busy_seconds += limit - rt_.clock;
      rt_.clock = limit;
      return limit == failure ? Segment::Failed : Segment::Stop;
    }
    // Layerwise KV streaming: the KV of the prompts this iteration finishes leaves during it, so
    // the iteration starts in SimGrid time (it is known to complete: it ends before any stop).
    if (shared_.layerwise && rt_.role == ReplicaRole::Prefill) {
      const std::vector<const Request*> finishing = rt_.scheduler.planned_handoffs();
      if (!finishing.empty()) {
        if (n > 0) break;  // first catch SimGrid up with the iterations applied so far
        stream_kv(finishing, end, price.seconds);
      }
    }
    // An iteration may be applied ahead of SimGrid time only when nothing can reach the replica
    // before it ends. Otherwise it runs live: the devices are busy first and the results are
    // applied at its end, as other actors see it happen.
    const bool ahead_ok = !reloads && shared_.fast_forward && end <= horizon();
    if (!ahead_ok) {
      if (n > 0) break;  // first catch SimGrid up with the iterations applied so far
      busy_until(end);
    }
    // The scheduler's state during the iteration is read before complete() changes it. Every
    // sequence with a logit emits a token at the end (decodes and prompts finishing).
    if (shared_.series) account(price, cost, rt_.clock, end, shape.logits, shape.prefill_tokens);
    rt_.scheduler.complete(end);
    rt_.clock = end;
    rt_.busy_seconds += cost;
    rt_.iterations += 1;
    ++n;
    // Finished prompts leave at this boundary, in SimGrid time.
    if (!ahead_ok || !rt_.handoffs.empty() || n >= kMaxSegmentIterations || rt_.clock - start >= kMaxSegmentSeconds)
      break;
  }
  busy_until(rt_.clock);
  send_handoffs();
  shared_.progress.tick(rt_.clock, shared_.finished, shared_.feed.arrived());
  return Segment::Continue;
}

std::size_t ReplicaActor::choose_decode(const Request& r, double bytes) {
  return shared_.choose_decode(rt_, r, bytes, rt_.clock);
}

std::size_t RunShared::choose_decode(ReplicaRuntime& from, const Request& r, double bytes, double now) {
  const bool kv_view = decode_router->kv_view();
  if (kv_view && from.decode_paths.size() != decode.size()) {
    from.decode_paths.clear();
    for (const ReplicaRuntime* d : decode) from.decode_paths.push_back(path_between(from.hosts.front(), d->hosts.front()));
  }
  std::vector<DecodeCandidate> candidates(decode.size());
  for (std::size_t i = 0; i < decode.size(); ++i) {
    const ReplicaRuntime& d = *decode[i];
    DecodeCandidate& c = candidates[i];
    c.scheduler = &d.scheduler;
    c.alive = !d.down_at(now) && !d.done && reachable(from, d);
    if (!kv_view) continue;
    const PathInfo& path = from.decode_paths[i];
    const auto streams = static_cast<double>(std::min(from.hosts.size(), d.hosts.size()));
    c.transfer_s = path.latency + bytes / streams / path.bandwidth;
    c.need_blocks = d.scheduler.prefilled_blocks(r);
    c.held_blocks = d.scheduler.kv().used_blocks() + d.scheduler.waiting_blocks() + d.incoming_blocks;
    c.total_blocks = d.scheduler.kv().total_blocks();
  }
  return decode_router->route(r, candidates);
}

std::string RunShared::no_decode_reason(double now) {
  bool live = false;
  for (const ReplicaRuntime* d : decode) live = live || (!d->down_at(now) && !d->done);
  if (!live || !link_failures) return "no decode replica is alive to take its KV";
  kv_unreachable += 1;
  return "no live decode replica can be reached: a failed link cuts the KV's path";
}

void ReplicaActor::start_transfer(const Request& r, std::size_t k, std::vector<KvGroup> groups) {
  ReplicaRuntime& to = *shared_.decode[k];
  // The fastest the transfer could possibly go: one stream's share at the path's bottleneck
  // bandwidth plus its latency, no group leaving before it is ready (SimGrid's flow model can
  // only be slower).
  const std::size_t streams = std::min(rt_.hosts.size(), to.hosts.size());
  const PathInfo path = path_between(rt_.hosts.front(), to.hosts.front());
  const double bound = earliest_arrival(groups, static_cast<double>(streams), path.latency, path.bandwidth);
  to.transfer_bounds.insert(bound);
  to.incoming_blocks += to.scheduler.prefilled_blocks(r);
  shared_.start_kv(std::make_unique<KvTransfer>(r, rt_, to, std::move(groups), bound, shared_), rt_.hosts.front());
}

void RunShared::start_kv(std::unique_ptr<KvTransfer> job, simgrid::s4u::Host* host) {
  kv_jobs.push_back(std::move(job));
  // Each queued transfer has a worker of its own: a waiting one, or a new one.
  if (kv_idle_workers > 0) {
    --kv_idle_workers;
  } else {
    simgrid::s4u::Actor::create("kv-worker" + std::to_string(kv_workers++), host, KvTransferWorker(*this));
  }
  kv_jobs_ready->release();
}

void RunShared::replica_ended() {
  if (--live_replicas > 0) return;
  kv_closed = true;
  for (; kv_idle_workers > 0; --kv_idle_workers) kv_jobs_ready->release();  // each finds no job and ends
}

void KvTransferWorker::operator()() {
  while (true) {
    shared_.kv_jobs_ready->acquire();
    if (shared_.kv_jobs.empty()) return;  // woken at the close
    std::unique_ptr<KvTransfer> job = std::move(shared_.kv_jobs.front());
    shared_.kv_jobs.pop_front();
    (*job)();
    if (shared_.kv_closed) return;
    ++shared_.kv_idle_workers;
  }
}

void ReplicaActor::stream_kv(const std::vector<const Request*>& finishing, double end, double compute) {
  if (sim_now() < rt_.clock) {
    release_cpus();
    simgrid::s4u::this_actor::sleep_until(rt_.clock);
  }
  for (const Request* r : finishing) {
    const double bytes = shared_.kv_bytes_per_token * static_cast<double>(r->input_tokens);
    const std::size_t k = choose_decode(*r, bytes);
    if (k == kNoReplica) continue;  // rejected when it is handed over (send_handoffs)
    rt_.streaming.insert(r->id);
    start_transfer(*r, k, layer_groups(bytes, shared_.model_layers, shared_.kv_layer_groups, rt_.clock, end, compute));
  }
}

void ReplicaActor::send_handoffs() {
  if (rt_.handoffs.empty()) return;
  for (auto& record : rt_.handoffs) {
    const std::uint64_t id = record.request.id;
    // The exposed part of the transfer starts with the first token, when prefill has ended.
    record.kv_transfer_start = rt_.clock;
    if (rt_.streaming.erase(id) > 0) {
      // Layerwise: its KV is already on the way; the transfer takes the record when it lands.
      const auto early = shared_.landed_early.find(id);
      if (early == shared_.landed_early.end()) {
        shared_.in_transfer.emplace(id, std::move(record));
        continue;
      }
      ReplicaRuntime& to = *early->second.first;
      record.kv_transfer_end = early->second.second;
      shared_.landed_early.erase(early);
      to.kv_arrived.push_back(std::move(record));
      if (to.waiting) to.wakeup->release();
      continue;
    }
    const double bytes = shared_.kv_bytes_per_token * static_cast<double>(record.request.input_tokens);
    const std::size_t k = choose_decode(record.request, bytes);
    if (k == kNoReplica) {
      record.kv_transfer_start = -1;
      record.outcome = Outcome::Rejected;
      record.reason = shared_.no_decode_reason(rt_.clock);
      shared_.sink(std::move(record));
      continue;
    }
    const Request& request = shared_.in_transfer.emplace(id, std::move(record)).first->second.request;
    start_transfer(request, k, {KvGroup{rt_.clock, bytes}});
  }
  rt_.handoffs.clear();
}

bool ReplicaActor::wait_for_work() {
  release_cpus();
  ArrivalFeed& feed = shared_.feed;
  if (!shared_.failure_times.empty()) return wait_with_failures();
  if (rt_.role == ReplicaRole::Decode) {
    if (!rt_.kv_arrived.empty()) return true;
    const bool more_coming = shared_.active_prefill > 0 || !rt_.transfer_bounds.empty();
    if (!more_coming || sim_now() >= feed.stop_time()) return false;
  } else if (feed.stateful()) {
    if (shared_.arrivals_done) return false;
    rt_.send_follows_frontend = true;
  } else {
    const double next = feed.next_arrival(static_cast<std::size_t>(rt_.feed_index));
    if (next == kNever) return false;
    rt_.next_send = next;
    if (next > rt_.clock) simgrid::s4u::this_actor::sleep_until(next);
    rt_.clock = std::max(rt_.clock, next);
    return true;
  }
  rt_.waiting = true;
  rt_.wakeup->acquire();
  rt_.waiting = false;
  rt_.send_follows_frontend = false;
  rt_.clock = std::max(rt_.clock, sim_now());
  return true;
}

bool ReplicaActor::wait_with_failures() {
  // With failures in the run, idle replicas also wake at failure instants (their own, to fail;
  // others', since restarted requests may come to them) and are woken by restarted requests.
  ArrivalFeed& feed = shared_.feed;
  // A failure instant it has already yielded at is behind it: nothing fails there any more, and
  // work restarted then wakes it (otherwise an idle replica would yield at that instant forever).
  double failure = shared_.next_failure(rt_.clock);
  if (failure == rt_.failure_passed) failure = shared_.next_failure_after(failure);
  double until = std::min(feed.stop_time(), failure);
  if (rt_.role == ReplicaRole::Decode) {
    if (!rt_.kv_arrived.empty()) return true;
    const bool more_coming = shared_.active_prefill > 0 || !rt_.transfer_bounds.empty();
    if (!more_coming && own_next_failure() == kNever) return false;
  } else if (feed.stateful()) {
    if (shared_.arrivals_done && own_next_failure() == kNever && failure == kNever) return false;
    rt_.send_follows_frontend = true;
  } else {
    const double next = feed.next_arrival(static_cast<std::size_t>(rt_.feed_index));
    if (next == kNever && failure == kNever) return false;
    until = std::min(until, next);
    rt_.next_send = until;
  }
  if (until == kNever && rt_.role != ReplicaRole::Decode && !feed.stateful()) return false;
  if (until <= sim_now()) {
    // A failure instant right now: let the other actors of this instant act, then look again.
    if (until == failure) rt_.failure_passed = failure;
    simgrid::s4u::this_actor::yield();
    rt_.clock = std::max(rt_.clock, until);
    return rt_.clock < feed.stop_time();
  }
  rt_.waiting = true;
  const bool timed_out = until == kNever ? (rt_.wakeup->acquire(), false) : rt_.wakeup->acquire_timeout(until - sim_now());
  rt_.waiting = false;
  rt_.send_follows_frontend = false;
  rt_.clock = timed_out ? std::max(rt_.clock, until) : std::max(rt_.clock, sim_now());
  return rt_.clock < feed.stop_time() || !timed_out;
}

void ReplicaActor::serve() {
  while (true) {
    if (own_next_failure() <= rt_.clock) {
      if (!fail_and_recover()) return;
      continue;
    }
    take_arrivals(rt_.clock);
    if (!rt_.scheduler.idle()) {
      const Segment s = run_segment();
      if (s == Segment::Stop) break;
      if (s == Segment::Failed && !fail_and_recover()) return;
      continue;
    }
    if (!wait_for_work()) break;
  }
  // At the stop time, arrivals up to it count (they are in flight).
  if (rt_.role != ReplicaRole::Decode && shared_.feed.stop_time() != kNever) take_arrivals(shared_.feed.stop_time());
  spdlog::debug("replica {} done: {} iterations in {} SimGrid activities", rt_.index, rt_.iterations, rt_.segments);
}

void ReplicaActor::operator()() {
  try {
    serve();
    release_cpus();
  } catch (const std::exception&) {
    shared_.input_error = std::current_exception();
    simgrid::s4u::Actor::kill_all();
    return;
  }
  rt_.done = true;
  rt_.next_send = kNever;
  shared_.replica_ended();
  if (rt_.role == ReplicaRole::Prefill && --shared_.active_prefill == 0) {
    // No more KV will come: idle decode replicas may finish.
    for (ReplicaRuntime* d : shared_.decode)
      if (d->waiting) d->wakeup->release();
  }
}

void FrontendActor::operator()() {
  try {
    replay();
  } catch (const std::exception&) {
    shared_.input_error = std::current_exception();
    simgrid::s4u::Actor::kill_all();
  }
}

void FrontendActor::replay() {
  ArrivalFeed& feed = shared_.feed;
  auto next = feed.next_request();
  while (next) {
    feed.set_horizon(next->arrival);
    if (next->arrival > sim_now()) simgrid::s4u::this_actor::sleep_until(next->arrival);
    if (shared_.sessions) shared_.sessions->session_started();
    shared_.admit(std::move(*next));
    next = feed.next_request();
  }
  feed.set_horizon(kNever);
  // Later turns of sessions keep arriving (from their tool calls) until every session has ended.
  if (shared_.sessions) shared_.sessions->wait_until_all_closed();
  shared_.arrivals_done = true;
  for (auto* rep : replicas_)
    if (rep->waiting) rep->wakeup->release();
  spdlog::debug("frontend: all {} requests routed", feed.arrived());
}

bool KvTransfer::send() {
  const std::size_t streams = std::min(from_.hosts.size(), to_->hosts.size());
  std::vector<simgrid::s4u::CommPtr> comms;
  comms.reserve(streams * groups_.size());
  // Waits for the communications on the wire until `t` (kNever: all of them); a link failure
  // shows at once, as a NetworkFailureException.
  auto wait_until = [&comms](double t) {
    while (!comms.empty()) {
      const double left = t - sim_now();
      if (t != kNever && left <= 0) break;
      const auto i = t == kNever ? simgrid::s4u::Comm::wait_any(comms) : simgrid::s4u::Comm::wait_any_for(comms, left);
      if (i < 0) break;  // t came first
      comms.erase(comms.begin() + i);
    }
    if (t != kNever && sim_now() < t) simgrid::s4u::this_actor::sleep_until(t);
  };
  try {
    // Stream i joins device i*n/streams of each side: rank i to rank i when both replicas have as
    // many devices; otherwise the streams spread evenly over the larger replica (a 256-chip LPU
    // decode replica takes a TP=8 prompt's KV on chips 0, 32, 64, ..., i.e. on different trays and
    // NICs, as the KV of each layer goes to the pipeline stage that holds it). Each layer group
    // leaves when it is ready; groups still on the wire share the links with the next ones.
    for (const KvGroup& g : groups_) {
      if (g.ready > sim_now()) wait_until(g.ready);
      const auto per_stream = static_cast<std::uint64_t>(g.bytes / static_cast<double>(streams));
      for (std::size_t i = 0; i < streams; ++i)
        comms.push_back(simgrid::s4u::Comm::sendto_async(from_.hosts[i * from_.hosts.size() / streams],
                                                         to_->hosts[i * to_->hosts.size() / streams], per_stream));
    }
    wait_until(kNever);
  } catch (const simgrid::NetworkFailureException&) {
    // The rest of this attempt is dropped.
    for (auto& c : comms)
      if (c->get_state() != simgrid::s4u::Activity::State::FINISHED &&
          c->get_state() != simgrid::s4u::Activity::State::FAILED)
        c->cancel();
    return false;
  }
  return true;
}

bool KvTransfer::route_again() {
  const double now = sim_now();
  shared_.kv_transfers_failed += 1;
  to_->transfer_bounds.erase(to_->transfer_bounds.find(bound_));
  to_->incoming_blocks -= to_->scheduler.prefilled_blocks(request_);
  const double bytes = shared_.kv_bytes_per_token * static_cast<double>(request_.input_tokens);
  const std::size_t k = shared_.choose_decode(from_, request_, bytes, now);
  if (k == kNoReplica) {
    auto node = shared_.in_transfer.extract(request_.id);
    if (node.empty()) {
      // Layerwise, the prompt not handed over yet: its prefill replica routes it afresh then
      // (and rejects it if nothing can be reached).
      from_.streaming.erase(request_.id);
      return false;
    }
    RequestRecord record = std::move(node.mapped());
    record.kv_transfer_start = -1;
    record.outcome = Outcome::Rejected;
    record.reason = shared_.no_decode_reason(now);
    shared_.sink(std::move(record));
    return false;
  }
  shared_.kv_transfers_retried += 1;
  to_ = shared_.decode[k];
  // Everything goes again; groups not ready yet keep their times.
  for (KvGroup& g : groups_) g.ready = std::max(g.ready, now);
  const std::size_t streams = std::min(from_.hosts.size(), to_->hosts.size());
  const PathInfo path = path_between(from_.hosts.front(), to_->hosts.front());
  bound_ = earliest_arrival(groups_, static_cast<double>(streams), path.latency, path.bandwidth);
  to_->transfer_bounds.insert(bound_);
  to_->incoming_blocks += to_->scheduler.prefilled_blocks(request_);
  return true;
}

void KvTransfer::operator()() {
  while (!send())
    if (!route_again()) return;
  to_->transfer_bounds.erase(to_->transfer_bounds.find(bound_));
  auto node = shared_.in_transfer.extract(request_.id);
  if (node.empty()) {
    // Layerwise: the last byte came before the prompt's handover at the same instant.
    shared_.landed_early.emplace(request_.id, std::make_pair(to_, sim_now()));
    return;
  }
  RequestRecord record = std::move(node.mapped());
  record.kv_transfer_end = sim_now();
  to_->kv_arrived.push_back(std::move(record));
  if (to_->waiting) to_->wakeup->release();
}

}  // namespace tokenfab
