// Agentic sessions inside a run: when a session's turn completes, its tool call runs on a CPU host
// (on one of its cores; calls beyond its cores wait for one, first come first served), then the think time
// passes, then the next turn arrives and is routed (to the replica of the previous turn when
// `sticky`). Sessions need the frontend actor (turns arrive in response to the simulation), and
// bound the replicas' lookahead: no turn can arrive sooner than plan.min_gap() after a completion,
// and a turn whose tool call is under way arrives no sooner than its tool + think time allows.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Semaphore.hpp>

#include "sim/metrics/request_record.hpp"
#include "sim/metrics/summary.hpp"
#include "sim/workload/sessions.hpp"

namespace tokenfab {

struct RunShared;

// A CPU host that runs tool calls, one per core at a time.
struct ToolHost {
  simgrid::s4u::Host* host = nullptr;
  int cores = 1;               // cores tool calls may use at once
  double core_fraction = 0;    // one core's share of the host's speed, run while a call holds it
};

class SessionDriver {
 public:
  // `tool_hosts` empty: tool calls are pure delays. `stop`: no turn arrives after it.
  SessionDriver(SessionPlan plan, std::vector<ToolHost> tool_hosts, RunShared& shared, double stop);

  // Every finished or rejected request passes here (the run's sink): a completed turn with a
  // successor starts its tool call; otherwise its session ends.
  void on_finished(const RequestRecord& record);
  // The frontend admits a session's first turn.
  void session_started() { ++open_; ++figures_.sessions_started; }
  // No turn of any session reaches a replica before this (replicas at SimGrid time `now`).
  double arrival_bound(double now) const;
  // Blocks the frontend until every session has ended (or the stop time).
  void wait_until_all_closed();
  const SessionFigures& figures() const { return figures_; }
  bool tool_calls_on_hosts() const { return !tool_hosts_.empty(); }
  // Seconds tool calls held a core, by host (for the CPUs' energy).
  const std::map<const simgrid::s4u::Host*, double>& tool_core_seconds() const { return tool_core_seconds_; }
  bool sticky() const { return plan_.config().sticky; }

 private:
  friend class ToolCallActor;
  void close_session();
  // The tool call and think time are over: the next turn arrives now.
  void arrive(Request next, double bound);
  SessionPlan plan_;
  std::vector<ToolHost> tool_hosts_;
  std::vector<simgrid::s4u::SemaphorePtr> free_cores_;  // per tool host
  RunShared& shared_;
  double stop_;
  double min_gap_;
  std::uint64_t open_ = 0;                 // sessions started and not yet ended
  std::multiset<double> pending_;          // earliest arrival of each turn whose tool call is under way
  simgrid::s4u::SemaphorePtr all_closed_;  // released when open_ drops to 0
  bool frontend_waiting_ = false;
  SessionFigures figures_;
  std::map<const simgrid::s4u::Host*, double> tool_core_seconds_;
};

}  // namespace tokenfab
