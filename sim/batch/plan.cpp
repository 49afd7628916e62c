#include "sim/batch/plan.hpp"

#include <charconv>

#include <fmt/format.h>

namespace tokenfab::batch {
namespace {

constexpr int kManifestVersion = 1;

Goal goal_from(const std::string& s) { return s == "max" ? Goal::Max : s == "min" ? Goal::Min : Goal::None; }

std::size_t parse_count(const std::string& s) {
  std::size_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return 0;
  return v;
}

}  // namespace

std::string BatchPlan::hash() const {
  std::string all = kind + "\n";
  for (const auto& p : points) all += p.key + "\n";
  return fnv1a_hex(all);
}

std::string Shard::tag() const { return fmt::format("shard-{}-of-{}", index, count); }

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  const std::string expected = "K/N with 1 <= K <= N, e.g. --shard 2/8";
  if (slash == std::string::npos) throw SpecError(fmt::format("--shard '{}' has no '/'", text), expected);
  Shard s{parse_count(text.substr(0, slash)), parse_count(text.substr(slash + 1))};
  if (s.count == 0 || s.index == 0 || s.index > s.count)
    throw SpecError(fmt::format("--shard '{}' is not a valid slice", text), expected);
  return s;
}

std::string fnv1a_hex(const std::string& bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

std::string point_id(std::size_t index, std::size_t count) {
  const std::size_t width = std::max<std::size_t>(4, fmt::format("{}", count > 0 ? count - 1 : 0).size());
  return fmt::format("p{:0{}}", index, width);
}

Json plan_to_json(const BatchPlan& plan, const std::optional<Shard>& shard) {
  Json j;
  j["manifest_version"] = kManifestVersion;
  j["kind"] = plan.kind;
  j["name"] = plan.name;
  j["description"] = plan.description;
  j["plan_hash"] = plan.hash();
  j["point_count"] = plan.points.size();
  if (shard) j["shard"] = {{"index", shard->index}, {"count", shard->count}};
  j["params"] = plan.param_columns;
  j["metrics"] = plan.metrics;
  Json pareto = Json::array();
  for (const auto& p : plan.pareto)
    pareto.push_back({{"x", p.x}, {"y", p.y}, {"x_goal", goal_name(p.x_goal)}, {"y_goal", goal_name(p.y_goal)}});
  j["pareto"] = pareto;
  Json points = Json::array();
  for (const auto& p : plan.points) {
    Json params = Json::object();
    for (const auto& [k, v] : p.params) params[k] = v;
    points.push_back({{"index", p.index},
                      {"id", p.id},
                      {"label", p.label},
                      {"key", p.key},
                      {"rep", p.rep},
                      {"seed", p.seed},
                      {"params", params},
                      {"expect", p.expect}});
  }
  j["points"] = points;
  return j;
}

BatchPlan plan_from_json(const Json& j, const std::string& file) {
  try {
    if (j.at("manifest_version").get<int>() != kManifestVersion)
      throw SpecError(fmt::format("{}: manifest version {} is not {}", file, j.at("manifest_version").dump(), kManifestVersion),
                      "a plan written by this tokenfab");
    BatchPlan plan;
    plan.kind = j.at("kind").get<std::string>();
    plan.name = j.at("name").get<std::string>();
    plan.description = j.at("description").get<std::string>();
    plan.param_columns = j.at("params").get<std::vector<std::string>>();
    plan.metrics = j.at("metrics").get<std::vector<std::string>>();
    for (const auto& p : j.at("pareto"))
      plan.pareto.push_back({p.at("x").get<std::string>(), p.at("y").get<std::string>(),
                             goal_from(p.at("x_goal").get<std::string>()), goal_from(p.at("y_goal").get<std::string>())});
    for (const auto& p : j.at("points")) {
      PointPlan pp;
      pp.index = p.at("index").get<std::size_t>();
      pp.id = p.at("id").get<std::string>();
      pp.label = p.at("label").get<std::string>();
      pp.key = p.at("key").get<std::string>();
      pp.rep = p.at("rep").get<int>();
      pp.seed = p.at("seed").get<std::uint64_t>();
      for (const auto& [k, v] : p.at("params").items()) pp.params.emplace_back(k, v.get<std::string>());
      pp.expect = p.at("expect").get<std::vector<std::string>>();
      plan.points.push_back(std::move(pp));
    }
    for (std::size_t i = 0; i < plan.points.size(); ++i) {
      if (plan.points[i].index != i) throw SpecError(fmt::format("{}: points are not numbered 0..N-1", file), "a plan.json");
    }
    if (j.at("plan_hash").get<std::string>() != plan.hash())
      throw SpecError(fmt::format("{}: plan_hash does not match its points (edited by hand?)", file), "an unmodified plan");
    return plan;
  } catch (const nlohmann::json::exception& e) {
    throw SpecError(fmt::format("{}: not a tokenfab plan manifest ({})", file, e.what()), "a plan.json written by tokenfab");
  }
}

}  // namespace tokenfab::batch
