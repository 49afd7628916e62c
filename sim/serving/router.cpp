#include "sim/serving/router.hpp"

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
};

}  // namespace

const std::vector<std::string>& router_names() {
  static const std::vector<std::string> names{"round_robin", "least_outstanding"};
  return names;
}

std::unique_ptr<Router> make_router(const std::string& name) {
  if (name == "round_robin") return std::make_unique<RoundRobin>();
  if (name == "least_outstanding") return std::make_unique<LeastOutstanding>();
  throw std::invalid_argument("no router named '" + name + "'");
}

}  // namespace tokenfab
