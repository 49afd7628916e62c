// Which replica an arriving request goes to. Routers are registered by name and chosen with
// `serving.router`. A stateless router's choice depends only on the request stream, so replicas
// can take their arrivals without waiting for each other; a stateful one looks at the replicas'
// load at the arrival instant, which the engine honours by synchronising replicas at arrivals.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "sim/serving/batch_scheduler.hpp"
#include "sim/workload/request.hpp"

namespace tokenfab {

inline constexpr std::size_t kNoReplica = static_cast<std::size_t>(-1);

class Router {
 public:
  virtual ~Router() = default;
  virtual bool stateful() const = 0;
  // Index into `replicas` (their schedulers, as of the arrival instant) among those `alive`, or
  // kNoReplica when none is.
  virtual std::size_t route(const Request& r, const std::vector<const BatchScheduler*>& replicas,
                            const std::vector<bool>& alive) = 0;
  // Whether the replicas order their waiting requests by service tier (tier_priority).
  virtual bool tier_priority() const { return false; }
};

struct RouterOptions {
  double load_weight = 1.0;  // kv_aware: weight of the load (outstanding tokens in prefix blocks)
};

// Names: round_robin (stateless), least_outstanding (fewest tokens still to process; stateful),
// kv_aware (Dynamo's KV router: the most prefix blocks already in the replica's HBM cache minus
// load_weight x outstanding tokens in blocks; stateful), tier_priority (least_outstanding
// placement; each replica admits waiting requests of higher service tiers first).
std::unique_ptr<Router> make_router(const std::string& name, const RouterOptions& options = {});
const std::vector<std::string>& router_names();

}  // namespace tokenfab
