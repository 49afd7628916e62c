#include "sim/serving/decode_router.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace tokenfab {
namespace {

// An arrival router that reads only the replicas' schedulers.
class LoadOnly : public DecodeRouter {
 public:
  explicit LoadOnly(std::unique_ptr<Router> router) : router_(std::move(router)) {}
  std::size_t route(const Request& r, const std::vector<DecodeCandidate>& candidates) override {
    views_.clear();
    alive_.clear();
    for (const auto& c : candidates) {
      views_.push_back(c.scheduler);
      alive_.push_back(c.alive);
    }
    return router_->route(r, views_, alive_);
  }

 private:
  std::unique_ptr<Router> router_;
  std::vector<const BatchScheduler*> views_;
  std::vector<bool> alive_;
};

class KvAwareDecode : public DecodeRouter {
 public:
  explicit KvAwareDecode(double weight) : weight_(weight) {}
  bool kv_view() const override { return true; }
  std::size_t route(const Request&, const std::vector<DecodeCandidate>& candidates) override {
    double fastest = std::numeric_limits<double>::infinity();
    for (const auto& c : candidates)
      if (c.alive) fastest = std::min(fastest, c.transfer_s);
    std::size_t best = kNoReplica;
    bool best_fits = false;
    double best_cost = 0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const DecodeCandidate& c = candidates[i];
      if (!c.alive) continue;
      const bool fits = c.held_blocks + c.need_blocks <= c.total_blocks;
      const double slowness = fastest > 0 ? c.transfer_s / fastest - 1.0 : 0.0;
      const double need = static_cast<double>(c.need_blocks);
      const double cost = static_cast<double>(c.held_blocks) + need + weight_ * need * slowness;
      if (best == kNoReplica || (fits && !best_fits) || (fits == best_fits && cost < best_cost)) {
        best = i;
        best_fits = fits;
        best_cost = cost;
      }
    }
    return best;
  }

 private:
  double weight_;
};

}  // namespace

std::unique_ptr<DecodeRouter> make_decode_router(const std::string& name, double transfer_weight) {
  if (name == "round_robin" || name == "least_outstanding") return std::make_unique<LoadOnly>(make_router(name));
  if (name == "kv_aware") return std::make_unique<KvAwareDecode>(transfer_weight);
  throw std::invalid_argument("no decode router named '" + name + "'");
}

}  // namespace tokenfab
