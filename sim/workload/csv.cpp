#include "sim/workload/csv.hpp"

namespace tokenfab {

bool split_csv_line(std::string_view line, std::vector<CsvField>& out) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t n = 0;  // fields filled; `out` keeps its strings between calls to save allocations
  std::size_t pos = 0;
  while (true) {
    if (out.size() <= n) out.emplace_back();
    CsvField& f = out[n++];
    f.text.clear();
    std::size_t lead = pos;
    while (lead < line.size() && line[lead] == ' ') ++lead;
    if (lead < line.size() && line[lead] == '"') {
      f.column = static_cast<int>(lead + 1);
      std::size_t i = lead + 1;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            f.text += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        f.text += line[i++];
      }
      if (!closed) {
        out.resize(n);
        return false;
      }
      while (i < line.size() && line[i] == ' ') ++i;
      // Text between the closing quote and the next comma is kept, as most readers do.
      const std::size_t comma = line.find(',', i);
      f.text.append(line.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i));
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
      continue;
    }
    const std::size_t comma = line.find(',', pos);
    std::string_view raw = line.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    std::size_t b = 0, e = raw.size();
    while (b < e && raw[b] == ' ') ++b;
    while (e > b && raw[e - 1] == ' ') --e;
    f.text.assign(raw.substr(b, e - b));
    f.column = static_cast<int>(pos + b + 1);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  out.resize(n);
  return true;
}

std::string csv_quote(std::string_view text) {
  const bool needs = text.find_first_of(",\"\n\r") != std::string_view::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!needs) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace tokenfab
