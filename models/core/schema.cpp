#include "models/core/schema.hpp"

#include <sstream>

namespace tokenfab {

std::string check_text(Check c) {
  switch (c) {
    case Check::Any: return "";
    case Check::NonNegative: return ">= 0";
    case Check::Positive: return "> 0";
    case Check::Fraction: return "0 < x <= 1";
    case Check::UnitInterval: return "0..1";
  }
  return "";
}

void enforce(const YamlNode& node, double v, Check c) {
  switch (c) {
    case Check::Any: return;
    case Check::NonNegative:
      if (v < 0) node.fail(fmt::format("{} is negative", node.raw().Scalar()), "a value >= 0");
      return;
    case Check::Positive:
      if (v <= 0) node.fail(fmt::format("{} is not positive", node.raw().Scalar()), "a value > 0");
      return;
    case Check::Fraction:
      if (v <= 0 || v > 1) node.fail(fmt::format("{} is outside (0, 1]", node.raw().Scalar()), "a fraction 0 < x <= 1");
      return;
    case Check::UnitInterval:
      if (v < 0 || v > 1) node.fail(fmt::format("{} is outside [0, 1]", node.raw().Scalar()), "a fraction 0 <= x <= 1");
      return;
  }
}

void refuse_unknown_keys(const YamlNode& node, const std::vector<std::string>& allowed) {
  for (const auto& key : node.keys()) {
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == key;
    if (ok) continue;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    const auto near = closest_match(key, allowed);
    node.key_node(key).fail(
        near ? fmt::format("unknown key, did you mean '{}'?", *near) : std::string("unknown key"),
        "one of: " + list);
  }
}

YamlNode empty_map_at(const YamlNode& parent, const std::string& key) { return parent.absent_child(key); }

namespace {

void render_into(std::ostringstream& out, const SchemaDoc& doc, const std::string& prefix, bool recursive) {
  out << "[" << (prefix.empty() ? doc.title() : prefix) << "]  " << doc.doc() << "\n";
  std::size_t width = 4;
  for (const auto& p : doc.params()) width = std::max(width, p.name.size());
  for (const auto& p : doc.params()) {
    out << fmt::format("  {:<{}}  {}", p.name, width, p.type);
    if (p.required) {
      out << ", required";
    } else if (!p.default_text.empty()) {
      out << ", default " << p.default_text;
    }
    if (!p.range.empty()) out << ", " << p.range;
    out << "\n      " << p.doc << "\n";
    if (!p.alternatives.empty()) {
      out << "      " << p.selector << ": ";
      for (std::size_t i = 0; i < p.alternatives.size(); ++i) out << (i ? " | " : "") << p.alternatives[i].first;
      out << "\n";
    }
  }
  if (!recursive) return;
  for (const auto& p : doc.params()) {
    const std::string path = (prefix.empty() ? "" : prefix + ".") + p.name;
    if (p.nested) {
      out << "\n";
      render_into(out, *p.nested, path, recursive);
    }
    for (const auto& [name, alt] : p.alternatives) {
      out << "\n";
      render_into(out, *alt, fmt::format("{} ({}: {})", path, p.selector, name), recursive);
    }
  }
}

}  // namespace

std::string render_help(const SchemaDoc& doc, const std::string& prefix, bool recursive) {
  std::ostringstream out;
  render_into(out, doc, prefix, recursive);
  return out.str();
}

const SchemaDoc* find_section(const SchemaDoc& root, const std::string& dotted) {
  if (dotted.empty()) return &root;
  const auto dot = dotted.find('.');
  const std::string head = dotted.substr(0, dot);
  const std::string rest = dot == std::string::npos ? "" : dotted.substr(dot + 1);
  for (const auto& p : root.params()) {
    if (p.name == head && p.nested) return find_section(*p.nested, rest);
    if (p.name == head && !p.alternatives.empty() && rest.empty()) return nullptr;
    for (const auto& [name, alt] : p.alternatives) {
      if (p.name == head && rest.rfind(name, 0) == 0) {
        const std::string after = rest.substr(name.size());
        return find_section(*alt, after.empty() ? "" : after.substr(1));
      }
    }
  }
  return nullptr;
}

}  // namespace tokenfab
