#include "models/perf/roofline.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tokenfab {

double math_peak(const DeviceSpec& d, Precision p) {
  for (const Precision q : {Precision::FP4, Precision::FP8, Precision::BF16}) {
    if (bytes_per_element(q) < bytes_per_element(p)) continue;
    if (d.supports(q)) return d.peak(q);
  }
  return d.peak(Precision::BF16);  // throws naming the device when even BF16 is missing
}

namespace {

// One DP group's share of the batch (sequences are spread evenly over the dp groups).
struct GroupShare {
  double T = 0;   // new tokens
  double Dt = 0;  // decode tokens (one per decoding sequence; n+1 when verifying drafts)
  double D = 0;   // decoding sequences
  double Dk = 0;  // KV entries the decodes read
  double Dp = 0;  // causal pairs of the decodes
  double Pt = 0;  // prefill tokens
  double Ps = 0;  // prefill sequences
  double Pk = 0;  // KV entries the prefill chunks read
  double Pp = 0;  // causal pairs of the prefill chunks
};

GroupShare share_of(const BatchShape& b, int dp) {
  const double n = dp;
  GroupShare g;
  g.T = static_cast<double>(b.new_tokens) / n;
  g.Pt = static_cast<double>(b.prefill_tokens) / n;
  g.Dt = g.T - g.Pt;
  g.D = static_cast<double>(b.decode_sequences()) / n;
  g.Dk = b.decode_kv_tokens_read() / n;
  g.Dp = b.decode_attention_pairs() / n;
  g.Ps = static_cast<double>(b.prefill_sequences) / n;
  g.Pk = b.prefill_kv_tokens_read / n;
  g.Pp = b.prefill_attention_pairs / n;
  return g;
}

void add_parts(IterationCost& into, const IterationCost& c, double times = 1.0) {
  into.compute_s += c.compute_s * times;
  into.memory_s += c.memory_s * times;
  into.network_s += c.network_s * times;
  into.flops += c.flops * times;
  into.bytes += c.bytes * times;
}

double parts(const IterationCost& c) { return c.compute_s + c.memory_s + c.network_s + c.overhead_s + c.measured_s; }

Bound dominant(const IterationCost& c) {
  const double top = std::max({c.compute_s, c.memory_s, c.network_s, c.overhead_s});
  return top == c.compute_s ? Bound::Compute
         : top == c.memory_s ? Bound::Memory
         : top == c.network_s ? Bound::Network
                              : Bound::Overhead;
}

}  // namespace

// Accumulates operators into a cost: each takes max(compute time, memory time); collectives add.
struct RooflineModel::Ops {
  IterationCost& cost;
  double mem_rate;
  void add(double flops, double bytes, double rate, double times) {
    if (times <= 0 || (flops <= 0 && bytes <= 0)) return;
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
  void net(double seconds, double times) { cost.network_s += seconds * times; }
};

RooflineModel::RooflineModel(ReplicaSetup setup) : s_(std::move(setup)) {
  if (const auto problem = setup_problem(s_)) throw std::invalid_argument(*problem);
  if (!s_.device.memory.bandwidth) throw std::invalid_argument("device " + s_.device.name + " has no memory bandwidth");
  // GEMMs run at the weights' precision (W8A8 for FP8, W4A4 for FP4, as TensorRT-LLM serves them);
  // attention math at the activations' precision (FP8 KV is dequantised on the fly).
  gemm_rate_ = math_peak(s_.device, s_.precision.weights) * s_.efficiency.flops;
  expert_rate_ = math_peak(s_.device, s_.precision.expert_weights()) * s_.efficiency.flops;
  attention_rate_ = math_peak(s_.device, s_.precision.activations) * s_.efficiency.flops;
  mem_rate_ = s_.device.memory.bandwidth->value * s_.efficiency.memory;
  if (s_.speculative.enabled() && s_.speculative.method == SpecMethod::DraftModel) {
    // The draft runs beside the target on the same devices (TP over the attention group, no
    // pipeline); its passes sit inside the target's step, so it pays no iteration overhead.
    ReplicaSetup d = s_;
    d.model = *s_.speculative.draft_model;
    d.pp = 1;
    d.ep = 1;
    d.speculative = Speculative{};
    d.efficiency.iteration_overhead = 0;
    draft_ = std::make_shared<const RooflineModel>(std::move(d));
  }
}

double RooflineModel::experts_touched(double tokens) const {
  if (!s_.model.moe) return 0;
  const double E = s_.model.moe->routed_experts;
  const double k = s_.model.moe->active_experts;
  return E * (1.0 - std::pow(1.0 - k / E, tokens));
}

namespace {

// KV bytes per token of one layer on one device of a TP group.
double kv_layer_bytes(const ReplicaSetup& s, const LlmSpec& m) {
  const auto& a = m.attention;
  double elements = 0;
  if (a.kind == AttentionKind::Mla) {
    // The latent is shared by all heads, so every TP rank keeps all of it.
    elements = m.kv_elements_per_token_per_layer();
  } else {
    // KV heads are split across TP ranks; with more ranks than KV heads they are replicated.
    elements = 2.0 * std::ceil(static_cast<double>(a.kv_heads) / s.tp) * a.head_dim;
  }
  return elements * bytes_per_element(s.precision.kv_cache);
}

// Parameters of one MoE layer's experts (routed + shared), and of the rest of a MoE layer.
double expert_params(const LlmSpec& m) {
  return 3.0 * static_cast<double>(m.hidden_size) * static_cast<double>(m.moe->expert_intermediate_size);
}

// Weight bytes one device holds for `layers` layers of `m` (no embeddings).
double layer_weight_bytes(const ReplicaSetup& s, const LlmSpec& m, double layers, bool moe_layers) {
  const double wb = bytes_per_element(s.precision.weights);
  const double eb = bytes_per_element(s.precision.expert_weights());
  const double h = static_cast<double>(m.hidden_size);
  const double attention = m.attention_params_per_layer() * wb / s.tp;
  if (!moe_layers) return layers * (attention + m.dense_ffn_params_per_layer() * wb / s.tp);
  const auto& moe = *m.moe;
  const double e = expert_params(m);
  const double shared = moe.shared_experts * e * eb / s.tp;
  const double routed = moe.routed_experts * e * eb / s.group_size();
  const double router = h * moe.routed_experts * wb / s.tp;
  return layers * (attention + shared + routed + router);
}

}  // namespace

double RooflineModel::weight_bytes_per_device() const {
  const auto& m = s_.model;
  const double wb = bytes_per_element(s_.precision.weights);
  const double h = static_cast<double>(m.hidden_size);
  const double vocab = static_cast<double>(m.vocab_size) * h * wb / s_.tp;
  double layers = 0;
  if (!m.moe) {
    layers = layer_weight_bytes(s_, m, m.layers, false);
  } else {
    const double dense = m.moe->dense_layers;
    const double dense_ffn = 3.0 * h * static_cast<double>(m.moe->dense_intermediate_size) * wb / s_.tp;
    layers = dense * (m.attention_params_per_layer() * wb / s_.tp + dense_ffn) +
             layer_weight_bytes(s_, m, m.layers - dense, true);
  }
  // One stage's share of the layers; the embedding sits on the first stage and the LM head on the
  // last (both on the one stage without PP, sharded over the vocabulary across TP ranks).
  double bytes = layers / s_.pp + (s_.pp == 1 ? (m.tied_embeddings ? 1.0 : 2.0) : 1.0) * vocab;
  const auto& sp = s_.speculative;
  if (sp.enabled() && sp.method == SpecMethod::Mtp) {
    // Each MTP module is one more transformer layer plus a 2h -> h projection (DeepSeek-V3 §2.2).
    bytes += m.mtp->layers * (layer_weight_bytes(s_, m, 1, m.moe.has_value()) + 2.0 * h * h * wb / s_.tp);
  }
  if (draft_) bytes += draft_->weight_bytes_per_device();
  return bytes;
}

double RooflineModel::kv_bytes_per_token_per_device() const {
  double bytes = kv_layer_bytes(s_, s_.model) * s_.model.layers / s_.pp;
  const auto& sp = s_.speculative;
  if (sp.enabled() && sp.method == SpecMethod::Mtp) bytes += kv_layer_bytes(s_, s_.model) * s_.model.mtp->layers;
  if (draft_) bytes += draft_->kv_bytes_per_token_per_device();
  return bytes;
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

void RooflineModel::add_attention(Ops& ops, const BatchShape& b, double layers) const {
  const auto& m = s_.model;
  const auto& a = m.attention;
  const GroupShare g = share_of(b, s_.dp);
  const double tp = s_.tp;
  const double h = static_cast<double>(m.hidden_size);
  const double wb = bytes_per_element(s_.precision.weights);
  const double ab = bytes_per_element(s_.precision.activations);
  const double heads = a.heads;
  const double kv_layer = kv_layer_bytes(s_, m);
  const double A = m.attention_params_per_layer();

  if (a.kind == AttentionKind::Mla) {
    const double qk = a.qk_nope_head_dim + a.qk_rope_head_dim;
    const double q_dim = heads * qk, o_dim = heads * a.v_head_dim;
    const double kv_out = a.kv_lora_rank + a.qk_rope_head_dim;
    // W_UK and W_UV: in the absorbed (decode) form they multiply each new query and output, in
    // the prefill form they expand every cached latent the chunk attends to into per-head K and V.
    const double kv_up = static_cast<double>(a.kv_lora_rank) * heads * (a.qk_nope_head_dim + a.v_head_dim);
    ops.add(2.0 * (g.T * (A - kv_up) + (g.Dt + g.Pk) * kv_up) / tp,
            A * wb / tp + g.T * ab * (2 * h + q_dim + kv_out + o_dim) / tp, gemm_rate_, layers);
    // Absorbed decode: scores against the latent plus the rope key, values from the latent.
    ops.add(g.Dp * 2.0 * heads * (2.0 * a.kv_lora_rank + a.qk_rope_head_dim) / tp,
            g.Dk * kv_layer + g.Dt * ab * (q_dim + o_dim) / tp, attention_rate_, layers);
    // Prefill form: ordinary multi-head attention over the expanded K (nope+rope) and V, which are
    // written and read back once.
    ops.add(g.Pp * 2.0 * heads * (qk + a.v_head_dim) / tp,
            g.Pk * kv_layer + 2.0 * g.Pk * heads * (qk + a.v_head_dim) * ab / tp + g.Pt * ab * (q_dim + o_dim) / tp,
            attention_rate_, layers);
  } else {
    const double q_dim = heads * a.head_dim;
    const double kv_out = 2.0 * a.kv_heads * a.head_dim;
    ops.add(2.0 * g.T * A / tp, A * wb / tp + g.T * ab * (2 * h + q_dim + kv_out + q_dim) / tp, gemm_rate_, layers);
    // Sliding-window layers see at most `window` keys per query: the sums are capped there (a
    // bound from the aggregate: sum min(x_i, W) <= min(sum x_i, n W)).
    const double f = a.sliding_window > 0 ? static_cast<double>(a.sliding_window_layers) / m.layers : 0.0;
    const double w = a.sliding_window;
    auto capped = [&](double sum, double count) { return (1 - f) * sum + f * std::min(sum, count * w); };
    const double per_pair = 4.0 * heads * a.head_dim;
    ops.add(capped(g.Dp, g.Dt) * per_pair / tp, capped(g.Dk, g.D + g.Dt) * kv_layer + g.Dt * ab * 2 * q_dim / tp,
            attention_rate_, layers);
    ops.add(capped(g.Pp, g.Pt) * per_pair / tp, capped(g.Pk, g.Ps + g.Pt) * kv_layer + g.Pt * ab * 2 * q_dim / tp,
            attention_rate_, layers);
  }
  // The attention output is all-reduced over the TP group.
  if (s_.tp > 1) ops.net(all_reduce_time(g.T * h * ab), layers);
}

void RooflineModel::add_dense_ffn(Ops& ops, const BatchShape& b, double layers, double intermediate) const {
  const auto& m = s_.model;
  const GroupShare g = share_of(b, s_.dp);
  const double tp = s_.tp;
  const double h = static_cast<double>(m.hidden_size);
  const double mats = (m.ffn && m.ffn->activation == "gelu") ? 2.0 : 3.0;
  const double F = mats * h * intermediate;
  const double wb = bytes_per_element(s_.precision.weights);
  const double ab = bytes_per_element(s_.precision.activations);
  ops.add(2.0 * g.T * F / tp, F * wb / tp + g.T * ab * (2 * h + mats * intermediate) / tp, gemm_rate_, layers);
  if (s_.tp > 1) ops.net(all_reduce_time(g.T * h * ab), layers);
}

double RooflineModel::ep_dispatch_time(double tokens) const {
  // Each device dispatches its 1/(tp*dp) share of the tokens to the devices of the k experts each
  // picks (every device of an expert's TP group needs the token), and receives the partial
  // results back (combine): two all-to-alls over the stage's devices.
  const auto& m = s_.model;
  const double ab = bytes_per_element(s_.precision.activations);
  const double h = static_cast<double>(m.hidden_size);
  const int G = s_.group_size();
  const LinkSpec link = s_.group_link();
  const double bw = link.bandwidth * s_.efficiency.network;
  const double bytes = tokens / G * m.moe->active_experts * s_.expert_tp() * h * ab;
  // A group spanning scale-up domains: the share for other domains crosses the NICs.
  double t = 0;
  if (s_.group_crosses_domains()) {
    const LinkSpec& far = s_.cross_domain_link;
    t = 2.0 * hierarchical_all_to_all_time(bytes, G, s_.group_domain, bw, link.latency,
                                           far.bandwidth * s_.efficiency.network, far.latency);
  } else {
    t = 2.0 * all_to_all_time(bytes, G, bw, link.latency);
  }
  // With TP attention, the TP ranks split the tokens before dispatch and gather them back after
  // the combine: an all-gather, half a ring all-reduce.
  if (s_.tp > 1) t += 0.5 * ring_all_reduce_time(tokens / s_.dp * h * ab, s_.tp, s_.link_bandwidth * s_.efficiency.network,
                                                 s_.link_latency);
  return t;
}

void RooflineModel::add_moe(Ops& ops, const BatchShape& b, double layers) const {
  const auto& m = s_.model;
  const auto& moe = *m.moe;
  const GroupShare g = share_of(b, s_.dp);
  const double T = static_cast<double>(b.new_tokens);
  const double h = static_cast<double>(m.hidden_size);
  const double e = expert_params(m);
  const double k = moe.active_experts;
  const double eb = bytes_per_element(s_.precision.expert_weights());
  const double ab = bytes_per_element(s_.precision.activations);
  const double tp = s_.tp, G = s_.group_size(), etp = s_.expert_tp(), ep = s_.ep;
  // Shared experts: in every attention group, tensor-parallel like the attention.
  if (moe.shared_experts > 0)
    ops.add(2.0 * g.T * moe.shared_experts * e / tp, moe.shared_experts * e * eb / tp + g.T * ab * 2 * h * moe.shared_experts / tp,
            expert_rate_, layers);
  // Routed experts: the tokens of every group, k experts each, spread evenly over the ep ranks;
  // each rank streams the weights of the experts it holds that at least one token picked.
  ops.add(2.0 * T * k * e / G, experts_touched(T) / ep * e * eb / etp + T * k / ep * ab * 2 * h / etp, expert_rate_,
          layers);
  const double ag = h * bytes_per_element(s_.precision.activations);
  if (s_.ep > 1) {
    ops.net(ep_dispatch_time(T), layers);
  } else if (s_.dp > 1) {
    // Experts tensor-parallel over the whole stage: gather every group's tokens, reduce-scatter
    // the results back, which costs one all-reduce of all tokens over the stage (a ring is as
    // slow as its slowest hop: the NIC when the stage spans scale-up domains).
    const LinkSpec link = s_.group_crosses_domains() ? s_.cross_domain_link : s_.group_link();
    const double bw = link.bandwidth * s_.efficiency.network;
    ops.net(std::min(ring_all_reduce_time(T * ag, s_.group_size(), bw, link.latency),
                     tree_all_reduce_time(T * ag, s_.group_size(), bw, link.latency)),
            layers);
  } else if (s_.tp > 1) {
    ops.net(all_reduce_time(g.T * ag), layers);
  }
}

void RooflineModel::add_head(Ops& ops, const BatchShape& b) const {
  const auto& m = s_.model;
  const double logits = static_cast<double>(b.logits) / s_.dp;
  if (logits <= 0) return;
  const double head = static_cast<double>(m.hidden_size) * static_cast<double>(m.vocab_size);
  const double wb = bytes_per_element(s_.precision.weights);
  ops.add(2.0 * logits * head / s_.tp, head * wb / s_.tp, gemm_rate_, 1.0);
}

IterationCost RooflineModel::head_cost(const BatchShape& b) const {
  IterationCost head;
  Ops ops{head, mem_rate_};
  add_head(ops, b);
  head.step_s = parts(head);
  head.seconds = head.step_s;
  head.interval_s = head.step_s;
  return head;
}

IterationCost RooflineModel::pass(const BatchShape& b) const {
  IterationCost cost;
  if (b.new_tokens <= 0) return cost;
  const auto& m = s_.model;
  const double L = m.layers;

  IterationCost layers;
  Ops lo{layers, mem_rate_};
  add_attention(lo, b, L);
  if (!m.moe) {
    add_dense_ffn(lo, b, L, static_cast<double>(m.ffn->intermediate_size));
  } else {
    add_dense_ffn(lo, b, m.moe->dense_layers, static_cast<double>(m.moe->dense_intermediate_size));
    add_moe(lo, b, L - m.moe->dense_layers);
  }
  IterationCost head;
  Ops ho{head, mem_rate_};
  add_head(ho, b);

  add_parts(cost, layers);
  add_parts(cost, head);
  // Pipeline: each stage sends its group's activations to the next (each TP rank a 1/tp slice).
  double hop = 0;
  if (s_.pp > 1) {
    const LinkSpec link = s_.stage_link();
    const double bytes = static_cast<double>(b.new_tokens) / s_.dp / s_.tp * static_cast<double>(m.hidden_size) *
                         bytes_per_element(s_.precision.activations);
    hop = p2p_time(bytes, link.bandwidth * s_.efficiency.network, link.latency);
    cost.network_s += (s_.pp - 1) * hop;
  }
  cost.overhead_s = s_.efficiency.iteration_overhead;
  cost.step_s = parts(cost);
  // With the pipeline full, a batch leaves every interval: the last stage (its layers plus the LM
  // head) and its hop are the slowest part.
  cost.interval_s = s_.pp > 1 ? parts(layers) / s_.pp + parts(head) + hop + cost.overhead_s : cost.step_s;
  cost.seconds = cost.step_s;
  cost.bound = dominant(cost);
  return cost;
}

IterationCost RooflineModel::draft_cost(const BatchShape& decodes) const {
  IterationCost cost;
  const auto& sp = s_.speculative;
  const auto& m = s_.model;
  if (sp.method == SpecMethod::Mtp) {
    // One draft token per MTP pass: the MTP layer(s) (a full transformer layer), the 2h -> h
    // projection and the shared LM head, for every decoding sequence.
    Ops ops{cost, mem_rate_};
    const double layers = m.mtp->layers;
    add_attention(ops, decodes, layers);
    if (m.moe) {
      add_moe(ops, decodes, layers);
    } else {
      add_dense_ffn(ops, decodes, layers, static_cast<double>(m.ffn->intermediate_size));
    }
    const double h = static_cast<double>(m.hidden_size);
    const double D = static_cast<double>(decodes.new_tokens) / s_.dp;
    ops.add(2.0 * D * 2 * h * h / s_.tp, 2 * h * h * bytes_per_element(s_.precision.weights) / s_.tp, gemm_rate_, layers);
    add_head(ops, decodes);
  } else if (sp.method == SpecMethod::DraftModel) {
    add_parts(cost, draft_->pass(decodes));
  }
  // Ngram (prompt lookup) drafting costs no model pass.
  IterationCost all;
  add_parts(all, cost, sp.draft_tokens);
  all.step_s = parts(all);
  return all;
}

IterationCost RooflineModel::price(const BatchShape& b) const {
  const auto& sp = s_.speculative;
  const std::int64_t D = b.decode_sequences();
  if (!sp.enabled() || D <= 0) return pass(b);

  // Verification: every decoding sequence feeds its last token plus n drafts (q = n + 1) after its
  // context, and needs logits at every position.
  const double q = sp.draft_tokens + 1.0;
  const double Dd = static_cast<double>(D);
  const double contexts = b.decode_kv_tokens_read() - static_cast<double>(b.new_tokens - b.prefill_tokens);
  BatchShape verify = b.prefill_only();
  verify.new_tokens += static_cast<std::int64_t>(D * (sp.draft_tokens + 1));
  verify.sequences += D;
  verify.logits += static_cast<std::int64_t>(D * (sp.draft_tokens + 1));
  verify.attention_pairs += q * contexts + Dd * q * (q + 1) / 2;
  verify.kv_tokens_read += contexts + Dd * q;

  BatchShape decodes;
  decodes.new_tokens = D;
  decodes.sequences = D;
  decodes.logits = D;
  decodes.attention_pairs = b.decode_attention_pairs();
  decodes.kv_tokens_read = b.decode_kv_tokens_read();

  IterationCost cost = pass(verify);
  const IterationCost draft = draft_cost(decodes);
  add_parts(cost, draft);
  cost.step_s += draft.step_s;
  cost.interval_s += draft.step_s;
  cost.tokens_per_decode = sp.tokens_per_step();
  // The engine emits one token per decoding sequence per iteration: it is given the prefill
  // chunks' own time plus the decodes' share of the step divided by the tokens a step emits.
  const double prefill_alone = b.prefill_tokens > 0 ? pass(b.prefill_only()).step_s : 0.0;
  cost.seconds = prefill_alone + (cost.step_s - prefill_alone) / cost.tokens_per_decode;
  cost.bound = dominant(cost);
  return cost;
}

}  // namespace tokenfab
