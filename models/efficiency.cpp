#include "models/efficiency.hpp"

#include <map>

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

namespace {

struct EfficiencyTable {
  Efficiency fallback;
  std::map<std::string, Efficiency> devices;
};

}  // namespace

Efficiency efficiency_for(const Catalog& catalog, const std::string& device) {
  const YamlNode doc = YamlNode::load_file(catalog.root() + "/efficiency.yaml");
  refuse_unknown_keys(doc, {"default", "devices"});
  Efficiency result = efficiency_schema().read(doc.child("default") ? *doc.child("default") : doc.absent_child("default"));
  if (const auto devices = doc.child("devices"); devices && devices->is_map()) {
    if (const auto row = devices->child(device)) result = efficiency_schema().read(*row);
  }
  return result;
}

}  // namespace tokenfab
