#include "sim/serving/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace tokenfab {
namespace {

class RoundRobin : public Router {
 public:
  bool stateful() const override { return false; }
  std::size_t route(const Request&, const std::vector<const BatchScheduler*>& replicas,
                    const std::vector<bool>& alive) override {
    for (std::size_t tries = 0; tries < replicas.size(); ++tries) {
      const std::size_t k = next_ % replicas.size();
      ++next_;
      if (alive[k]) return k;
    }
    return kNoReplica;
  }

 private:
  std::size_t next_ = 0;
};

// Fewest outstanding tokens (queued prompts and outputs still to produce); ties to the lowest
// index, so the choice is deterministic.
class LeastOutstanding : public Router {
 public:
  explicit LeastOutstanding(bool by_tier = false) : by_tier_(by_tier) {}
  bool tier_priority() const override { return by_tier_; }
  bool stateful() const override { return true; }
  std::size_t route(const Request&, const std::vector<const BatchScheduler*>& replicas,
                    const std::vector<bool>& alive) override {
    std::size_t best = kNoReplica;
    for (std::size_t i = 0; i < replicas.size(); ++i) {
      if (!alive[i]) continue;
      if (best == kNoReplica || replicas[i]->outstanding_tokens() < replicas[best]->outstanding_tokens()) best = i;
    }
    return best;
  }

 private:
  bool by_tier_;
};

// As NVIDIA Dynamo's KV router: score = prefix blocks of the request already in the replica's
// HBM cache - load_weight x the replica's outstanding tokens in blocks; the highest score wins,
// ties to the lowest index. Only HBM counts: lower tiers cost a reload wherever the request goes.
class KvAware : public Router {
 public:
  explicit KvAware(const RouterOptions& o) : options_(o) {}
  bool stateful() const override { return true; }
  std::size_t route(const Request& r, const std::vector<const BatchScheduler*>& replicas,
                    const std::vector<bool>& alive) override {
    std::size_t best = kNoReplica;
    double best_score = 0;
    for (std::size_t i = 0; i < replicas.size(); ++i) {
      if (!alive[i]) continue;
      const double block = static_cast<double>(std::max<std::int64_t>(replicas[i]->prefix_block_tokens(), 1));
      const double overlap = static_cast<double>(replicas[i]->prefix_cache().peek(r.prefix_blocks));
      const double load = static_cast<double>(replicas[i]->outstanding_tokens()) / block;
      const double score = overlap - options_.load_weight * load;
      if (best == kNoReplica || score > best_score) {
        best = i;
        best_score = score;
      }
    }
    return best;
  }

 private:
  RouterOptions options_;
};

}  // namespace

const std::vector<std::string>& router_names() {
  static const std::vector<std::string> names{"round_robin", "least_outstanding", "kv_aware", "tier_priority"};
  return names;
}

std::unique_ptr<Router> make_router(const std::string& name, const RouterOptions& options) {
  if (name == "round_robin") return std::make_unique<RoundRobin>();
  if (name == "least_outstanding") return std::make_unique<LeastOutstanding>();
  if (name == "kv_aware") return std::make_unique<KvAware>(options);
  if (name == "tier_priority") return std::make_unique<LeastOutstanding>(true);
  throw std::invalid_argument("no router named '" + name + "'");
}

}  // namespace tokenfab
