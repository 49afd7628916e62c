// Seeded synthetic traffic: an arrival process and two length distributions.
#pragma once

#include "sim/workload/random.hpp"
#include "sim/workload/request_source.hpp"

namespace tokenfab {

// Draws one length; `max_context` replaces a max of 0.
std::int64_t sample_length(const LengthDistribution& d, Rng& rng, std::int64_t max_context);

class SyntheticSource : public RequestSource {
 public:
  SyntheticSource(SyntheticWorkload config, std::uint64_t seed, std::int64_t max_context);
  std::optional<Request> next() override;

 private:
  SyntheticWorkload config_;
  std::int64_t max_context_;
  Rng arrivals_;  // separate streams: changing a length distribution leaves arrival times alone
  Rng inputs_;
  Rng outputs_;
  double clock_ = 0;
  std::uint64_t next_id_ = 0;
};

}  // namespace tokenfab
