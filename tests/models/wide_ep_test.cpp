// Wide-EP MoE (DeepSeek-R1, attention-DP + expert parallel): the dispatch/combine all-to-alls
// inside one NVLink domain and across two, where the other domain's share crosses the NICs.
#include "models/perf/roofline.hpp"

#include <gtest/gtest.h>

#include "models/efficiency.hpp"
#include "models/perf/collectives.hpp"

namespace tokenfab {
namespace {

constexpr double kNvlink = 5.2e12;  // Rubin Ultra NVLink 7 per direction (platforms/kyber-nvl144.xml)
constexpr double kNic = 200e9;      // ConnectX-9 1.6 Tb/s per direction (kyber-nvl144-pod8-*)

// Decode-only batch: `seqs` sequences at `context` tokens each.
BatchShape decodes(int seqs, std::int64_t context) {
  BatchShape b;
  for (int i = 0; i < seqs; ++i) b.add(1, context, true);
  return b;
}

// DeepSeek-R1 on G Rubin Ultra packages, tp 1, dp = ep = G. Latencies are zero so that the
// network part is the all-to-alls' bandwidth term alone.
ReplicaSetup wide_ep(int G) {
  const Catalog catalog;
  ReplicaSetup s;
  s.model = catalog.llm("deepseek-r1");
  s.device = catalog.device("rubin-ultra");
  s.precision.weights = Precision::FP8;
  s.precision.experts = Precision::FP4;
  s.tp = 1;
  s.dp = G;
  s.ep = G;
  s.ep_link = {kNvlink, 0.0};
  s.efficiency = efficiency_for(catalog, "rubin-ultra");
  return s;
}

TEST(WideEp, AllToAllAcrossTwoDomainsIsSlowerByTheLinkRatioTimesTheRemoteShare) {
  const int G = 32;
  const ReplicaSetup inside = wide_ep(G);
  ReplicaSetup across = wide_ep(G);
  across.group_domain = G / 2;  // half the group in each of two NVLink domains
  across.cross_domain_link = {kNic, 0.0};
  const BatchShape b = decodes(32 * G, 4096);
  const IterationCost in = RooflineModel(inside).price(b);
  const IterationCost out = RooflineModel(across).price(b);
  // With tp 1 the network part is only the MoE all-to-alls. Inside: (G-1)/G of each rank's bytes
  // over NVLink; across: the G/2 remote peers' half over the NIC (the NVLink half overlaps it).
  const double expected = (kNvlink / kNic) * (G / 2.0) / (G - 1.0);
  ASSERT_GT(in.network_s, 0.0);
  EXPECT_NEAR(out.network_s / in.network_s, expected, 1e-9 * expected)
      << in.network_s << " s inside, " << out.network_s << " s across";
  // Everything else (compute, memory) is unchanged.
  EXPECT_DOUBLE_EQ(out.compute_s, in.compute_s);
  EXPECT_DOUBLE_EQ(out.memory_s, in.memory_s);
  EXPECT_GT(out.seconds, in.seconds);
}

TEST(WideEp, EveryDeviceInItsOwnDomainSendsEverythingOverTheNic) {
  // One device per domain: all peers are remote, so the all-to-all is the flat one at NIC speed.
  const double bytes = 1e8;
  EXPECT_DOUBLE_EQ(hierarchical_all_to_all_time(bytes, 8, 1, kNvlink, 1e-6, kNic, 2e-6),
                   all_to_all_time(bytes, 8, kNic, 2e-6));
  // And a group that fits one domain is the flat one at NVLink speed.
  EXPECT_DOUBLE_EQ(hierarchical_all_to_all_time(bytes, 8, 8, kNvlink, 1e-6, kNic, 2e-6),
                   all_to_all_time(bytes, 8, kNvlink, 1e-6));
}

TEST(WideEp, DispatchBytesScaleWithTokensAndTopK) {
  // The all-to-all carries each token's hidden state to its k = 8 experts and back: network time
  // doubles with the batch once the bandwidth term dominates.
  const RooflineModel m(wide_ep(64));
  const double t1 = m.price(decodes(64 * 32, 2048)).network_s;
  const double t2 = m.price(decodes(64 * 64, 2048)).network_s;
  EXPECT_NEAR(t2 / t1, 2.0, 1e-9);
  // Bytes per rank per all-to-all: T/G tokens x k x h x 2 B (BF16 activations); two per MoE layer.
  const auto& mo = *m.setup().model.moe;
  const double T = 64.0 * 32, G = 64;
  const double bytes = T / G * mo.active_experts * m.setup().model.hidden_size * 2.0;
  const double per_layer = 2.0 * (G - 1) / G * bytes / (kNvlink * m.setup().efficiency.network);
  EXPECT_NEAR(t1, per_layer * (m.setup().model.layers - mo.dense_layers), 1e-9 * t1);
}

}  // namespace
}  // namespace tokenfab
