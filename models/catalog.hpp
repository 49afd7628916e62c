// Hardware and LLM catalog entries (models/catalog/{hardware,llm}/*.yaml): one file per item,
// every figure with its source and a mark (vendor claim / measured / estimate).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/core/schema.hpp"

namespace tokenfab {

// A figure from outside the project, with where it came from.
struct Sourced {
  double value = 0;    // SI units (or a plain number)
  std::string mark;    // "vendor claim" | "measured" | "estimate"
  std::string source;  // document the figure comes from
};

enum class Precision { FP4, FP8, BF16, FP16, FP32 };
// Bytes per element: FP4 0.5, FP8 1, BF16/FP16 2, FP32 4.
double bytes_per_element(Precision p);
std::string precision_name(Precision p);
const std::vector<std::pair<std::string, Precision>>& precision_choices();

// ScaleUpSwitch: an NVLink switch tray (NVL72 racks) or an NVSwitch chip on an 8-GPU baseboard;
// Fan: a rack's or server's fan set; PowerShelf: the rack's AC -> 48/54 V conversion (efficiency).
enum class DeviceKind { Gpu, Lpu, Cpu, Nic, Dpu, Switch, Drive, ScaleUpSwitch, Fan, PowerShelf };
std::string device_kind_name(DeviceKind k);

struct PeakFlopsSpec {  // dense tensor throughput per precision (GPU, LPU)
  std::optional<Sourced> bf16, fp8, fp4;
};
struct MemorySpec {
  std::string kind = "hbm";  // hbm | sram | lpddr | ...
  std::optional<Sourced> capacity, bandwidth;
};
struct ScaleUpSpec {  // NVLink or chip-to-chip, per device, both directions summed
  std::optional<Sourced> bandwidth;
};
struct PowerSpec {
  std::optional<Sourced> idle, max;                // devices
  std::optional<Sourced> asic, optics_per_port;    // switches
};

struct DeviceSpec {
  std::string name;  // catalog key, equals the file name
  DeviceKind kind = DeviceKind::Gpu;
  std::string description;
  PeakFlopsSpec peak_flops;
  MemorySpec memory;
  ScaleUpSpec scale_up;
  PowerSpec power;
  std::optional<Sourced> price_usd;
  std::optional<Sourced> cores;                                      // CPUs
  std::optional<Sourced> port_speed, ports;                          // NICs, DPUs, switches
  std::string optics;                                                // switches: pluggable | cpo
  std::optional<Sourced> capacity, read_bandwidth, write_bandwidth;  // drives
  std::optional<Sourced> efficiency;                                 // power shelves: output / input, (0, 1]

  // Peak dense FLOP/s for math at `p`; FP16 uses the BF16 figure. Throws std::out_of_range
  // naming the device when the precision is not supported.
  double peak(Precision p) const;
  bool supports(Precision p) const;
};

enum class AttentionKind { Gqa, Mla };

struct AttentionSpec {
  AttentionKind kind = AttentionKind::Gqa;
  int heads = 0;
  int kv_heads = 0;   // GQA
  int head_dim = 0;   // GQA
  int q_lora_rank = 0, kv_lora_rank = 0, qk_nope_head_dim = 0, qk_rope_head_dim = 0, v_head_dim = 0;  // MLA
  int sliding_window = 0;         // tokens; 0 = none
  int sliding_window_layers = 0;  // how many layers use it
};

struct FfnSpec {
  std::int64_t intermediate_size = 0;
  std::string activation = "swiglu";
};

struct MoeSpec {
  int routed_experts = 0;
  int shared_experts = 0;
  int active_experts = 0;
  std::int64_t expert_intermediate_size = 0;
  int dense_layers = 0;
  std::int64_t dense_intermediate_size = 0;
};

struct MtpSpec {
  int layers = 0;
};

struct LlmSpec {
  std::string name;
  std::string description;
  std::string source;
  std::string architecture = "dense";  // dense | moe
  int layers = 0;
  std::int64_t hidden_size = 0;
  AttentionSpec attention;
  std::optional<FfnSpec> ffn;
  std::optional<MoeSpec> moe;
  std::int64_t vocab_size = 0;
  bool tied_embeddings = false;
  std::int64_t max_context = 0;
  Sourced params_total;
  std::optional<Sourced> params_active;
  std::optional<MtpSpec> mtp;

  // Parameter counts derived from the architecture (not from params_total).
  double attention_params_per_layer() const;
  double dense_ffn_params_per_layer() const;  // 0 for MoE layers
  double total_params() const;                // including embeddings and LM head
  // KV-cache elements stored per token per layer (K and V for GQA; latent + rope key for MLA).
  double kv_elements_per_token_per_layer() const;
};

const Schema<DeviceSpec>& device_schema();
const Schema<LlmSpec>& llm_schema();

// Finds catalog entries by name under a catalog root (default: the one shipped with tokenfab,
// overridden by the TOKENFAB_CATALOG environment variable). A name with '/' or ending in .yaml is
// read as a path.
class Catalog {
 public:
  explicit Catalog(std::string root = default_root());
  static std::string default_root();

  DeviceSpec device(const std::string& name_or_path) const;
  LlmSpec llm(const std::string& name_or_path) const;
  std::vector<std::string> device_names() const;
  std::vector<std::string> llm_names() const;
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

}  // namespace tokenfab
