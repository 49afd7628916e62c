// When the KV of a prompt can leave its prefill replica (deployment.pools.kv_transfer).
//
// after_prefill: all of it when the iteration that finishes the prompt ends. layerwise (as
// Dynamo/NIXL and vLLM's layer-wise KV connectors stream it): the prompt's last prefill iteration
// computes the layers in order, and the KV of a layer group leaves when the group's last layer
// is done. The iteration's priced compute is taken as spread evenly over the layers (time added
// before the compute, such as prefix reloads, comes first). KV of earlier chunks of a chunked
// prompt travels with its layer's group (conservative: it could have left earlier), so only the
// last group is sent after prefill ends; with enough bandwidth about 1/groups of the bytes are
// exposed.
#pragma once

#include <vector>

namespace tokenfab {

struct KvGroup {
  double ready = 0;  // when its KV exists and may leave (simulated seconds)
  double bytes = 0;  // whole replica's bytes of the group (split over the transfer's streams)
};

// Layer groups of a prompt whose last prefill iteration runs [start, end), of which the last
// `compute` seconds are the model's layers: `groups` groups (clamped to [1, layers]) of
// consecutive layers, sizes differing by at most one layer; the last one is ready at `end`.
std::vector<KvGroup> layer_groups(double bytes, int layers, int groups, double start, double end, double compute);

// Earliest possible arrival of the last byte when each of `streams` parallel streams carries a
// 1/streams share of every group over a path of `latency` and bottleneck `bandwidth` per stream:
// no group's bytes can leave before it is ready, nor faster than the bandwidth.
double earliest_arrival(const std::vector<KvGroup>& groups, double streams, double latency, double bandwidth);

}  // namespace tokenfab
