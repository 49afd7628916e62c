#include "sim/serving/replica_actor.hpp"

#include <algorithm>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Exec.hpp>
#include <spdlog/spdlog.h>

namespace tokenfab {
namespace {

// A fast-forwarded segment ends after this many iterations or this much simulated time, so that
// progress reports and other actors keep up.
constexpr std::uint64_t kMaxSegmentIterations = 4096;
constexpr double kMaxSegmentSeconds = 10.0;

}  // namespace

ReplicaRuntime::ReplicaRuntime(int index_, std::vector<simgrid::s4u::Host*> hosts_, std::unique_ptr<PerfModel> perf_,
                               BatchScheduler scheduler_)
    : index(index_),
      hosts(std::move(hosts_)),
      perf(std::move(perf_)),
      scheduler(std::move(scheduler_)),
      wakeup(simgrid::s4u::Semaphore::create(0)) {}

void ReplicaActor::busy_until(double until) {
  const double now = simgrid::s4u::Engine::get_clock();
  const double span = until - now;
  if (span > 0) {
    rt_.segments += 1;
    if (rt_.hosts.size() == 1) {
      simgrid::s4u::this_actor::execute(span * rt_.hosts.front()->get_speed());
    } else {
      std::vector<simgrid::s4u::ExecPtr> execs;
      execs.reserve(rt_.hosts.size());
      for (auto* h : rt_.hosts)
        execs.push_back(simgrid::s4u::Exec::init()->set_flops_amount(span * h->get_speed())->set_host(h)->start());
      for (auto& e : execs) e->wait();
    }
  }
  // The replica clock is authoritative; land exactly on it (an execution may end a rounding
  // error early).
  if (simgrid::s4u::Engine::get_clock() < until) simgrid::s4u::this_actor::sleep_until(until);
}

bool ReplicaActor::run_segment() {
  ArrivalFeed& feed = shared_.feed;
  const double stop = feed.stop_time();
  const double start = rt_.clock;
  std::uint64_t n = 0;
  while (true) {
    if (!feed.stateful()) feed.take_until(static_cast<std::size_t>(rt_.index), rt_.clock, rt_.scheduler);
    if (rt_.scheduler.idle()) break;
    const BatchShape& shape = rt_.scheduler.plan(rt_.clock);
    if (shape.new_tokens == 0) {
      // Unreachable by construction (requests that can never fit are rejected on arrival); a
      // stuck replica would otherwise spin forever.
      spdlog::error("replica {} cannot schedule its {} waiting requests", rt_.index, rt_.scheduler.waiting());
      return false;
    }
    const double cost = rt_.perf->price(shape).seconds;
    const double end = rt_.clock + cost;
    if (end > stop) {
      // The iteration cannot finish before the run stops: the GPUs work until then, the batch
      // stays in flight.
      busy_until(stop);
      rt_.busy_seconds += stop - rt_.clock;
      rt_.clock = stop;
      return false;
    }
    // An iteration may be applied ahead of SimGrid time only when nothing can reach the replica
    // before it ends: always with a stateless router (arrivals come from the stream, taken at
    // boundaries), before the next arrival with a stateful one. Otherwise it runs live: the GPUs
    // are busy first and the results are applied at its end, as other actors see it happen.
    const bool ahead_ok = shared_.fast_forward && (!feed.stateful() || end <= feed.horizon());
    if (!ahead_ok) {
      if (n > 0) break;  // first catch SimGrid up with the iterations applied so far
      busy_until(end);
    }
    rt_.scheduler.complete(end);
    rt_.clock = end;
    rt_.busy_seconds += cost;
    rt_.iterations += 1;
    ++n;
    if (!ahead_ok || n >= kMaxSegmentIterations || rt_.clock - start >= kMaxSegmentSeconds) break;
  }
  busy_until(rt_.clock);
  shared_.progress.tick(rt_.clock, shared_.finished, feed.arrived());
  return true;
}

void ReplicaActor::serve() {
  ArrivalFeed& feed = shared_.feed;
  const auto r = static_cast<std::size_t>(rt_.index);
  while (true) {
    if (!rt_.scheduler.idle()) {
      if (!run_segment()) break;
      continue;
    }
    // Idle: wait for the next arrival.
    if (feed.stateful()) {
      if (shared_.arrivals_done) break;
      rt_.waiting = true;
      rt_.wakeup->acquire();
      rt_.waiting = false;
      rt_.clock = std::max(rt_.clock, simgrid::s4u::Engine::get_clock());
      continue;
    }
    const double next = feed.next_arrival(r);
    if (next == kNever) break;
    if (next > rt_.clock) {
      simgrid::s4u::this_actor::sleep_until(next);
      rt_.clock = next;
    }
    feed.take_until(r, rt_.clock, rt_.scheduler);
  }
  // At the stop time, arrivals up to it count (they are in flight).
  if (!feed.stateful() && feed.stop_time() != kNever) feed.take_until(r, feed.stop_time(), rt_.scheduler);
  spdlog::debug("replica {} done: {} iterations in {} SimGrid activities", rt_.index, rt_.iterations, rt_.segments);
}

void ReplicaActor::operator()() {
  try {
    serve();
  } catch (const std::exception&) {
    shared_.input_error = std::current_exception();
    simgrid::s4u::Actor::kill_all();
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
  std::vector<const BatchScheduler*> views;
  for (auto* rep : replicas_) views.push_back(&rep->scheduler);
  auto next = feed.next_request();
  while (next) {
    feed.set_horizon(next->arrival);
    if (next->arrival > simgrid::s4u::Engine::get_clock()) simgrid::s4u::this_actor::sleep_until(next->arrival);
    ReplicaRuntime* target = replicas_[feed.router().route(*next, views)];
    target->scheduler.enqueue(*next);
    feed.count_arrival();
    if (target->waiting) target->wakeup->release();
    next = feed.next_request();
  }
  feed.set_horizon(kNever);
  shared_.arrivals_done = true;
  for (auto* rep : replicas_)
    if (rep->waiting) rep->wakeup->release();
  spdlog::debug("frontend: all {} requests routed", feed.arrived());
}

}  // namespace tokenfab
