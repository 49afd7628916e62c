// How arrivals reach the replicas.
//
// With a stateless router, the feed reads the request stream ahead and routes each request as it
// reads it; a replica takes the requests whose arrival time it has reached, at its own iteration
// boundaries, without any SimGrid round trip (there is nothing to synchronise: the choice does not
// depend on replica state).
//
// With a stateful router, a frontend actor sleeps until each arrival and routes it using the
// replicas' state at that instant; `horizon()` (the next arrival time) tells replicas how far
// they may advance without synchronising.
#pragma once

#include <cstdint>
#include <deque>
#include <exception>
#include <limits>
#include <memory>
#include <vector>

#include <simgrid/s4u/Semaphore.hpp>

#include "sim/serving/router.hpp"
#include "sim/workload/request_source.hpp"

namespace tokenfab {

inline constexpr double kNever = std::numeric_limits<double>::infinity();

class ArrivalFeed {
 public:
  ArrivalFeed(RequestSource& source, std::unique_ptr<Router> router, std::size_t replicas, double stop_time);

  bool stateful() const { return router_->stateful(); }
  double stop_time() const { return stop_time_; }

  // Stateless: the next arrival time routed to replica r (kNever when none before stop_time).
  double next_arrival(std::size_t r);
  // Stateless: moves replica r's requests with arrival <= t into its scheduler.
  void take_until(std::size_t r, double t, BatchScheduler& scheduler);

  // Stateful: the next arrival time of the whole stream (kNever once it is exhausted).
  double horizon() const { return horizon_; }
  // Stateful: the frontend actor's loop (see FrontendActor).
  std::optional<Request> next_request();
  void set_horizon(double t) { horizon_ = t; }
  Router& router() { return *router_; }

  std::uint64_t arrived() const { return arrived_; }
  void count_arrival() { ++arrived_; }

 private:
  bool read_one();  // reads and routes one request into the queues (stateless)
  RequestSource& source_;
  std::unique_ptr<Router> router_;
  double stop_time_;
  std::vector<std::deque<Request>> queues_;
  bool exhausted_ = false;
  double horizon_ = 0;
  std::uint64_t arrived_ = 0;
  std::vector<const BatchScheduler*> no_state_;
};

}  // namespace tokenfab
