#include "models/perf/roofline.hpp"

#include <algorithm>
#include <cmath>

namespace tokenfab {
namespace {

// Accumulates operators into the cost: each takes max(compute time, memory time).
struct OperatorSum {
  IterationCost& cost;
  double mem_rate;
  void add(double flops, double bytes, double rate, double times = 1.0) {
    const double tc = flops / rate;
    const double tm = bytes / mem_rate;
    cost.flops += flops * times;
    cost.bytes += bytes * times;
    if (tc >= tm) {
      cost.compute_s += tc * times;
    } else {
      cost.memory_s += tm * times;
    }
  }
};

}  // namespace

RooflineModel::RooflineModel(ReplicaSetup setup) : s_(std::move(setup)) {
  // GEMMs run at the weights' precision (W8A8 for FP8, W4A4 for FP4, as TensorRT-LLM serves them);
  // attention math in BF16 (FP8 KV is dequantised on the fly).
  gemm_rate_ = s_.device.peak(s_.precision.weights) * s_.efficiency.flops;
  attention_rate_ = s_.device.peak(Precision::BF16) * s_.efficiency.flops;
  if (!s_.device.memory.bandwidth) throw std::invalid_argument("device " + s_.device.name + " has no memory bandwidth");
  mem_rate_ = s_.device.memory.bandwidth->value * s_.efficiency.memory;
}

double RooflineModel::weight_bytes_per_device() const {
  return s_.model.total_params() * bytes_per_element(s_.precision.weights) / s_.tp;
}

double RooflineModel::kv_bytes_per_token_per_device() const {
  const auto& a = s_.model.attention;
  double per_layer = 0;
  if (a.kind == AttentionKind::Mla) {
    // The latent is shared by all heads, so every TP rank keeps all of it.
    per_layer = s_.model.kv_elements_per_token_per_layer();
  } else {
    // KV heads are split across TP ranks; with more ranks than KV heads they are replicated.
    const double heads_per_device = std::ceil(static_cast<double>(a.kv_heads) / s_.tp);
    per_layer = 2.0 * heads_per_device * a.head_dim;
  }
  return per_layer * bytes_per_element(s_.precision.kv_cache) * s_.model.layers;
}

double RooflineModel::all_reduce_time(double bytes) const {
  const double bw = s_.link_bandwidth * s_.efficiency.network;
  switch (s_.all_reduce) {
    case AllReduceAlgo::Ring: return ring_all_reduce_time(bytes, s_.tp, bw, s_.link_latency);
    case AllReduceAlgo::Tree: return tree_all_reduce_time(bytes, s_.tp, bw, s_.link_latency);
    case AllReduceAlgo::Auto:
      // NCCL picks the faster algorithm per message size.
      return std::min(ring_all_reduce_time(bytes, s_.tp, bw, s_.link_latency),
                      tree_all_reduce_time(bytes, s_.tp, bw, s_.link_latency));
  }
  return 0;
}

IterationCost RooflineModel::price(const BatchShape& b) const {
  IterationCost cost;
  if (b.new_tokens <= 0) return cost;
  OperatorSum ops{cost, mem_rate_};
  const auto& m = s_.model;
  const auto& a = m.attention;
  const double tp = s_.tp;
  const double T = static_cast<double>(b.new_tokens);
  const double h = static_cast<double>(m.hidden_size);
  const double wb = bytes_per_element(s_.precision.weights);
  const double ab = bytes_per_element(s_.precision.activations);

  // Attention projections (every layer).
  const double attn_params = m.attention_params_per_layer();
  const double q_dim = a.kind == AttentionKind::Mla ? static_cast<double>(a.heads) * (a.qk_nope_head_dim + a.qk_rope_head_dim)
                                                    : static_cast<double>(a.heads) * a.head_dim;
  const double o_dim = a.kind == AttentionKind::Mla ? static_cast<double>(a.heads) * a.v_head_dim : q_dim;
  const double kv_out = a.kind == AttentionKind::Mla ? a.kv_lora_rank + a.qk_rope_head_dim : 2.0 * a.kv_heads * a.head_dim;
  const double L = m.layers;
  ops.add(2 * T * attn_params / tp, attn_params * wb / tp + T * ab * (2 * h + q_dim + kv_out + o_dim) / tp, gemm_rate_, L);

  // Attention math over the KV cache.
  const double flops_per_pair = a.kind == AttentionKind::Mla
                                    ? 2.0 * a.heads * (2.0 * a.kv_lora_rank + a.qk_rope_head_dim)  // absorbed form
                                    : 4.0 * a.heads * a.head_dim;
  const double kv_layer_bytes = kv_bytes_per_token_per_device() / L;
  ops.add(flops_per_pair * b.attention_pairs / tp, b.kv_tokens_read * kv_layer_bytes + T * ab * (q_dim + o_dim) / tp,
          attention_rate_, L);

  // Feed-forward blocks.
  if (!m.moe) {
    const double ffn = m.dense_ffn_params_per_layer();
    const double inter = static_cast<double>(m.ffn->intermediate_size);
    ops.add(2 * T * ffn / tp, ffn * wb / tp + T * ab * (2 * h + 3 * inter) / tp, gemm_rate_, L);
  } else {
    const auto& moe = *m.moe;
    const double expert = 3.0 * h * static_cast<double>(moe.expert_intermediate_size);
    const double E = moe.routed_experts;
    const double k = moe.active_experts;
    // Expected distinct experts touched when T tokens each pick k of E experts uniformly.
    const double touched = E * (1.0 - std::pow(1.0 - k / E, T));
    const double moe_layers = L - moe.dense_layers;
    ops.add(2 * T * (k + moe.shared_experts) * expert / tp,
            (touched + moe.shared_experts) * expert * wb / tp + T * ab * (2 * h) * (k + moe.shared_experts) / tp,
            gemm_rate_, moe_layers);
    if (moe.dense_layers > 0) {
      const double dense = 3.0 * h * static_cast<double>(moe.dense_intermediate_size);
      ops.add(2 * T * dense / tp, dense * wb / tp, gemm_rate_, moe.dense_layers);
    }
  }

  // LM head for the sequences that emit a token.
  const double head = h * static_cast<double>(m.vocab_size);
  if (b.logits > 0) ops.add(2.0 * static_cast<double>(b.logits) * head / tp, head * wb / tp, gemm_rate_);

  // Two TP all-reduces per layer (after attention and after the FFN) of the hidden states.
  cost.network_s = 2.0 * L * all_reduce_time(T * h * ab);
  cost.overhead_s = s_.efficiency.iteration_overhead;
  cost.seconds = cost.compute_s + cost.memory_s + cost.network_s + cost.overhead_s;

  const double top = std::max({cost.compute_s, cost.memory_s, cost.network_s, cost.overhead_s});
  cost.bound = top == cost.compute_s ? Bound::Compute
               : top == cost.memory_s ? Bound::Memory
               : top == cost.network_s ? Bound::Network
                                       : Bound::Overhead;
  return cost;
}

}  // namespace tokenfab
