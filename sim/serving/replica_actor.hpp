// The SimGrid actors of one run: a frontend that replays arrivals and routes them, and one actor
// per serving replica that runs continuous-batching iterations on its GPUs.
#pragma once

#include <exception>
#include <memory>
#include <optional>
#include <vector>

#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Mailbox.hpp>

#include "models/perf/perf_model.hpp"
#include "sim/engine/progress.hpp"
#include "sim/serving/batch_scheduler.hpp"
#include "sim/workload/request_source.hpp"

namespace tokenfab {

// What travels from the frontend to a replica; an empty request means "no more arrivals".
struct InboxMessage {
  std::optional<Request> request;
};

// Counters shared by the actors of one run.
struct RunCounters {
  std::uint64_t arrived = 0;
  std::uint64_t finished = 0;  // completed or rejected
  // A bad input found mid-run (e.g. a malformed trace row): the run stops and it is rethrown
  // after the engine returns, so that it reaches the user as an ordinary config error.
  std::exception_ptr input_error;
};

// One replica's state, owned by the simulation and outliving its actor.
struct ReplicaRuntime {
  ReplicaRuntime(int index, std::vector<simgrid::s4u::Host*> hosts, std::unique_ptr<PerfModel> perf,
                 BatchScheduler scheduler);
  int index;
  std::vector<simgrid::s4u::Host*> hosts;  // its GPUs; the actor runs on hosts[0]
  simgrid::s4u::Mailbox* inbox;
  std::unique_ptr<PerfModel> perf;
  BatchScheduler scheduler;
  double busy_seconds = 0;  // simulated time spent in iterations (each of its GPUs is busy then)
  std::uint64_t iterations = 0;
};

class ReplicaActor {
 public:
  ReplicaActor(ReplicaRuntime& runtime, RunCounters& counters, Progress& progress)
      : rt_(runtime), counters_(counters), progress_(progress) {}
  void operator()();

 private:
  ReplicaRuntime& rt_;
  RunCounters& counters_;
  Progress& progress_;
};

class FrontendActor {
 public:
  FrontendActor(RequestSource& source, std::vector<ReplicaRuntime*> replicas, RunCounters& counters)
      : source_(source), replicas_(std::move(replicas)), counters_(counters) {}
  void operator()();

 private:
  void replay();
  RequestSource& source_;
  std::vector<ReplicaRuntime*> replicas_;
  RunCounters& counters_;
};

}  // namespace tokenfab
