// How arrivals reach the replicas that take them (unified or prefill replicas).
//
// With a stateless router, the feed reads the request stream ahead and routes each request as it
// reads it; a replica takes the requests whose time it has reached, at its own iteration
// boundaries, without any SimGrid round trip (the choice does not depend on replica state; a
// replica's scheduled failures are known in advance, so it is skipped while down).
//
// With a stateful router, a frontend actor sleeps until each arrival and routes it using the
// replicas' state at that instant; `horizon()` (the next arrival time) tells replicas how far
// they may advance without synchronising.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "sim/serving/router.hpp"
#include "sim/workload/request_source.hpp"

namespace tokenfab {

inline constexpr double kNever = std::numeric_limits<double>::infinity();

class ArrivalFeed {
 public:
  using IsDown = std::function<bool(std::size_t replica, double t)>;
  using Reject = std::function<void(const Request&, const std::string& reason)>;

  ArrivalFeed(RequestSource& source, std::unique_ptr<Router> router, std::size_t replicas, double stop_time);
  // Failure schedule of the entry replicas and where requests no replica can take go.
  void set_failures(IsDown is_down, Reject reject) {
    is_down_ = std::move(is_down);
    reject_ = std::move(reject);
  }

  bool stateful() const { return force_stateful_ || router_->stateful(); }
  // Arrivals that depend on the run (agentic sessions) need the frontend whatever the router.
  void force_stateful() { force_stateful_ = true; }
  double stop_time() const { return stop_time_; }

  // Stateless: the next time a request becomes available to replica r (kNever when none).
  double next_arrival(std::size_t r);
  // Stateless: moves replica r's requests available at or before t into its scheduler.
  void take_until(std::size_t r, double t, BatchScheduler& scheduler);
  // Stateless: a request restarted at time t (its replica failed) is routed again among the
  // replicas live at t. Callers guarantee no replica has passed t (failure times bound lookahead).
  void reinject(const Request& request, double t);

  // Stateful: the next arrival time of the whole stream (kNever once it is exhausted).
  double horizon() const { return horizon_; }
  std::optional<Request> next_request();
  void set_horizon(double t) { horizon_ = t; }
  Router& router() { return *router_; }
  std::vector<bool> alive_at(double t) const;

  std::uint64_t arrived() const { return arrived_; }
  void count_arrival() { ++arrived_; }

 private:
  struct Entry {
    double available;  // arrival time, or the restart time of a retried request
    Request request;
  };
  bool read_one();  // reads and routes one request into the queues (stateless)
  void route_into_queue(const Request& r, double t);
  RequestSource& source_;
  std::unique_ptr<Router> router_;
  double stop_time_;
  std::vector<std::deque<Entry>> queues_;
  bool exhausted_ = false;
  bool force_stateful_ = false;
  double horizon_ = 0;
  std::uint64_t arrived_ = 0;
  std::vector<const BatchScheduler*> no_state_;
  IsDown is_down_ = [](std::size_t, double) { return false; };
  Reject reject_;
};

}  // namespace tokenfab
