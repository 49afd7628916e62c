#include "sim/batch/results.hpp"
#include "sim/batch/text_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace tokenfab::batch {
namespace {

// The line a failed run printed about why: its "error:" line, else its last line.
std::string error_line(const std::string& stderr_text) {
  std::istringstream in(stderr_text);
  std::string line, last, err;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    // A progress line is overwritten with '\r'; keep what follows the last one.
    const auto cr = line.rfind('\r');
    if (cr != std::string::npos) line = line.substr(cr + 1);
    if (line.empty()) continue;
    last = line;
    if (line.rfind("error: ", 0) == 0 || line.rfind("internal error: ", 0) == 0) err = line;
  }
  std::string out = err.empty() ? last : err;
  constexpr std::size_t kMax = 500;
  if (out.size() > kMax) out = out.substr(0, kMax) + "...";
  return out;
}

}  // namespace

std::string point_dir(const std::string& out_dir, const PointPlan& p) { return out_dir + "/points/" + p.id; }

PointResult collect_result(const PointPlan& p, const std::string& dir, const ChildExit& how) {
  PointResult r;
  r.index = p.index;
  r.id = p.id;
  r.key = p.key;
  if (how.signal != 0) {
    r.exit_code = 128 + how.signal;
    r.error = fmt::format("killed by signal {}", how.signal);
    const std::string line = error_line(read_text(dir + "/stderr.log"));
    if (!line.empty()) r.error += ": " + line;
    return r;
  }
  r.exit_code = how.exit_code;
  if (how.exit_code != 0) {
    r.error = error_line(read_text(dir + "/stderr.log"));
    if (r.error.empty()) r.error = fmt::format("tokenfab run exited with code {}", how.exit_code);
    return r;
  }
  try {
    Json s = Json::parse(read_text(dir + "/summary.json"));
    s.erase("scenario");
    r.summary = std::move(s);
    r.status = PointStatus::Ok;
  } catch (const nlohmann::json::exception& e) {
    r.error = fmt::format("summary.json is missing or unreadable: {}", e.what());
  }
  return r;
}

Json result_to_json(const PointResult& r) {
  Json j;
  j["index"] = r.index;
  j["id"] = r.id;
  j["key"] = r.key;
  j["status"] = r.status == PointStatus::Ok ? "ok" : "failed";
  j["exit_code"] = r.exit_code;
  j["error"] = r.error;
  j["summary"] = r.summary;
  return j;
}

void store_result(const std::string& dir, const PointResult& r) {
  const std::string tmp = dir + "/result.json.tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << result_to_json(r).dump(2) << "\n";
  }
  std::filesystem::rename(tmp, dir + "/result.json");
}

std::optional<PointResult> load_result(const std::string& dir) {
  const std::string path = dir + "/result.json";
  if (!std::filesystem::exists(path)) return std::nullopt;
  try {
    const Json j = Json::parse(read_text(path));
    PointResult r;
    r.index = j.at("index").get<std::size_t>();
    r.id = j.at("id").get<std::string>();
    r.key = j.at("key").get<std::string>();
    r.status = j.at("status").get<std::string>() == "ok" ? PointStatus::Ok : PointStatus::Failed;
    r.exit_code = j.at("exit_code").get<int>();
    r.error = j.at("error").get<std::string>();
    r.summary = j.at("summary");
    return r;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a damaged record is as good as none: the point runs again
  }
}

}  // namespace tokenfab::batch
