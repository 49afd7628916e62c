#include "sim/serving/arrival_feed.hpp"

#include <algorithm>

namespace tokenfab {

ArrivalFeed::ArrivalFeed(RequestSource& source, std::unique_ptr<Router> router, std::size_t replicas, double stop_time)
    : source_(source), router_(std::move(router)), stop_time_(stop_time), queues_(replicas), no_state_(replicas, nullptr) {}

std::vector<bool> ArrivalFeed::alive_at(double t) const {
  std::vector<bool> alive(queues_.size());
  for (std::size_t i = 0; i < alive.size(); ++i) alive[i] = !is_down_(i, t);
  return alive;
}

void ArrivalFeed::route_into_queue(const Request& r, double t) {
  const std::size_t k = router_->route(r, no_state_, alive_at(t));
  if (k == kNoReplica) {
    ++arrived_;  // it arrived; it is rejected at once
    reject_(r, "every replica that could take it has failed");
    return;
  }
  auto& q = queues_[k];
  // Retried requests become available at their restart time: keep each queue ordered by it.
  auto it = std::upper_bound(q.begin(), q.end(), t, [](double v, const Entry& e) { return v < e.available; });
  q.insert(it, Entry{t, r});
}

bool ArrivalFeed::read_one() {
  if (exhausted_) return false;
  auto r = source_.next();
  if (!r || r->arrival > stop_time_) {
    exhausted_ = true;
    return false;
  }
  route_into_queue(*r, r->arrival);
  return true;
}

double ArrivalFeed::next_arrival(std::size_t r) {
  while (queues_[r].empty()) {
    if (!read_one()) return kNever;
  }
  return queues_[r].front().available;
}

void ArrivalFeed::take_until(std::size_t r, double t, BatchScheduler& scheduler) {
  while (next_arrival(r) <= t) {
    const Entry e = queues_[r].front();
    queues_[r].pop_front();
    scheduler.enqueue(e.request);
    if (e.request.retries == 0) ++arrived_;
  }
}

void ArrivalFeed::reinject(const Request& request, double t) {
  const std::size_t k = router_->route(request, no_state_, alive_at(t));
  if (k == kNoReplica) {
    reject_(request, "every replica that could take it has failed");
    return;
  }
  auto& q = queues_[k];
  auto it = std::upper_bound(q.begin(), q.end(), t, [](double v, const Entry& e) { return v < e.available; });
  q.insert(it, Entry{t, request});
}

std::optional<Request> ArrivalFeed::next_request() {
  auto r = source_.next();
  if (!r || r->arrival > stop_time_) return std::nullopt;
  return r;
}

}  // namespace tokenfab
