#include "models/efficiency.hpp"

namespace tokenfab {

const Schema<Efficiency>& efficiency_schema() {
  static const Schema<Efficiency> s =
      Schema<Efficiency>("efficiency", "Achievable fractions of peak and fixed overhead for one device.")
          .number("flops", &Efficiency::flops, 0.55, "Fraction of dense peak FLOP/s reached by GEMMs.", Check::Fraction)
          .number("memory", &Efficiency::memory, 0.92, "Fraction of peak memory bandwidth reached.", Check::Fraction)
          .number("network", &Efficiency::network, 0.80, "Fraction of link bandwidth reached by collectives.",
                  Check::Fraction)
          .quantity("iteration_overhead", &Efficiency::iteration_overhead, Dimension::Time, "1ms",
                    "Fixed time per engine iteration (scheduling, launches, sampling).", Check::NonNegative);
  return s;
}

Efficiency efficiency_for(const Catalog& catalog, const std::string& device) {
  const YamlNode doc = YamlNode::load_file(catalog.root() + "/efficiency.yaml");
  refuse_unknown_keys(doc, {"default", "devices"});
  const Efficiency base = efficiency_schema().read(doc.child("default") ? *doc.child("default") : doc.absent_child("default"));
  const auto devices = doc.child("devices");
  if (!devices || devices->is_null()) return base;
  if (!devices->is_map()) devices->fail("got " + devices->kind_noun(), "a map of device name -> factors");
  // A row for a device the catalog does not have is a typo, not a silently unused row.
  refuse_unknown_keys(*devices, catalog.device_names());
  const auto row = devices->child(device);
  if (!row) return base;
  // A row states the factors calibrated for its device; the others come from the default row.
  Efficiency e = efficiency_schema().read(*row);
  if (!row->child("flops")) e.flops = base.flops;
  if (!row->child("memory")) e.memory = base.memory;
  if (!row->child("network")) e.network = base.network;
  if (!row->child("iteration_overhead")) e.iteration_overhead = base.iteration_overhead;
  return e;
}

}  // namespace tokenfab
