// One inference request as the factory receives it.
#pragma once

#include <cstdint>

namespace tokenfab {

struct Request {
  std::uint64_t id = 0;            // arrival order, from 0
  double arrival = 0;              // simulated seconds
  std::int64_t input_tokens = 0;   // prompt length
  std::int64_t output_tokens = 0;  // tokens to generate (>= 1)
};

}  // namespace tokenfab
