#include "sim/batch/merge.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace tokenfab::batch {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> manifests_in(const std::string& dir) {
  std::vector<std::string> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name == "plan.json" || (name.rfind("plan.shard-", 0) == 0 && name.size() > 5 && name.substr(name.size() - 5) == ".json"))
      out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());  // directory order is not stable
  return out;
}

Json read_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  try {
    return Json::parse(s.str());
  } catch (const nlohmann::json::exception& e) {
    throw SpecError(fmt::format("{}: not valid JSON ({})", path, e.what()), "a plan manifest written by tokenfab");
  }
}

}  // namespace

MergeInput gather_shards(const std::vector<std::string>& dirs) {
  if (dirs.empty()) throw SpecError("nothing to merge", "one or more sweep output folders");
  MergeInput in;
  std::string plan_file;
  for (const auto& dir : dirs) {
    const auto files = manifests_in(dir);
    if (files.empty())
      throw SpecError(fmt::format("{}: no plan.json or plan.shard-K-of-N.json here", dir),
                      "folders written by tokenfab sweep (with or without --shard)");
    for (const auto& f : files) {
      BatchPlan p = plan_from_json(read_json(f), f);
      if (plan_file.empty()) {
        in.plan = std::move(p);
        plan_file = f;
      } else if (p.hash() != in.plan.hash()) {
        throw SpecError(fmt::format("{} belongs to a different sweep than {} (plans differ)", f, plan_file),
                        "shards of one sweep, run from the same sweep file and base scenario");
      }
    }
  }
  for (const auto& p : in.plan.points) {
    bool found = false;
    for (const auto& dir : dirs) {
      const auto r = load_result(point_dir(dir, p));
      if (r && r->key == p.key && r->index == p.index) {
        in.results.push_back(*r);
        in.source.push_back(dir);
        found = true;
        break;
      }
    }
    if (!found) in.missing.push_back(p.index);
  }
  return in;
}

void copy_points(const MergeInput& input, const std::string& out_dir) {
  for (std::size_t i = 0; i < input.results.size(); ++i) {
    const PointPlan& p = input.plan.points[input.results[i].index];
    const fs::path from = point_dir(input.source[i], p);
    const fs::path to = point_dir(out_dir, p);
    std::error_code ec;
    if (fs::exists(to) && fs::equivalent(from, to, ec)) continue;
    fs::remove_all(to);
    fs::create_directories(to.parent_path());
    fs::copy(from, to, fs::copy_options::recursive);
  }
}

}  // namespace tokenfab::batch
