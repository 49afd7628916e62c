// The SimGrid actors of one run: one actor per serving replica running continuous-batching
// iterations on its GPUs, and (for stateful routing) a frontend actor that routes each arrival.
//
// Time: a replica keeps its own clock, advanced by the priced iteration times; its GPUs are kept
// busy on their SimGrid hosts for exactly those spans (so SimGrid's energy accounting and any
// contention see them). With fast_forward, iterations that cannot be affected by any other actor
// before they end are priced back to back and run as one SimGrid activity; the results are equal
// to the step-by-step run because each iteration still starts at the same boundary and sees the
// same arrivals (tests/engine/fast_forward_test.cpp).
#pragma once

#include <exception>
#include <memory>
#include <vector>

#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Semaphore.hpp>

#include "models/perf/perf_model.hpp"
#include "sim/engine/progress.hpp"
#include "sim/serving/arrival_feed.hpp"
#include "sim/serving/batch_scheduler.hpp"

namespace tokenfab {

// State shared by the actors of one run.
struct RunShared {
  RunShared(ArrivalFeed& feed_, Progress& progress_, bool fast_forward_)
      : feed(feed_), progress(progress_), fast_forward(fast_forward_) {}
  ArrivalFeed& feed;
  Progress& progress;
  bool fast_forward;
  std::uint64_t finished = 0;  // completed or rejected
  bool arrivals_done = false;  // stateful: the frontend has routed the last arrival
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
  std::unique_ptr<PerfModel> perf;
  BatchScheduler scheduler;
  simgrid::s4u::SemaphorePtr wakeup;  // stateful routing: released when work arrives
  bool waiting = false;               // blocked on `wakeup`
  double clock = 0;                   // the replica's own simulated time
  double busy_seconds = 0;            // time spent in iterations (each of its GPUs is busy then)
  std::uint64_t iterations = 0;
  std::uint64_t segments = 0;         // SimGrid activities issued (iterations / segments = speed-up)
};

class ReplicaActor {
 public:
  ReplicaActor(ReplicaRuntime& runtime, RunShared& shared) : rt_(runtime), shared_(shared) {}
  void operator()();

 private:
  void serve();
  // Runs the next segment of iterations; false when the replica reached the stop time.
  bool run_segment();
  // Keeps the replica's GPUs busy until the replica clock `until`.
  void busy_until(double until);
  ReplicaRuntime& rt_;
  RunShared& shared_;
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

}  // namespace tokenfab
