#include "models/perf/memory_plan.hpp"

#include <cmath>

#include <fmt/format.h>

#include "models/core/units.hpp"
#include "models/perf/roofline.hpp"

namespace tokenfab {

MemoryPlan plan_memory(const ReplicaSetup& s, double reserve, int block_tokens) {
  const RooflineModel roof(s);
  MemoryPlan p;
  p.devices = s.devices();
  p.capacity = s.device.memory.capacity ? s.device.memory.capacity->value : 0.0;
  p.usable = p.capacity * (1.0 - reserve);
  p.weight_bytes = roof.weight_bytes_per_device();
  p.kv_bytes_per_token = roof.kv_bytes_per_token_per_device();
  p.min_kv_bytes = p.kv_bytes_per_token * block_tokens;
  const double needed = p.weight_bytes + p.min_kv_bytes;
  // Weights shrink about in proportion to the devices that share them (the vocabulary shards and
  // replicated attention of attention-DP shrink less): a lower bound on the devices needed.
  p.min_devices = static_cast<int>(std::ceil(p.devices * p.weight_bytes / std::max(p.usable - p.min_kv_bytes, 1.0)));
  p.fits = needed <= p.usable;
  if (!p.fits) {
    const bool lpu = s.device.kind == DeviceKind::Lpu;
    const std::string unit = lpu ? "chip" : "device";
    p.refusal = fmt::format(
        "{} does not fit on {} x {} (tp {}, pp {}, ep {}, dp {}): each {} needs {} ({} of weights plus one "
        "{}-token KV block of {}) but has {} usable ({} {} less the {:.0f}% reserve){}",
        s.model.name, p.devices, s.device.name, s.tp, s.pp, s.ep, s.dp, unit, format_quantity(needed, Dimension::Size),
        format_quantity(p.weight_bytes, Dimension::Size), block_tokens, format_quantity(p.min_kv_bytes, Dimension::Size),
        format_quantity(p.usable, Dimension::Size), format_quantity(p.capacity, Dimension::Size),
        lpu ? "SRAM" : "memory", reserve * 100,
        p.min_devices > p.devices ? fmt::format("; about {} {}s are needed", p.min_devices, unit) : "");
    return p;
  }
  // KV capacity: what is left after the weights, on every device of every attention-DP group
  // (each group keeps the KV of its own sequences).
  const auto per_group_tokens = static_cast<std::int64_t>((p.usable - p.weight_bytes) / p.kv_bytes_per_token);
  p.kv_blocks = (per_group_tokens / block_tokens) * s.dp;
  p.kv_tokens = p.kv_blocks * block_tokens;
  return p;
}

}  // namespace tokenfab
