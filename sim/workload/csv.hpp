// Splitting one CSV line into fields (RFC 4180 quoting within a line: "a, b" and "say ""hi""").
// Records spanning several lines are not supported: no trace format needs them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tokenfab {

struct CsvField {
  std::string text;  // unquoted; surrounding spaces of unquoted fields trimmed
  int column = 1;    // 1-based character column where the field starts
};

// Splits `line` (without its newline; a trailing '\r' is ignored) into `out`, reusing its
// storage. Returns false when a quoted field is not closed on the line.
bool split_csv_line(std::string_view line, std::vector<CsvField>& out);

// Quotes a field for writing when it holds a comma, a quote or surrounding spaces.
std::string csv_quote(std::string_view text);

}  // namespace tokenfab
