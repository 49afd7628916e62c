// The roofline against analytic expectations for the quickstart's setup: Llama-3.1-70B FP8 on
// 8 x H100 (TP=8) over NVLink.
#include "models/perf/roofline.hpp"

#include <gtest/gtest.h>

#include "models/efficiency.hpp"

namespace tokenfab {
namespace {

ReplicaSetup h100_tp8(AllReduceAlgo algo = AllReduceAlgo::Auto) {
  const Catalog catalog;
  ReplicaSetup s;
  s.model = catalog.llm("llama-3.1-70b");
  s.device = catalog.device("h100-sxm");
  s.precision.weights = Precision::FP8;
  s.precision.activations = Precision::BF16;
  s.precision.kv_cache = Precision::FP8;
  s.tp = 8;
  s.link_bandwidth = 450e9;  // NVLink 4 per direction (platforms/hgx-h100.xml)
  s.link_latency = 0.5e-6;   // two 0.25 us links through the NVSwitch
  s.all_reduce = algo;
  s.efficiency = efficiency_for(catalog, "h100-sxm");
  return s;
}

TEST(RooflineBasic, BatchOneDecodeIsWeightBytesOverHbmBandwidth) {
  const ReplicaSetup s = h100_tp8();
  const RooflineModel model(s);
  BatchShape b;
  b.add(1, 1024, true);
  const IterationCost c = model.price(b);
  EXPECT_EQ(c.bound, Bound::Memory);
  // Independent expectation: the published parameter count in FP8 (1 byte each) streamed once
  // from the aggregate HBM bandwidth of 8 GPUs at the calibrated efficiency, plus the fixed
  // overhead and the 2 all-reduces per layer of one token's hidden state.
  const double weight_bytes = s.model.params_total.value * 1.0;
  const double hbm = 8 * s.device.memory.bandwidth->value * s.efficiency.memory;
  const double all_reduces = 2.0 * s.model.layers * model.all_reduce_time(8192 * 2.0);
  const double expected = weight_bytes / hbm + s.efficiency.iteration_overhead + all_reduces;
  EXPECT_NEAR(c.seconds, expected, 0.10 * expected) << "model " << c.seconds << " s vs " << expected << " s";
  // And the memory part alone is the weight stream within 10% (KV of one 1k context is small).
  EXPECT_NEAR(c.memory_s, weight_bytes / hbm, 0.10 * weight_bytes / hbm);
}

TEST(RooflineBasic, LongPromptPrefillIsComputeBoundAndLinear) {
  const RooflineModel model(h100_tp8());
  auto prefill = [&](std::int64_t tokens) {
    BatchShape b;
    b.add(tokens, 0, true);
    return model.price(b);
  };
  const IterationCost p4 = prefill(4096), p8 = prefill(8192), p16 = prefill(16384);
  EXPECT_EQ(p4.bound, Bound::Compute);
  EXPECT_EQ(p8.bound, Bound::Compute);
  // Linear in tokens up to the (small, for 70B) quadratic attention share: ratios near 2.
  EXPECT_GT(p8.seconds / p4.seconds, 1.9);
  EXPECT_LT(p8.seconds / p4.seconds, 2.2);
  EXPECT_GT(p16.seconds / p8.seconds, 1.9);
  EXPECT_LT(p16.seconds / p8.seconds, 2.2);
  // Compute time is FLOPs over the achievable FP8 rate: 2 x params x tokens / TP, at least.
  const ReplicaSetup s = h100_tp8();
  const double gemm_floor = 2.0 * s.model.params_total.value * 8192 / 8 / (s.device.peak(Precision::FP8) * s.efficiency.flops);
  EXPECT_GT(p8.compute_s, 0.9 * gemm_floor);
}

TEST(RooflineBasic, RingAllReduceMatchesTheFormula) {
  const ReplicaSetup s = h100_tp8(AllReduceAlgo::Ring);
  const RooflineModel model(s);
  const double bytes = 64e6;
  const double bw = s.link_bandwidth * s.efficiency.network;
  const int p = 8;
  const double expected = 2.0 * (p - 1) / p * bytes / bw + 2.0 * (p - 1) * s.link_latency;
  EXPECT_NEAR(model.all_reduce_time(bytes), expected, 1e-12);
  // TP=1 has no collective.
  EXPECT_EQ(ring_all_reduce_time(bytes, 1, bw, s.link_latency), 0.0);
  // Auto never does worse than either algorithm.
  const RooflineModel best(h100_tp8(AllReduceAlgo::Auto));
  EXPECT_LE(best.all_reduce_time(bytes), expected + 1e-15);
  EXPECT_LE(best.all_reduce_time(16e3), model.all_reduce_time(16e3) + 1e-15);
}

TEST(RooflineBasic, DecodeBatchAmortisesWeights) {
  const RooflineModel model(h100_tp8());
  BatchShape one, many;
  one.add(1, 1024, true);
  for (int i = 0; i < 64; ++i) many.add(1, 1024, true);
  const double t1 = model.price(one).seconds, t64 = model.price(many).seconds;
  EXPECT_GT(t64, t1);          // more KV to read, more tokens
  EXPECT_LT(t64, 2.0 * t1);    // but the weights are read once for the whole batch
}

TEST(RooflineBasic, KvBytesPerTokenForGqa) {
  const ReplicaSetup s = h100_tp8();
  const RooflineModel model(s);
  // 8 KV heads over TP 8: one head per GPU; K and V of 128 dims in FP8 over 80 layers.
  EXPECT_DOUBLE_EQ(model.kv_bytes_per_token_per_device(), 2.0 * 1 * 128 * 1.0 * 80);
  EXPECT_NEAR(model.weight_bytes_per_device(), s.model.params_total.value / 8, 0.01 * s.model.params_total.value / 8);
}

}  // namespace
}  // namespace tokenfab
