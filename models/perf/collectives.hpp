// Collective costs (alpha-beta model), by algorithm. Every function takes the per-direction
// bandwidth `bw` (B/s) of the links the collective crosses and the latency `lat` (s) of one step.
#pragma once

namespace tokenfab {

// Ring all-reduce: a reduce-scatter then an all-gather, each p-1 steps moving bytes/p per rank:
// 2(p-1) lat + 2(p-1)/p * bytes/bw. bytes: message size per rank; p: ranks.
double ring_all_reduce_time(double bytes, int p, double bw, double lat);

// Tree all-reduce (reduce up a binary tree, broadcast down): 2 ceil(log2 p) steps; the pipelined
// variant NCCL uses approaches 2 bytes/bw for large messages, which is the bandwidth term.
double tree_all_reduce_time(double bytes, int p, double bw, double lat);

// All-to-all over a switched fabric (NVSwitch, a non-blocking Ethernet fabric): every rank sends
// (p-1)/p of its `bytes` to the others at once, so the bandwidth term is (p-1)/p * bytes/bw; the
// latency term is one step per peer batch, lat * ceil(log2 p) (pairwise exchange in rounds that
// overlap, as NCCL's and DeepEP's kernels do). bytes: what one rank holds for all ranks together.
double all_to_all_time(double bytes, int p, double bw, double lat);

// All-to-all over p ranks in domains of `local` ranks each (p / local scale-up domains joined by a
// scale-out network), as DeepEP's internode kernels run it: every rank sends bytes/p to each peer;
// the (local-1)/p share for peers of its own domain crosses the scale-up links (bw_local,
// lat_local), the (p-local)/p share for the other domains crosses its NIC (bw_remote,
// lat_remote). The two go at once over different ports, so the slower sets the time. With
// local = p it is all_to_all_time over the local links.
double hierarchical_all_to_all_time(double bytes, int p, int local, double bw_local, double lat_local,
                                    double bw_remote, double lat_remote);

// Point-to-point transfer (pipeline stage to stage): lat + bytes/bw.
double p2p_time(double bytes, double bw, double lat);

}  // namespace tokenfab
