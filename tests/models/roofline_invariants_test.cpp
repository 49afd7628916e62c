// Analytic invariants of the roofline (docs/performance-model.md): every expectation is computed
// here from the catalog's published figures or from the formula the doc states, not read back from
// the model.
#include "models/perf/roofline.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "models/efficiency.hpp"
#include "models/perf/memory_plan.hpp"

namespace tokenfab {
namespace {

ReplicaSetup setup(const std::string& model, const std::string& device, int tp = 1) {
  const Catalog catalog;
  ReplicaSetup s;
  s.model = catalog.llm(model);
  s.device = catalog.device(device);
  s.tp = tp;
  s.link_bandwidth = s.device.scale_up.bandwidth->value / 2;  // per direction
  s.link_latency = 0.5e-6;
  s.efficiency = efficiency_for(catalog, device);
  return s;
}

BatchShape decodes(int n, std::int64_t context) {
  BatchShape b;
  for (int i = 0; i < n; ++i) b.add(1, context, true);
  return b;
}

BatchShape prompt(std::int64_t tokens) {
  BatchShape b;
  b.add(tokens, 0, true);
  return b;
}

double hbm(const ReplicaSetup& s) { return s.device.memory.bandwidth->value * s.efficiency.memory; }

TEST(RooflineInvariants, BatchOneDecodeIsMemoryBoundAtWeightBytesOverBandwidth) {
  // Llama-3.1-8B in BF16 on one H100: the published 8.03e9 parameters, 2 bytes each, streamed once,
  // except the input embedding, of which only the token's row is read.
  ReplicaSetup s = setup("llama-3.1-8b", "h100-sxm");
  s.precision.weights = Precision::BF16;
  const RooflineModel m(s);
  const IterationCost c = m.price(decodes(1, 512));
  EXPECT_EQ(c.bound, Bound::Memory);
  const double embedding = 128256.0 * 4096;
  const double expected = (s.model.params_total.value - embedding) * 2.0 / hbm(s);
  EXPECT_NEAR(c.memory_s, expected, 0.03 * expected);
  EXPECT_NEAR(c.seconds, expected + s.efficiency.iteration_overhead, 0.03 * expected);
}

TEST(RooflineInvariants, BatchOneMoeDecodeStreamsTheActiveParameters) {
  // DeepSeek-V3 FP8 on 8 x H200 (TP 8): one token reads about the published 37e9 active
  // parameters (attention, shared and 8 routed experts, dense layers, LM head).
  const RooflineModel m(setup("deepseek-v3", "h200-sxm", 8));
  const ReplicaSetup& s = m.setup();
  const IterationCost c = m.price(decodes(1, 256));
  EXPECT_EQ(c.bound, Bound::Memory);
  const double expected = s.model.params_active->value * 1.0 / 8 / hbm(s);
  EXPECT_NEAR(c.memory_s, expected, 0.15 * expected);
}

TEST(RooflineInvariants, LargePrefillIsComputeBoundAtTwoFlopsPerParameter) {
  // gpt-oss-120b keeps its MXFP4 experts (FP8 math on Hopper) on one H200.
  for (const auto& [model, device, tp] : {std::tuple{"llama-3.1-8b", "h100-sxm", 1}, {"llama-3.1-70b", "h200-sxm", 8},
                                          {"gpt-oss-120b", "h200-sxm", 1}}) {
    ReplicaSetup s = setup(model, device, tp);
    if (s.model.moe) s.precision.experts = Precision::FP4;
    const RooflineModel m(s);
    const IterationCost c = m.price(prompt(8192));
    EXPECT_EQ(c.bound, Bound::Compute) << model;
    // 2 FLOPs per active parameter per token, less the embedding and LM head (one logit).
    const double active = s.model.params_active ? s.model.params_active->value : s.model.params_total.value;
    const double vocab = 2.0 * static_cast<double>(s.model.vocab_size) * static_cast<double>(s.model.hidden_size);
    const double gemm_floor = 2.0 * (active - vocab) * 8192 / tp / (s.device.peak(Precision::FP8) * s.efficiency.flops);
    EXPECT_GT(c.compute_s, 0.9 * gemm_floor) << model;
    EXPECT_LT(c.compute_s, 1.6 * gemm_floor) << model;  // plus attention, never many times the GEMMs
  }
}

TEST(RooflineInvariants, MoeTouchesAboutKExpertsAtBatchOneAndAllAtLargeBatch) {
  const RooflineModel m(setup("deepseek-v3", "h200-sxm", 8));
  const auto& moe = *m.setup().model.moe;
  EXPECT_DOUBLE_EQ(m.experts_touched(1), moe.active_experts);
  EXPECT_GT(m.experts_touched(4096), 0.999 * moe.routed_experts);
  // In between: the expectation E(1 - (1 - k/E)^T), below both T*k and E.
  const double t32 = m.experts_touched(32);
  EXPECT_LT(t32, 32.0 * moe.active_experts);
  EXPECT_LT(t32, moe.routed_experts);
  EXPECT_NEAR(t32, 256 * (1 - std::pow(1 - 8.0 / 256, 32)), 1e-9);
  // Expert bytes: a large decode batch streams all experts, so memory time far exceeds batch 1's.
  EXPECT_GT(m.price(decodes(512, 256)).bytes, 5 * m.price(decodes(1, 256)).bytes);
}

TEST(RooflineInvariants, MlaKvBytesPerTokenAreFarBelowGqa) {
  const ReplicaSetup mla = setup("deepseek-v3", "h200-sxm");
  // The same model with GQA of 8 KV heads of 128 dims, and as plain MHA (128 heads of 128).
  ReplicaSetup gqa = mla;
  gqa.model.attention.kind = AttentionKind::Gqa;
  gqa.model.attention.kv_heads = 8;
  gqa.model.attention.head_dim = 128;
  ReplicaSetup mha = gqa;
  mha.model.attention.kv_heads = 128;
  const double b_mla = RooflineModel(mla).kv_bytes_per_token_per_device();
  EXPECT_DOUBLE_EQ(b_mla, (512 + 64) * 1.0 * 61);  // latent + rope key, FP8, 61 layers
  EXPECT_LT(b_mla, RooflineModel(gqa).kv_bytes_per_token_per_device() / 3);
  EXPECT_LT(b_mla, RooflineModel(mha).kv_bytes_per_token_per_device() / 50);
}

TEST(RooflineInvariants, MlaDecodeUsesTheAbsorbedFormAndPrefillTheExpandedForm) {
  const RooflineModel m(setup("deepseek-v3", "h200-sxm", 8));
  const auto& a = m.setup().model.attention;
  // The absorbed decode reads only the latent cache: KV bytes of 4 x 8192 cached tokens per layer.
  const IterationCost d = m.price(decodes(4, 8192));
  EXPECT_GT(d.bytes, 4 * 8192.0 * (a.kv_lora_rank + a.qk_rope_head_dim) * 61);
  // A prefill chunk after a long context expands every cached latent (W_UK, W_UV): far more FLOPs
  // than the same chunk from scratch.
  BatchShape late;
  late.add(512, 16384, true);
  EXPECT_GT(m.price(late).flops, 2 * m.price(prompt(512)).flops);
}

TEST(RooflineInvariants, RingAllReduceGrowsWithTpAsTheFormulaSays) {
  const double bytes = 32e6;
  double last = 0;
  for (const int tp : {2, 4, 8}) {
    ReplicaSetup s = setup("llama-3.1-70b", "h100-sxm", tp);
    s.all_reduce = AllReduceAlgo::Ring;
    const RooflineModel m(s);
    const double bw = s.link_bandwidth * s.efficiency.network;
    const double expected = 2.0 * (tp - 1) / tp * bytes / bw + 2.0 * (tp - 1) * s.link_latency;
    EXPECT_NEAR(m.all_reduce_time(bytes), expected, 1e-12);
    EXPECT_GT(m.all_reduce_time(bytes), last);
    last = m.all_reduce_time(bytes);
  }
  // Tree: 2 ceil(log2 p) latency steps, 2 bytes/bw.
  EXPECT_NEAR(tree_all_reduce_time(bytes, 8, 100e9, 1e-6), 6e-6 + 2 * bytes / 100e9, 1e-15);
  // All-to-all: (p-1)/p of the bytes leave each rank; ceil(log2 p) latency rounds.
  EXPECT_NEAR(all_to_all_time(bytes, 8, 100e9, 1e-6), 3e-6 + 7.0 / 8 * bytes / 100e9, 1e-15);
  EXPECT_EQ(all_to_all_time(bytes, 1, 100e9, 1e-6), 0.0);
}

TEST(RooflineInvariants, WideEpDispatchIsPricedOverTheGroupLinks) {
  // DeepSeek-V3 with attention DP 16 and EP 16 over two NVL8 nodes: the all-to-all crosses the
  // scale-out NIC (50 GB/s per direction), not NVLink.
  ReplicaSetup s = setup("deepseek-v3", "h200-sxm", 1);
  s.dp = 16;
  s.ep = 16;
  s.ep_link = {50e9, 5e-6};
  const RooflineModel wide(s);
  const BatchShape b = decodes(2048, 1024);
  const double t = wide.price(b).network_s;
  // Dispatch + combine per MoE layer: each device sends its 128 tokens x 8 experts x 7168 x 2 B.
  const double bytes = 2048.0 / 16 * 8 * 7168 * 2;
  const double per_layer = 2 * all_to_all_time(bytes, 16, 50e9 * s.efficiency.network, 5e-6);
  EXPECT_NEAR(t, per_layer * (61 - 3), 1e-9);
  // Twice the bandwidth: the bandwidth part halves.
  ReplicaSetup fast = s;
  fast.ep_link.bandwidth = 100e9;
  EXPECT_LT(RooflineModel(fast).price(b).network_s, 0.6 * t);
  // Attention DP: each device keeps only its group's sequences, so the replica holds 16x the
  // tokens of one device's KV share.
  const MemoryPlan plan = plan_memory(s, 0.1, 16);
  ASSERT_TRUE(plan.fits) << plan.refusal;
  const double per_device = std::floor((plan.usable - plan.weight_bytes) / plan.kv_bytes_per_token / 16) * 16;
  EXPECT_EQ(plan.kv_tokens, static_cast<std::int64_t>(16 * per_device));
}

TEST(RooflineInvariants, PipelineSplitsWeightsAndAddsHops) {
  ReplicaSetup one = setup("llama-3.1-70b", "h100-sxm", 4);
  one.efficiency.iteration_overhead = 0;  // compare the stages alone
  ReplicaSetup two = one;
  two.pp = 2;
  const RooflineModel a(one), b(two);
  const double layers = a.weight_bytes_per_device() - 2 * 128256.0 * 8192 / 4;  // without embedding + head
  EXPECT_NEAR(b.weight_bytes_per_device(), layers / 2 + 128256.0 * 8192 / 4, 1.0);
  const BatchShape batch = decodes(64, 2048);
  const IterationCost ca = a.price(batch), cb = b.price(batch);
  // One pass through both stages takes about as long as one stage of twice the layers, plus the
  // hop; with the pipeline full a batch leaves about every half of that.
  const double hop = p2p_time(64.0 / 4 * 8192 * 2, two.link_bandwidth * two.efficiency.network, two.link_latency);
  EXPECT_NEAR(cb.network_s - ca.network_s, hop, 1e-9);
  EXPECT_LT(cb.interval_s, 0.6 * cb.step_s);
}

TEST(RooflineInvariants, LpuNeedsEnoughChipsToHoldTheWeights) {
  ReplicaSetup s = setup("llama-3.1-70b", "groq-lpu", 8);
  s.pp = 4;  // 32 chips: 16 GB of SRAM for 70 GB of weights
  const MemoryPlan few = plan_memory(s, 0.1, 16);
  EXPECT_FALSE(few.fits);
  EXPECT_NE(few.refusal.find("chip"), std::string::npos) << few.refusal;
  EXPECT_NE(few.refusal.find("usable"), std::string::npos) << few.refusal;
  // At least the weights over one chip's usable SRAM.
  EXPECT_GE(few.min_devices, static_cast<int>(s.model.params_total.value / (0.9 * 500e6)));
  s.pp = 40;  // 320 chips
  const MemoryPlan many = plan_memory(s, 0.1, 16);
  EXPECT_TRUE(many.fits) << many.refusal;
  // A token crosses 39 chip-to-chip hops.
  const RooflineModel m(s);
  const IterationCost c = m.price(decodes(1, 1024));
  const double hop = p2p_time(8192.0 * 2 / 8, s.link_bandwidth * s.efficiency.network, s.link_latency);
  EXPECT_GE(c.network_s, 39 * hop);
}

TEST(RooflineInvariants, SpeculativeDecodingDividesTheStepByTheAcceptedTokens) {
  Speculative sp;
  sp.method = SpecMethod::Mtp;
  sp.draft_tokens = 3;
  sp.acceptance_rate = 0.7;
  EXPECT_NEAR(sp.tokens_per_step(), (1 - std::pow(0.7, 4)) / 0.3, 1e-12);
  sp.acceptance_rate = 1.0;
  EXPECT_DOUBLE_EQ(sp.tokens_per_step(), 4.0);

  ReplicaSetup plain = setup("deepseek-v3", "h200-sxm", 8);
  ReplicaSetup mtp = plain;
  mtp.speculative = {SpecMethod::Mtp, 1, 0.85, std::nullopt};
  const RooflineModel p(plain), q(mtp);
  const BatchShape b = decodes(1, 2048);
  const IterationCost c = q.price(b);
  EXPECT_NEAR(c.tokens_per_decode, 1.85, 1e-12);
  EXPECT_NEAR(c.seconds, c.step_s / 1.85, 1e-12);
  // Memory-bound decode: verifying 2 tokens streams 16 experts instead of 8 but the attention
  // and shared weights once, so tokens come faster.
  EXPECT_LT(c.seconds, p.price(b).seconds);
  // A prefill-only batch is not touched by speculation.
  EXPECT_DOUBLE_EQ(q.price(prompt(1024)).seconds, p.price(prompt(1024)).seconds);
  // With nothing accepted the draft is pure cost.
  mtp.speculative.acceptance_rate = 0;
  EXPECT_GT(RooflineModel(mtp).price(b).seconds, p.price(b).seconds);
  // A dense model has no MTP module: refused.
  ReplicaSetup dense = setup("llama-3.1-70b", "h100-sxm", 8);
  dense.speculative = {SpecMethod::Mtp, 1, 0.8, std::nullopt};
  EXPECT_TRUE(setup_problem(dense).has_value());
}

TEST(RooflineInvariants, ExpertPrecisionChangesOnlyExpertBytes) {
  ReplicaSetup fp8 = setup("deepseek-v3", "b200", 8);
  ReplicaSetup fp4 = fp8;
  fp4.precision.experts = Precision::FP4;
  const auto& m = fp8.model;
  const double expert = 3.0 * 7168 * 2048;
  const double experts = (m.moe->routed_experts + m.moe->shared_experts) * expert * (61 - 3);
  EXPECT_NEAR(RooflineModel(fp8).weight_bytes_per_device() - RooflineModel(fp4).weight_bytes_per_device(),
              experts * 0.5 / 8, 1e3);
}

TEST(RooflineInvariants, MemoryPlanRefusesWithTheBytesNeededAndAvailable) {
  ReplicaSetup s = setup("llama-3.1-405b", "h100-sxm", 1);
  const MemoryPlan plan = plan_memory(s, 0.1, 16);
  EXPECT_FALSE(plan.fits);
  EXPECT_NEAR(plan.weight_bytes, s.model.params_total.value, 0.02 * s.model.params_total.value);
  EXPECT_NE(plan.refusal.find("does not fit"), std::string::npos);
  EXPECT_NE(plan.refusal.find("GB"), std::string::npos);
  EXPECT_NE(plan.refusal.find("405"), std::string::npos);  // the weights, in GB
  // Capacity when it fits: (usable - weights) / KV per token, in whole blocks.
  ReplicaSetup ok = setup("llama-3.1-8b", "h100-sxm", 1);
  const MemoryPlan p = plan_memory(ok, 0.1, 16);
  ASSERT_TRUE(p.fits);
  const double kv_token = 2.0 * 8 * 128 * 1.0 * 32;  // K and V, 8 heads x 128, FP8, 32 layers
  EXPECT_DOUBLE_EQ(p.kv_bytes_per_token, kv_token);
  const auto tokens = static_cast<std::int64_t>((0.9 * ok.device.memory.capacity->value - p.weight_bytes) / kv_token);
  EXPECT_EQ(p.kv_tokens, tokens / 16 * 16);
}

TEST(RooflineInvariants, BadParallelismIsRefused) {
  ReplicaSetup s = setup("deepseek-v3", "h200-sxm", 1);
  s.dp = 8;
  s.ep = 3;
  EXPECT_NE(setup_problem(s).value_or("").find("does not divide"), std::string::npos);
  ReplicaSetup dense = setup("llama-3.1-70b", "h100-sxm", 8);
  dense.ep = 8;
  EXPECT_TRUE(setup_problem(dense).has_value());
  EXPECT_THROW(RooflineModel{dense}, std::invalid_argument);
  // TP splits attention by whole heads: 64 heads over 3 devices is refused, over 8 is not.
  ReplicaSetup three = setup("llama-3.1-70b", "h100-sxm", 3);
  EXPECT_EQ(setup_problem(three).value_or(""), "tp 3 does not divide the 64 attention heads of llama-3.1-70b");
  EXPECT_FALSE(setup_problem(setup("llama-3.1-70b", "h100-sxm", 8)).has_value());
}

}  // namespace
}  // namespace tokenfab
