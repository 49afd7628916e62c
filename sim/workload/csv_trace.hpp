// A plain CSV trace, read one line at a time. Header (any column order):
//   arrival_time,input_tokens,output_tokens
// arrival_time in seconds, non-decreasing; token counts positive integers. Other columns are
// ignored. A bad row is a ConfigError naming file:line:column and the field.
#pragma once

#include <fstream>
#include <string>

#include "sim/workload/request_source.hpp"

namespace tokenfab {

class CsvTraceSource : public RequestSource {
 public:
  CsvTraceSource(const std::string& path, double time_scale);
  std::optional<Request> next() override;

 private:
  std::string path_;
  std::ifstream in_;
  double time_scale_;
  int line_no_ = 1;
  int col_arrival_ = -1, col_input_ = -1, col_output_ = -1;
  std::size_t columns_ = 0;
  double last_arrival_ = 0;
  std::uint64_t next_id_ = 0;
};

}  // namespace tokenfab
