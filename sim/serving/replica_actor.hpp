// The SimGrid actors of one run: one actor per serving replica running continuous-batching
// iterations on its GPUs, a frontend actor that routes each arrival (stateful routing only), and
// a pool of worker actors that move KV from prefill to decode replicas.
//
// Time: a replica keeps its own clock, advanced by the priced iteration times; its lead GPU is
// kept busy on its SimGrid host for exactly those spans (SimGrid's energy plugin integrates it;
// the replica's other GPUs run in lockstep and mirror its energy). With fast_forward, iterations that nothing can affect before they end are
// priced back to back and run as one SimGrid activity. "Nothing can affect them" is a lower bound
// on the next event that could reach the replica (conservative lookahead): the next arrival for a
// stateful router, and for a decode replica the earliest time a KV transfer could land (each
// prefill replica publishes when it may next send; each transfer in flight, its fastest possible
// end). Results are equal to the step-by-step run (tests/engine/fast_forward_test.cpp).
// An iteration that first reloads prefix blocks from the storage tier always runs live: the reload
// is SimGrid activities (disk reads on the storage node, then communications to the devices) whose
// length depends on what else shares the disks and the fabric at that moment.
#pragma once

#include <deque>
#include <functional>
#include <exception>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include <simgrid/s4u/Exec.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/Semaphore.hpp>

#include "models/perf/perf_model.hpp"
#include "sim/engine/progress.hpp"
#include "sim/serving/arrival_feed.hpp"
#include "sim/serving/batch_scheduler.hpp"
#include "sim/serving/decode_router.hpp"
#include "sim/serving/kv_stream.hpp"
#include "sim/platform/platform.hpp"
#include "sim/serving/host_cpus.hpp"

namespace tokenfab {

struct ReplicaRuntime;
class KvTransfer;
class SessionDriver;
class TimeSeriesRecorder;

// State shared by the actors of one run.
struct RunShared {
  RunShared(ArrivalFeed& feed_, Progress& progress_, bool fast_forward_)
      : feed(feed_), progress(progress_), fast_forward(fast_forward_) {}
  ArrivalFeed& feed;
  Progress& progress;
  bool fast_forward;
  std::vector<ReplicaRuntime*> entry;    // replicas that take arrivals (unified or prefill)
  std::vector<ReplicaRuntime*> prefill;  // prefill pool
  std::vector<ReplicaRuntime*> decode;   // decode pool
  std::unique_ptr<DecodeRouter> decode_router;
  double kv_bytes_per_token = 0;         // whole-model KV of one prompt token
  bool layerwise = false;                // deployment.pools.kv_transfer: layerwise
  int model_layers = 1;
  int kv_layer_groups = 1;               // layerwise: groups of layers sent together
  // Layerwise: KV whose last byte landed before its prompt was handed over (both happen at the
  // end of the prefill iteration; kept for whichever comes second): decode replica, landing time.
  std::map<std::uint64_t, std::pair<ReplicaRuntime*, double>> landed_early;
  std::size_t active_prefill = 0;        // prefill actors still running
  std::map<std::uint64_t, RequestRecord> in_transfer;  // KV on the wire, by request id
  // KV transfers run on a pool of worker actors (KvTransferWorker) rather than one new actor
  // each: creating and destroying an actor (its stack) per prompt was a tenth of a pod run's CPU.
  std::deque<std::unique_ptr<KvTransfer>> kv_jobs;  // transfers waiting for their worker
  simgrid::s4u::SemaphorePtr kv_jobs_ready = simgrid::s4u::Semaphore::create(0);
  std::size_t kv_idle_workers = 0;  // workers waiting for a transfer
  std::size_t kv_workers = 0;       // workers started
  std::size_t live_replicas = 0;    // replica actors still running (the only ones that start transfers)
  bool kv_closed = false;           // every replica actor has ended: no transfer will come
  // Starts a transfer now: an idle worker takes it, or a new one (on `host`).
  void start_kv(std::unique_ptr<KvTransfer> job, simgrid::s4u::Host* host);
  // A replica actor ends; after the last one, idle workers end and busy ones end with their transfer.
  void replica_ended();
  std::uint64_t finished = 0;            // completed or rejected
  std::function<void(RequestRecord&&)> sink;  // where finished (and rejected) requests go
  std::vector<double> failure_times;     // every replica's failure instants, sorted
  std::uint64_t retried = 0;             // requests restarted after a failure
  // Link failures (events naming a link): KV transfers avoid decode replicas whose route crosses
  // a link that is off; those cut on the wire go again to a reachable one (or are rejected).
  bool link_failures = false;
  std::uint64_t kv_transfers_failed = 0;   // cut on the wire by a failed link
  std::uint64_t kv_transfers_retried = 0;  // of those, sent again
  std::uint64_t kv_unreachable = 0;        // rejected: no live decode replica reachable
  std::map<std::pair<int, int>, std::vector<simgrid::s4u::Link*>> kv_routes;  // (from, to) replica index
  // Whether every link the KV streams from `from` to `to` cross is on now.
  bool reachable(const ReplicaRuntime& from, const ReplicaRuntime& to);
  // The decode replica (index into `decode`) for a prompt's KV leaving `from` at `now`, among the
  // live ones it can reach, or kNoReplica.
  std::size_t choose_decode(ReplicaRuntime& from, const Request& r, double bytes, double now);
  // Why a prompt's KV has nowhere to go at `now` (counts the link-failure case).
  std::string no_decode_reason(double now);
  // Earliest failure at or after t of any replica (kNever when none): others must not run past it
  // ahead of SimGrid time, since the failed replica's requests are routed again at that instant.
  double next_failure(double t) const;
  double next_failure_after(double t) const;  // the first one strictly after t
  // Restarts a request whose replica failed at t on a live entry replica (or rejects it).
  void retry(const Request& request, double t);
  TimeSeriesRecorder* series = nullptr;  // timeseries.csv; null when the scenario writes none
  bool arrivals_done = false;            // stateful: the frontend has routed the last arrival
  SessionDriver* sessions = nullptr;     // agentic sessions, when the workload has them
  std::uint64_t next_request_id = 0;     // sessions: requests are numbered as they arrive
  // Stateful routing: routes an arriving request at the current SimGrid time (or rejects it).
  void admit(Request request);
  // No arrival reaches an entry replica before this (frontend's next arrival, session turns).
  double arrival_horizon() const;
  // A bad input found mid-run (e.g. a malformed trace row): the run stops and it is rethrown
  // after the engine returns, so that it reaches the user as an ordinary config error.
  std::exception_ptr input_error;
};

// One replica's state, owned by the simulation and outliving its actor.
struct ReplicaRuntime {
  ReplicaRuntime(int index, ReplicaRole role, std::vector<simgrid::s4u::Host*> hosts, std::unique_ptr<PerfModel> perf,
                 BatchScheduler scheduler);
  int index;
  ReplicaRole role;
  int feed_index = -1;                     // among the replicas that take arrivals
  std::vector<simgrid::s4u::Host*> hosts;  // its devices; the actor runs on hosts[0]
  std::vector<CpuShare> cpu_load;          // host CPUs its serving processes keep busy while it works
  std::unique_ptr<PerfModel> perf;
  BatchScheduler scheduler;
  simgrid::s4u::SemaphorePtr wakeup;  // released when work arrives while it waits
  bool waiting = false;               // blocked on `wakeup`
  bool done = false;                  // its actor has ended
  std::vector<std::pair<double, double>> downtime;  // [fail, recover) intervals, sorted
  std::size_t next_downtime = 0;                     // the first interval not yet lived through
  double failure_passed = -1;         // the failure instant it last yielded at while idle
  bool down_at(double t) const;
  double clock = 0;                   // the replica's own simulated time
  double busy_seconds = 0;            // time spent in iterations (each of its devices is busy then)
  std::uint64_t iterations = 0;
  std::uint64_t segments = 0;         // SimGrid activities issued (iterations / segments = speed-up)
  // The perf model prices FLOPs and bytes per device of one pipeline stage's group over every
  // stage; the replica's total is that times the devices of one stage (tp x dp).
  double stage_devices = 1;
  simgrid::s4u::Host* storage_node = nullptr;  // the storage tier's node (null: no such tier)
  // Prefill role.
  std::vector<RequestRecord> handoffs;  // prompts finished at the current boundary
  double next_send = 0;                 // earliest time it may start another KV transfer
  std::set<std::uint64_t> streaming;    // layerwise: prompts whose KV left during their last iteration
  std::vector<PathInfo> decode_paths;   // path to each decode replica, filled on first use
  bool send_follows_frontend = false;   // idle on a stateful feed: next_send is the next arrival
  // Decode role.
  std::deque<RequestRecord> kv_arrived;  // KV landed, not yet taken at a boundary
  std::multiset<double> transfer_bounds; // earliest possible end of each KV transfer to it
  std::int64_t incoming_blocks = 0;      // KV blocks routed to it, not yet queued (on the wire or landed)
};

class ReplicaActor {
 public:
  ReplicaActor(ReplicaRuntime& runtime, RunShared& shared) : rt_(runtime), shared_(shared) {}
  void operator()();

 private:
  void serve();
  enum class Segment { Continue, Stop, Failed };
  // Runs the next segment of iterations.
  Segment run_segment();
  // The replica fails now: its requests are retried elsewhere; it sleeps until it recovers.
  // False when it never does.
  bool fail_and_recover();
  double own_next_failure() const;
  // Reloads the planned iteration's storage-tier blocks (the scheduler's pending storage tokens):
  // an Io read striped over the storage node's disks, then one Comm per device of the replica
  // with its shard. Returns the seconds it took, or (cut short) until `deadline`.
  double reload_from_storage(double deadline);
  // Keeps the replica's devices busy until the replica clock `until`.
  void busy_until(double until);
  // The host CPUs' serving processes work while the replica computes: their shares (bounded
  // executions the energy plugin integrates) start with the first busy span after the replica
  // rested and run through back-to-back spans, so that a busy replica costs SimGrid one
  // activity per span, not one per span and CPU. Every wait that is not computing ends them.
  void hold_cpus();
  void release_cpus();
  // Reports to the time series the part [from, to) of an iteration `length` seconds long, priced
  // `cost` by the perf model (the scheduler holds its plan), which prefilled `input_tokens` and
  // emitted `output_tokens` at `to`.
  void account(const IterationCost& cost, double length, double from, double to, std::int64_t output_tokens,
               std::int64_t input_tokens);
  // Requests that reached the replica by time t join its queue.
  void take_arrivals(double t);
  // No event can reach the replica before this time (lookahead).
  double horizon() const;
  // Idle: waits for work; false when there will be none.
  bool wait_for_work();
  bool wait_with_failures();
  // Prefill role: starts the KV transfers of the prompts finished at this boundary (or, for
  // those already streaming, hands their records to the transfer).
  void send_handoffs();
  // Layerwise: routes the prompts the iteration [rt_.clock, end) finishes and starts their KV
  // streams; the last `compute` seconds of the iteration are the model's layers.
  void stream_kv(const std::vector<const Request*>& finishing, double end, double compute);
  // The decode replica for a prompt's KV (kv_transfer_s: its fastest transfer there), or kNoReplica.
  std::size_t choose_decode(const Request& r, double bytes);
  // Starts a KV transfer actor to decode replica k (its groups leave at their ready times).
  void start_transfer(const Request& r, std::size_t k, std::vector<KvGroup> groups);
  ReplicaRuntime& rt_;
  RunShared& shared_;
  std::vector<simgrid::s4u::ExecPtr> cpu_work_;  // the CPU shares running now (hold_cpus)
};

class FrontendActor {
 public:
  FrontendActor(std::vector<ReplicaRuntime*> replicas, RunShared& shared)
      : replicas_(std::move(replicas)), shared_(shared) {}
  void operator()();

 private:
  void replay();
  std::vector<ReplicaRuntime*> replicas_;
  RunShared& shared_;
};

// Moves one prompt's KV from a prefill replica's devices to a decode replica's devices as
// parallel SimGrid communications (one stream per device of the smaller replica, spread evenly
// over the larger one; rank i to rank i when they match), then hands the request to the decode replica.
//
// A link on the way that fails (an event naming it) cuts the communications: the whole KV goes
// again, at that instant, to a live decode replica still reachable (chosen by the decode router),
// or the request is rejected with the reason. A KvTransferWorker runs it (operator()).
class KvTransfer {
 public:
  KvTransfer(const Request& request, ReplicaRuntime& from, ReplicaRuntime& to, std::vector<KvGroup> groups,
                  double bound, RunShared& shared)
      : request_(request), from_(from), to_(&to), groups_(std::move(groups)), bound_(bound), shared_(shared) {}
  void operator()();

 private:
  // Sends the groups to `to_`; false when a link failure cut the transfer.
  bool send();
  // After a cut: the next decode replica, or the request's rejection. False when it is given up.
  bool route_again();
  Request request_;
  ReplicaRuntime& from_;
  ReplicaRuntime* to_;
  std::vector<KvGroup> groups_;  // after_prefill: one group, ready now
  double bound_;
  RunShared& shared_;
};

// A worker of the KV transfer pool: takes the transfers RunShared::start_kv queues, one at a
// time, in order, until no transfer can come (RunShared::replica_ended); a transfer on the wire
// then still lands, as it did when each had an actor of its own.
class KvTransferWorker {
 public:
  explicit KvTransferWorker(RunShared& shared) : shared_(shared) {}
  void operator()();

 private:
  RunShared& shared_;
};

}  // namespace tokenfab
