// Which decode replica takes a finished prompt's KV in a disaggregated (P/D) run, chosen by name
// with `deployment.pools.decode_router`. Unlike an arrival router it sees, per decode replica,
// what the engine knows about moving this prompt's KV there (the path from the prefill replica)
// and the KV blocks the replica already owes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/serving/router.hpp"

namespace tokenfab {

// One decode replica as the decode router sees it when a prompt's KV is about to leave.
struct DecodeCandidate {
  const BatchScheduler* scheduler = nullptr;
  bool alive = true;
  // Fastest possible transfer of this prompt's KV from the prefill replica: path latency + bytes
  // / streams / the path's bottleneck bandwidth (SimGrid's flow model can only be slower).
  double transfer_s = 0;
  // KV blocks this prompt takes there on admission, and those the replica holds or owes: in use,
  // of requests waiting there for room, and of KV on its way to it.
  std::int64_t need_blocks = 0;
  std::int64_t held_blocks = 0;
  std::int64_t total_blocks = 0;
};

class DecodeRouter {
 public:
  virtual ~DecodeRouter() = default;
  // Index into `candidates` among the alive ones, or kNoReplica when none is.
  virtual std::size_t route(const Request& r, const std::vector<DecodeCandidate>& candidates) = 0;
  // Whether it reads the candidates' transfer and KV fields (otherwise the engine leaves them 0).
  virtual bool kv_view() const { return false; }
};

// round_robin and least_outstanding as the arrival routers of the same names; kv_aware:
// replicas that can hold the prompt's KV now (held + need <= total) rank before those that
// cannot (it would wait there for room); among the same rank, the lowest
//   held + need + transfer_weight x need x (transfer_s / fastest alive candidate's transfer_s - 1)
// (Dynamo's decode cost, the blocks the replica would hold, plus the path's slowness priced in the
// prompt's own blocks), ties to the lowest index.
std::unique_ptr<DecodeRouter> make_decode_router(const std::string& name, double transfer_weight = 1.0);

}  // namespace tokenfab
