#include "sim/serving/session_driver.hpp"

#include <algorithm>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Exec.hpp>

#include "sim/serving/replica_actor.hpp"

namespace tokenfab {

// The tool call of one finished turn, then its think time, then the next turn's arrival.
class ToolCallActor {
 public:
  ToolCallActor(SessionDriver& driver, Request next, double start, double tool, double think, double bound,
                simgrid::s4u::SemaphorePtr core, double core_fraction)
      : driver_(driver), next_(std::move(next)), start_(start), tool_(tool), think_(think), bound_(bound),
        core_(std::move(core)), core_fraction_(core_fraction) {}
  void operator()() {
    namespace s4u = simgrid::s4u;
    if (start_ > s4u::Engine::get_clock()) s4u::this_actor::sleep_until(start_);
    if (core_) {
      core_->acquire();  // waits for a free core of the host
      // The call keeps its core busy (for the host's energy); its duration is the trace's, so the
      // execution is bounded to one core and whatever a rounding error leaves of it is cancelled.
      s4u::ExecPtr work;
      if (core_fraction_ > 0) work = start_share(s4u::this_actor::get_host(), core_fraction_, tool_);
      s4u::this_actor::sleep_for(tool_);
      end_share(work);
      driver_.tool_core_seconds_[s4u::this_actor::get_host()] += tool_;
      core_->release();
    } else {
      s4u::this_actor::sleep_for(tool_);
    }
    driver_.figures_.tool_seconds += s4u::Engine::get_clock() - start_;
    driver_.figures_.tool_calls_finished += 1;
    s4u::this_actor::sleep_for(think_);
    driver_.arrive(std::move(next_), bound_);
  }

 private:
  SessionDriver& driver_;
  Request next_;
  double start_, tool_, think_, bound_;
  simgrid::s4u::SemaphorePtr core_;  // the host's free cores (null: a pure delay)
  double core_fraction_;             // one core's share of the host's speed
};

SessionDriver::SessionDriver(SessionPlan plan, std::vector<ToolHost> tool_hosts, RunShared& shared, double stop)
    : plan_(std::move(plan)),
      tool_hosts_(std::move(tool_hosts)),
      shared_(shared),
      stop_(stop),
      min_gap_(plan_.min_gap()),
      all_closed_(simgrid::s4u::Semaphore::create(0)) {
  for (const auto& h : tool_hosts_) free_cores_.push_back(simgrid::s4u::Semaphore::create(static_cast<unsigned>(h.cores)));
}

void SessionDriver::on_finished(const RequestRecord& record) {
  const Request& r = record.request;
  if (r.session == kNoSession) return;
  figures_.turns_finished += 1;
  std::optional<Request> next;
  if (record.outcome == Outcome::Completed) next = plan_.next_turn(r);
  if (!next) {
    if (record.outcome == Outcome::Completed && r.turn + 1 >= r.turns) figures_.sessions_completed += 1;
    close_session();
    return;
  }
  const double tool = plan_.tool_seconds(r);
  const double think = plan_.think_seconds(r);
  const double bound = record.completion + tool + think;  // contention on the host can only delay it
  if (bound > stop_) {
    close_session();
    return;
  }
  next->previous_replica = record.replica;
  figures_.tool_calls += 1;
  pending_.insert(bound);
  simgrid::s4u::Host* host = shared_.entry.front()->hosts.front();  // where a pure delay waits
  simgrid::s4u::SemaphorePtr core;
  double fraction = 0;
  if (!tool_hosts_.empty()) {
    const std::size_t k = r.session % tool_hosts_.size();
    host = tool_hosts_[k].host;
    core = free_cores_[k];
    fraction = tool_hosts_[k].core_fraction;
  }
  simgrid::s4u::Actor::create("tool" + std::to_string(r.session) + "." + std::to_string(r.turn), host,
                              ToolCallActor(*this, std::move(*next), record.completion, tool, think, bound, core, fraction));
}

void SessionDriver::arrive(Request next, double bound) {
  pending_.erase(pending_.find(bound));
  const double now = simgrid::s4u::Engine::get_clock();
  if (now > stop_) {
    close_session();
    return;
  }
  next.arrival = now;
  shared_.admit(std::move(next));
}

void SessionDriver::close_session() {
  if (open_ > 0) --open_;
  if (open_ == 0 && frontend_waiting_) all_closed_->release();
}

double SessionDriver::arrival_bound(double now) const {
  double b = now + min_gap_;  // a turn that completes from now on
  if (!pending_.empty()) b = std::min(b, *pending_.begin());
  return b;
}

void SessionDriver::wait_until_all_closed() {
  while (open_ > 0) {
    frontend_waiting_ = true;
    const double now = simgrid::s4u::Engine::get_clock();
    if (stop_ == kNever) {
      all_closed_->acquire();
    } else if (now >= stop_ || all_closed_->acquire_timeout(stop_ - now)) {
      break;  // timed out at the stop time: the remaining sessions are cut off
    }
    frontend_waiting_ = false;
  }
  frontend_waiting_ = false;
}

}  // namespace tokenfab
