// Seeded synthetic traffic: an arrival process, two length distributions and a tier mix, each
// drawn from its own random stream so that changing one leaves the others' values unchanged.
#pragma once

#include <memory>

#include "sim/workload/empirical.hpp"
#include "sim/workload/random.hpp"
#include "sim/workload/request_source.hpp"
#include "sim/workload/tier_assigner.hpp"

namespace tokenfab {

// Draws lengths from one distribution; `max_context` replaces a max of 0 and caps empirical values.
class LengthSampler {
 public:
  LengthSampler(LengthDistribution d, std::int64_t max_context);
  std::int64_t sample(Rng& rng) const;
  // The distribution's mean before rounding and clipping (empirical: the table's mean).
  double nominal_mean() const;

 private:
  LengthDistribution dist_;
  std::int64_t max_context_;
  std::shared_ptr<const EmpiricalTable> table_;  // empirical only
};

// Arrival times of one process, in order.
class ArrivalGenerator {
 public:
  ArrivalGenerator(ArrivalProcess process, Rng rng);
  double next();

 private:
  double onoff_next(const OnOffArrivals& p, bool first);
  double diurnal_next(const DiurnalArrivals& p);

  ArrivalProcess process_;
  Rng rng_;
  double clock_ = 0;
  bool first_ = true;
  bool on_ = true;          // on/off: current state
  double state_end_ = 0;    // on/off: end of the current period
};

class SyntheticSource : public RequestSource {
 public:
  SyntheticSource(SyntheticWorkload config, std::uint64_t seed, std::int64_t max_context,
                  const std::vector<TierSpec>& tiers = {}, const std::vector<TierShare>& mix = {});
  std::optional<Request> next() override;

 private:
  ArrivalGenerator arrivals_;
  LengthSampler input_, output_;
  Rng inputs_;  // separate streams: changing a length distribution leaves arrival times alone
  Rng outputs_;
  TierAssigner tiers_;
  std::uint64_t next_id_ = 0;
};

}  // namespace tokenfab
