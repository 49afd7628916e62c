#include "models/catalog.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace tokenfab {

double bytes_per_element(Precision p) {
  switch (p) {
    case Precision::FP4: return 0.5;
    case Precision::FP8: return 1.0;
    case Precision::BF16:
    case Precision::FP16: return 2.0;
    case Precision::FP32: return 4.0;
  }
  return 2.0;
}

const std::vector<std::pair<std::string, Precision>>& precision_choices() {
  static const std::vector<std::pair<std::string, Precision>> c{
      {"fp4", Precision::FP4}, {"fp8", Precision::FP8}, {"bf16", Precision::BF16},
      {"fp16", Precision::FP16}, {"fp32", Precision::FP32}};
  return c;
}

std::string precision_name(Precision p) {
  for (const auto& [n, v] : precision_choices())
    if (v == p) return n;
  return "?";
}

std::string device_kind_name(DeviceKind k) {
  switch (k) {
    case DeviceKind::Gpu: return "gpu";
    case DeviceKind::Lpu: return "lpu";
    case DeviceKind::Cpu: return "cpu";
    case DeviceKind::Nic: return "nic";
    case DeviceKind::Dpu: return "dpu";
    case DeviceKind::Switch: return "switch";
    case DeviceKind::Drive: return "drive";
    case DeviceKind::ScaleUpSwitch: return "scale-up-switch";
    case DeviceKind::Fan: return "fan";
    case DeviceKind::PowerShelf: return "power-shelf";
  }
  return "?";
}

bool DeviceSpec::supports(Precision p) const {
  switch (p) {
    case Precision::FP4: return peak_flops.fp4.has_value();
    case Precision::FP8: return peak_flops.fp8.has_value();
    case Precision::BF16:
    case Precision::FP16:
    case Precision::FP32: return peak_flops.bf16.has_value();
  }
  return false;
}

double DeviceSpec::peak(Precision p) const {
  const std::optional<Sourced>* f = nullptr;
  switch (p) {
    case Precision::FP4: f = &peak_flops.fp4; break;
    case Precision::FP8: f = &peak_flops.fp8; break;
    case Precision::BF16:
    case Precision::FP16: f = &peak_flops.bf16; break;
    case Precision::FP32:
      // Tensor-core FP32 (TF32) is not modelled separately: half the BF16 rate.
      if (peak_flops.bf16) return peak_flops.bf16->value / 2;
      break;
  }
  if (!f || !*f) throw std::out_of_range("device " + name + " has no " + precision_name(p) + " peak FLOPS in its catalog entry");
  return (*f)->value;
}

namespace {

const std::vector<std::pair<std::string, std::string>> kMarks{
    {"vendor claim", "vendor claim"}, {"measured", "measured"}, {"estimate", "estimate"}};


Schema<Sourced> make_sourced_schema(std::optional<Dimension> dim) {
  Schema<Sourced> s("figure", "A figure with its provenance: {value, mark, source}.");
  Schema<Sourced> with_value =
      dim ? std::move(s).quantity("value", &Sourced::value, *dim, std::nullopt, "The figure.", Check::NonNegative)
          : std::move(s).number("value", &Sourced::value, std::nullopt, "The figure.", Check::NonNegative);
  return std::move(with_value)
      .choice("mark", &Sourced::mark, kMarks, std::nullopt, "vendor claim, measured or estimate.")
      .text("source", &Sourced::source, std::nullopt, "Document the figure comes from.")
      .validate([](const YamlNode& n, const Sourced& v) {
        if (v.source.empty()) n.child("source")->fail("is empty", "the document the figure comes from");
      });
}

// One schema per dimension (and one for plain numbers), built once.
const Schema<Sourced>& sourced(std::optional<Dimension> dim) {
  static const std::array<Schema<Sourced>, 6> schemas{
      make_sourced_schema(Dimension::Time),      make_sourced_schema(Dimension::Size),
      make_sourced_schema(Dimension::Bandwidth), make_sourced_schema(Dimension::FlopRate),
      make_sourced_schema(Dimension::Power),     make_sourced_schema(std::nullopt)};
  if (!dim) return schemas[5];
  return schemas[static_cast<std::size_t>(*dim)];
}

const Schema<PeakFlopsSpec>& peak_schema() {
  static const Schema<PeakFlopsSpec> s =
      Schema<PeakFlopsSpec>("peak_flops", "Dense tensor throughput per precision (no sparsity).")
          .optional_section("bf16", &PeakFlopsSpec::bf16, sourced(Dimension::FlopRate), "BF16 dense FLOP/s.")
          .optional_section("fp8", &PeakFlopsSpec::fp8, sourced(Dimension::FlopRate), "FP8 dense FLOP/s.")
          .optional_section("fp4", &PeakFlopsSpec::fp4, sourced(Dimension::FlopRate), "FP4 dense FLOP/s.");
  return s;
}

const Schema<MemorySpec>& memory_schema() {
  static const Schema<MemorySpec> s =
      Schema<MemorySpec>("memory", "Device memory (HBM, on-chip SRAM or LPDDR).")
          .text("kind", &MemorySpec::kind, "hbm", "hbm, sram, lpddr, ...")
          .optional_section("capacity", &MemorySpec::capacity, sourced(Dimension::Size), "Capacity.")
          .optional_section("bandwidth", &MemorySpec::bandwidth, sourced(Dimension::Bandwidth), "Peak bandwidth.");
  return s;
}

const Schema<ScaleUpSpec>& scale_up_schema() {
  static const Schema<ScaleUpSpec> s =
      Schema<ScaleUpSpec>("scale_up", "Scale-up link (NVLink, LPU chip-to-chip).")
          .optional_section("bandwidth", &ScaleUpSpec::bandwidth, sourced(Dimension::Bandwidth),
                            "Per device, both directions summed.");
  return s;
}

const Schema<PowerSpec>& power_schema() {
  static const Schema<PowerSpec> s =
      Schema<PowerSpec>("power", "Power draw.")
          .optional_section("idle", &PowerSpec::idle, sourced(Dimension::Power), "Idle power.")
          .optional_section("max", &PowerSpec::max, sourced(Dimension::Power), "Full-load power.")
          .optional_section("asic", &PowerSpec::asic, sourced(Dimension::Power), "Switch without optics.")
          .optional_section("optics_per_port", &PowerSpec::optics_per_port, sourced(Dimension::Power),
                            "Optics power per port (pluggable transceiver or CPO engine share).");
  return s;
}

void require(const YamlNode& n, bool present, const std::string& key, const std::string& kind) {
  if (!present)
    throw ConfigError(n.location(), n.path().empty() ? key : n.path() + "." + key, "missing required key",
                      "a {value, mark, source} figure, required for kind " + kind);
}

}  // namespace

const Schema<DeviceSpec>& device_schema() {
  static const Schema<DeviceSpec> s =
      Schema<DeviceSpec>("device", "A hardware catalog entry (models/catalog/hardware/NAME.yaml).")
          .text("name", &DeviceSpec::name, std::nullopt, "Catalog key; equals the file name.")
          .choice("kind", &DeviceSpec::kind,
                  std::vector<std::pair<std::string, DeviceKind>>{{"gpu", DeviceKind::Gpu},
                                                                  {"lpu", DeviceKind::Lpu},
                                                                  {"cpu", DeviceKind::Cpu},
                                                                  {"nic", DeviceKind::Nic},
                                                                  {"dpu", DeviceKind::Dpu},
                                                                  {"switch", DeviceKind::Switch},
                                                                  {"drive", DeviceKind::Drive},
                                                                  {"scale-up-switch", DeviceKind::ScaleUpSwitch},
                                                                  {"fan", DeviceKind::Fan},
                                                                  {"power-shelf", DeviceKind::PowerShelf}},
                  std::nullopt, "Device class.")
          .text("description", &DeviceSpec::description, "", "Human-readable name.")
          .section("peak_flops", &DeviceSpec::peak_flops, peak_schema(), "Dense peak FLOP/s per precision.")
          .section("memory", &DeviceSpec::memory, memory_schema(), "Device memory.")
          .section("scale_up", &DeviceSpec::scale_up, scale_up_schema(), "Scale-up bandwidth.")
          .section("power", &DeviceSpec::power, power_schema(), "Power draw.")
          .optional_section("price_usd", &DeviceSpec::price_usd, sourced(std::nullopt), "Unit price estimate, USD.")
          .optional_section("cores", &DeviceSpec::cores, sourced(std::nullopt), "CPU cores.")
          .optional_section("port_speed", &DeviceSpec::port_speed, sourced(Dimension::Bandwidth), "Per-port speed.")
          .optional_section("ports", &DeviceSpec::ports, sourced(std::nullopt), "Port count.")
          .text("optics", &DeviceSpec::optics, "", "Switch optics: pluggable or cpo.")
          .optional_section("capacity", &DeviceSpec::capacity, sourced(Dimension::Size), "Drive capacity.")
          .optional_section("read_bandwidth", &DeviceSpec::read_bandwidth, sourced(Dimension::Bandwidth),
                            "Drive sequential read bandwidth.")
          .optional_section("write_bandwidth", &DeviceSpec::write_bandwidth, sourced(Dimension::Bandwidth),
                            "Drive sequential write bandwidth.")
          .optional_section("efficiency", &DeviceSpec::efficiency, sourced(std::nullopt),
                            "Power shelf: DC output / AC input, a fraction in (0, 1].")
          .validate([](const YamlNode& n, const DeviceSpec& d) {
            const std::string k = device_kind_name(d.kind);
            if (d.kind == DeviceKind::Gpu || d.kind == DeviceKind::Lpu) {
              require(n, d.peak_flops.bf16 || d.peak_flops.fp8 || d.peak_flops.fp4, "peak_flops", k);
              require(n, d.memory.capacity.has_value(), "memory.capacity", k);
              require(n, d.memory.bandwidth.has_value(), "memory.bandwidth", k);
              require(n, d.power.max.has_value(), "power.max", k);
              require(n, d.power.idle.has_value(), "power.idle", k);
            }
            if (d.kind == DeviceKind::Switch) {
              if (d.optics != "pluggable" && d.optics != "cpo")
                throw ConfigError(n.location(), "optics", "missing or invalid", "pluggable or cpo");
              require(n, d.ports.has_value(), "ports", k);
              require(n, d.port_speed.has_value(), "port_speed", k);
            }
            if (d.kind == DeviceKind::Nic || d.kind == DeviceKind::Dpu) require(n, d.port_speed.has_value(), "port_speed", k);
            if (d.kind == DeviceKind::Drive) require(n, d.capacity.has_value(), "capacity", k);
            if (d.kind == DeviceKind::ScaleUpSwitch || d.kind == DeviceKind::Fan)
              require(n, d.power.max.has_value(), "power.max", k);
            if (d.kind == DeviceKind::PowerShelf) {
              require(n, d.efficiency.has_value(), "efficiency", k);
              if (d.efficiency->value <= 0 || d.efficiency->value > 1)
                n.child("efficiency")->child("value")->fail("is not a fraction in (0, 1]", "e.g. 0.97");
            }
          });
  return s;
}

namespace {

// Upper bound of the integer shape figures (heads, head sizes, ranks, experts, layers): far above
// any published model, and low enough that sums of two (kv_lora_rank + qk_rope_head_dim) never
// overflow an int (fuzz_catalog: 2147483647 + 2147483647 was undefined behaviour).
constexpr int kMaxDim = 1 << 20;

const Schema<AttentionSpec>& attention_schema() {
  static const Schema<AttentionSpec> s =
      Schema<AttentionSpec>("attention", "Attention shape (GQA or MLA).")
          .choice("kind", &AttentionSpec::kind,
                  std::vector<std::pair<std::string, AttentionKind>>{{"gqa", AttentionKind::Gqa}, {"mla", AttentionKind::Mla}},
                  std::nullopt, "gqa (incl. MHA/MQA) or mla (DeepSeek latent attention).")
          .integer<int>("heads", &AttentionSpec::heads, std::nullopt, "Query heads.", Check::Positive, kMaxDim)
          .integer<int>("kv_heads", &AttentionSpec::kv_heads, 0, "KV heads (GQA).", Check::NonNegative, kMaxDim)
          .integer<int>("head_dim", &AttentionSpec::head_dim, 0, "Head dimension (GQA).", Check::NonNegative, kMaxDim)
          .integer<int>("q_lora_rank", &AttentionSpec::q_lora_rank, 0, "MLA query low-rank size.",
                        Check::NonNegative, kMaxDim)
          .integer<int>("kv_lora_rank", &AttentionSpec::kv_lora_rank, 0, "MLA KV latent size.",
                        Check::NonNegative, kMaxDim)
          .integer<int>("qk_nope_head_dim", &AttentionSpec::qk_nope_head_dim, 0, "MLA non-rotary head dim.",
                        Check::NonNegative, kMaxDim)
          .integer<int>("qk_rope_head_dim", &AttentionSpec::qk_rope_head_dim, 0, "MLA rotary head dim.",
                        Check::NonNegative, kMaxDim)
          .integer<int>("v_head_dim", &AttentionSpec::v_head_dim, 0, "MLA value head dim.", Check::NonNegative, kMaxDim)
          .integer<int>("sliding_window", &AttentionSpec::sliding_window, 0, "Sliding window, tokens (0 = none).",
                        Check::NonNegative, kMaxDim)
          .integer<int>("sliding_window_layers", &AttentionSpec::sliding_window_layers, 0,
                        "Layers that use the sliding window.", Check::NonNegative, kMaxDim)
          .validate([](const YamlNode& n, const AttentionSpec& a) {
            if (a.kind == AttentionKind::Gqa && (a.kv_heads <= 0 || a.head_dim <= 0))
              n.fail("GQA attention needs kv_heads and head_dim", "kv_heads > 0 and head_dim > 0");
            if (a.kind == AttentionKind::Gqa && a.heads % a.kv_heads != 0)
              n.fail("heads is not a multiple of kv_heads", "heads divisible by kv_heads");
            if (a.kind == AttentionKind::Mla && (a.kv_lora_rank <= 0 || a.qk_rope_head_dim <= 0 || a.v_head_dim <= 0))
              n.fail("MLA attention needs kv_lora_rank, qk_rope_head_dim and v_head_dim", "each > 0");
          });
  return s;
}

const Schema<FfnSpec>& ffn_schema() {
  static const Schema<FfnSpec> s = Schema<FfnSpec>("ffn", "Dense feed-forward block.")
                                       .integer<std::int64_t>("intermediate_size", &FfnSpec::intermediate_size,
                                                              std::nullopt, "FFN intermediate size.")
                                       .text("activation", &FfnSpec::activation, "swiglu", "swiglu (3 matrices) or gelu (2).");
  return s;
}

const Schema<MoeSpec>& moe_schema() {
  static const Schema<MoeSpec> s =
      Schema<MoeSpec>("moe", "Mixture-of-experts feed-forward block.")
          .integer<int>("routed_experts", &MoeSpec::routed_experts, std::nullopt, "Routed experts per layer.",
                        Check::Positive, kMaxDim)
          .integer<int>("shared_experts", &MoeSpec::shared_experts, 0, "Always-active shared experts.",
                        Check::NonNegative, kMaxDim)
          .integer<int>("active_experts", &MoeSpec::active_experts, std::nullopt, "Routed experts per token (top-k).",
                        Check::Positive, kMaxDim)
          .integer<std::int64_t>("expert_intermediate_size", &MoeSpec::expert_intermediate_size, std::nullopt,
                                 "Intermediate size of one expert.")
          .integer<int>("dense_layers", &MoeSpec::dense_layers, 0, "Leading dense (non-MoE) layers.",
                        Check::NonNegative, kMaxDim)
          .integer<std::int64_t>("dense_intermediate_size", &MoeSpec::dense_intermediate_size, 0,
                                 "Intermediate size of the dense layers.", Check::NonNegative)
          .validate([](const YamlNode& n, const MoeSpec& m) {
            if (m.active_experts > m.routed_experts) n.fail("active_experts exceeds routed_experts", "top-k <= experts");
          });
  return s;
}

const Schema<MtpSpec>& mtp_schema() {
  static const Schema<MtpSpec> s = Schema<MtpSpec>("mtp", "Multi-token prediction heads.")
                                       .integer<int>("layers", &MtpSpec::layers, 1, "MTP layers.",
                                                     Check::Positive, kMaxDim);
  return s;
}

}  // namespace

const Schema<LlmSpec>& llm_schema() {
  static const Schema<LlmSpec> s =
      Schema<LlmSpec>("llm", "An LLM catalog entry (models/catalog/llm/NAME.yaml).")
          .text("name", &LlmSpec::name, std::nullopt, "Catalog key; equals the file name.")
          .text("description", &LlmSpec::description, "", "Human-readable name.")
          .text("source", &LlmSpec::source, std::nullopt, "Where the architecture numbers come from.")
          .text("architecture", &LlmSpec::architecture, std::nullopt, "dense or moe.")
          .integer<int>("layers", &LlmSpec::layers, std::nullopt, "Transformer layers.", Check::Positive, kMaxDim)
          .integer<std::int64_t>("hidden_size", &LlmSpec::hidden_size, std::nullopt, "Model width.")
          .section("attention", &LlmSpec::attention, attention_schema(), "Attention shape.")
          .optional_section("ffn", &LlmSpec::ffn, ffn_schema(), "Dense FFN (dense models).")
          .optional_section("moe", &LlmSpec::moe, moe_schema(), "MoE FFN (moe models).")
          .integer<std::int64_t>("vocab_size", &LlmSpec::vocab_size, std::nullopt, "Vocabulary size.")
          .boolean("tied_embeddings", &LlmSpec::tied_embeddings, false, "LM head shares the embedding matrix.")
          .integer<std::int64_t>("max_context", &LlmSpec::max_context, std::nullopt, "Longest context, tokens.")
          .section("params_total", &LlmSpec::params_total, sourced(std::nullopt), "Published total parameters.")
          .optional_section("params_active", &LlmSpec::params_active, sourced(std::nullopt),
                            "Published active parameters per token (MoE).")
          .optional_section("mtp", &LlmSpec::mtp, mtp_schema(), "Multi-token prediction.")
          .validate([](const YamlNode& n, const LlmSpec& m) {
            if (m.architecture != "dense" && m.architecture != "moe")
              n.child("architecture")->fail(fmt::format("'{}' is not an architecture", m.architecture), "dense or moe");
            if (m.architecture == "dense" && !m.ffn) n.fail("a dense model needs an ffn section", "ffn: {intermediate_size: N}");
            if (m.architecture == "moe" && !m.moe) n.fail("a moe model needs a moe section", "moe: {...}");
          });
  return s;
}

double LlmSpec::attention_params_per_layer() const {
  const double h = static_cast<double>(hidden_size);
  const auto& a = attention;
  if (a.kind == AttentionKind::Gqa) {
    const double q = static_cast<double>(a.heads) * a.head_dim;
    const double kv = static_cast<double>(a.kv_heads) * a.head_dim;
    return h * q + 2 * h * kv + q * h;
  }
  // MLA: q down/up projections (or a direct q projection without q_lora), kv down projection to
  // the latent plus the rope key, kv up projection to per-head K(nope) and V, output projection.
  const double qk_head = a.qk_nope_head_dim + a.qk_rope_head_dim;
  const double q_proj = a.q_lora_rank > 0 ? h * a.q_lora_rank + static_cast<double>(a.q_lora_rank) * a.heads * qk_head
                                          : h * a.heads * qk_head;
  const double kv_down = h * (a.kv_lora_rank + a.qk_rope_head_dim);
  const double kv_up = static_cast<double>(a.kv_lora_rank) * a.heads * (a.qk_nope_head_dim + a.v_head_dim);
  const double o = static_cast<double>(a.heads) * a.v_head_dim * h;
  return q_proj + kv_down + kv_up + o;
}

double LlmSpec::dense_ffn_params_per_layer() const {
  if (!ffn) return 0;
  const double mats = ffn->activation == "gelu" ? 2.0 : 3.0;
  return mats * static_cast<double>(hidden_size) * static_cast<double>(ffn->intermediate_size);
}

double LlmSpec::total_params() const {
  const double h = static_cast<double>(hidden_size);
  const double embed = static_cast<double>(vocab_size) * h * (tied_embeddings ? 1.0 : 2.0);
  double per_layers = 0;
  if (!moe) {
    per_layers = layers * (attention_params_per_layer() + dense_ffn_params_per_layer());
  } else {
    const double expert = 3.0 * h * static_cast<double>(moe->expert_intermediate_size);
    const double moe_layer = attention_params_per_layer() + (moe->routed_experts + moe->shared_experts) * expert +
                             h * moe->routed_experts;  // router
    const double dense_layer = attention_params_per_layer() + 3.0 * h * static_cast<double>(moe->dense_intermediate_size);
    per_layers = moe->dense_layers * dense_layer + (layers - moe->dense_layers) * moe_layer;
  }
  return embed + per_layers;
}

double LlmSpec::kv_elements_per_token_per_layer() const {
  if (attention.kind == AttentionKind::Mla) return attention.kv_lora_rank + attention.qk_rope_head_dim;
  return 2.0 * attention.kv_heads * attention.head_dim;
}

Catalog::Catalog(std::string root) : root_(std::move(root)) {}

std::string Catalog::default_root() {
  if (const char* env = std::getenv("TOKENFAB_CATALOG"); env && *env) return env;
#ifdef TOKENFAB_CATALOG_DIR
  return TOKENFAB_CATALOG_DIR;
#else
  return "models/catalog";
#endif
}

namespace {

bool looks_like_path(const std::string& s) {
  return s.find('/') != std::string::npos || (s.size() > 5 && s.substr(s.size() - 5) == ".yaml");
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

template <class T>
T load_entry(const std::string& root, const std::string& sub, const std::string& what, const std::string& name_or_path,
             const Schema<T>& schema) {
  std::string path = name_or_path;
  if (!looks_like_path(name_or_path)) {
    path = root + "/" + sub + "/" + name_or_path + ".yaml";
    // error_code form: a name too long for the file system is "not found", not an exception
    // (fuzz_platform_spec finding: a 600-character NIC model name).
    std::error_code not_a_file;
    if (!std::filesystem::exists(path, not_a_file)) {
      const auto names = names_in(root + "/" + sub);
      const auto near = closest_match(name_or_path, names);
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw ConfigError({path, 0, 0}, "",
                        fmt::format("no {} named '{}' in the catalog{}", what, name_or_path,
                                    near ? fmt::format(", did you mean '{}'?", *near) : ""),
                        "one of: " + list);
    }
  }
  const YamlNode doc = YamlNode::load_file(path);
  T value = schema.read(doc);
  return value;
}

}  // namespace

DeviceSpec Catalog::device(const std::string& n) const {
  return load_entry(root_, "hardware", "device", n, device_schema());
}
LlmSpec Catalog::llm(const std::string& n) const { return load_entry(root_, "llm", "model", n, llm_schema()); }
std::vector<std::string> Catalog::device_names() const { return names_in(root_ + "/hardware"); }
std::vector<std::string> Catalog::llm_names() const { return names_in(root_ + "/llm"); }

}  // namespace tokenfab
