#include "sim/serving/arrival_feed.hpp"

namespace tokenfab {

ArrivalFeed::ArrivalFeed(RequestSource& source, std::unique_ptr<Router> router, std::size_t replicas, double stop_time)
    : source_(source), router_(std::move(router)), stop_time_(stop_time), queues_(replicas), no_state_(replicas, nullptr) {}

bool ArrivalFeed::read_one() {
  if (exhausted_) return false;
  auto r = source_.next();
  if (!r || r->arrival > stop_time_) {
    exhausted_ = true;
    return false;
  }
  queues_[router_->route(*r, no_state_)].push_back(*r);
  return true;
}

double ArrivalFeed::next_arrival(std::size_t r) {
  while (queues_[r].empty()) {
    if (!read_one()) return kNever;
  }
  return queues_[r].front().arrival;
}

void ArrivalFeed::take_until(std::size_t r, double t, BatchScheduler& scheduler) {
  while (next_arrival(r) <= t) {
    scheduler.enqueue(queues_[r].front());
    queues_[r].pop_front();
    ++arrived_;
  }
}

std::optional<Request> ArrivalFeed::next_request() {
  auto r = source_.next();
  if (!r || r->arrival > stop_time_) return std::nullopt;
  return r;
}

}  // namespace tokenfab
