// Declared parameters: each field of a config struct is declared once (name, type, default, unit,
// doc, range), and both validation and `tokenfab help <section>` are derived from that
// declaration. Unknown keys are errors with a "did you mean" suggestion.
//
//   const Schema<Serving>& serving_schema() {
//     static const Schema<Serving> s = Schema<Serving>("serving", "Continuous batching.")
//         .integer("max_num_seqs", &Serving::max_num_seqs, "256", "Most sequences in one batch.");
//     return s;
//   }
#pragma once

#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "models/core/units.hpp"
#include "models/core/yaml_node.hpp"

namespace tokenfab {

// Range rule applied to a numeric parameter after parsing.
enum class Check {
  Any,          // no constraint
  NonNegative,  // >= 0
  Positive,     // > 0
  Fraction,     // 0 < x <= 1
  UnitInterval  // 0 <= x <= 1
};

class SchemaDoc;

// What `help` prints for one parameter.
struct ParamDoc {
  ParamDoc(std::string name_, std::string type_, std::string default_text_, bool required_, std::string doc_,
           std::string range_ = "")
      : name(std::move(name_)), type(std::move(type_)), default_text(std::move(default_text_)), required(required_),
        doc(std::move(doc_)), range(std::move(range_)) {}
  std::string name;
  std::string type;          // "integer", "bandwidth", "one of: a|b", "section", ...
  std::string default_text;  // empty when required
  bool required = false;
  std::string doc;
  std::string range;              // "> 0", "0..1", ...
  const SchemaDoc* nested = nullptr;  // sections and lists of sections
  std::vector<std::pair<std::string, const SchemaDoc*>> alternatives;  // variants
  std::string selector;               // key that picks the alternative, for variants
};

// The type-erased description of a schema, for help output.
class SchemaDoc {
 public:
  SchemaDoc(std::string title, std::string doc) : title_(std::move(title)), doc_(std::move(doc)) {}
  const std::string& title() const { return title_; }
  const std::string& doc() const { return doc_; }
  const std::vector<ParamDoc>& params() const { return params_; }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& p : params_) out.push_back(p.name);
    return out;
  }

 protected:
  std::string title_;
  std::string doc_;
  std::vector<ParamDoc> params_;
};

std::string check_text(Check c);
// Throws a ConfigError at `node` when v breaks c.
void enforce(const YamlNode& node, double v, Check c);
// Throws for keys of `node` that are not in `allowed`, suggesting the closest one.
void refuse_unknown_keys(const YamlNode& node, const std::vector<std::string>& allowed);
// An empty map standing in for an absent section, positioned at `parent`.
YamlNode empty_map_at(const YamlNode& parent, const std::string& key);
// Renders a schema (and, with recursive, its sections) as a help table.
std::string render_help(const SchemaDoc& doc, const std::string& prefix, bool recursive);
// Finds the doc of a dotted section path ("workload.synthetic"); nullptr if none.
const SchemaDoc* find_section(const SchemaDoc& root, const std::string& dotted);

template <class V>
class VariantSchema;

template <class T>
class Schema : public SchemaDoc {
 public:
  using Reader = std::function<void(const YamlNode& map, T& out)>;
  using Validator = std::function<void(const YamlNode& map, const T& value)>;

  Schema(std::string title, std::string doc) : SchemaDoc(std::move(title), std::move(doc)) {}

  // A physical quantity given as a unit string; stored in SI units.
  Schema&& quantity(std::string name, double T::*m, Dimension dim, std::optional<std::string> def,
                    std::string doc, Check check = Check::Positive) && {
    add_param({name, dimension_noun(dim).substr(dimension_noun(dim).find(' ') + 1) + " (" + si_unit(dim) + ")",
               def.value_or(""), !def, doc, check_text(check)},
              [=](const std::optional<YamlNode>& n, const YamlNode& map, T& out) {
                if (n) {
                  out.*m = n->as_quantity(dim);
                  enforce(*n, out.*m, check);
                } else if (def) {
                  out.*m = parse_quantity(*def, dim);
                } else {
                  missing(map, name, dimension_expected(dim));
                }
              });
    return std::move(*this);
  }

  // An optional physical quantity with no default (absent = not set).
  Schema&& optional_quantity(std::string name, std::optional<double> T::*m, Dimension dim, std::string doc,
                             Check check = Check::Positive) && {
    add_param({name, dimension_noun(dim).substr(dimension_noun(dim).find(' ') + 1) + " (" + si_unit(dim) + ")",
               "unset", false, doc, check_text(check)},
              [=](const std::optional<YamlNode>& n, const YamlNode&, T& out) {
                out.*m = std::nullopt;
                if (n && !n->is_null()) {
                  out.*m = n->as_quantity(dim);
                  enforce(*n, *(out.*m), check);
                }
              });
    return std::move(*this);
  }

  Schema&& number(std::string name, double T::*m, std::optional<double> def, std::string doc,
                  Check check = Check::Positive, std::string unit = "") && {
    add_param({name, unit.empty() ? "number" : "number (" + unit + ")", def ? fmt::format("{}", *def) : "", !def,
               doc, check_text(check)},
              [=](const std::optional<YamlNode>& n, const YamlNode& map, T& out) {
                if (n) {
                  out.*m = n->as_number();
                  enforce(*n, out.*m, check);
                } else if (def) {
                  out.*m = *def;
                } else {
                  missing(map, name, "a number");
                }
              });
    return std::move(*this);
  }

  template <class I>
  Schema&& integer(std::string name, I T::*m, std::optional<I> def, std::string doc, Check check = Check::Positive,
                   I max = std::numeric_limits<I>::max()) && {
    const std::string range = check_text(check) + (max != std::numeric_limits<I>::max() ? fmt::format(", <= {}", max) : "");
    add_param({name, "integer", def ? fmt::format("{}", *def) : "", !def, doc, range},
              [=](const std::optional<YamlNode>& n, const YamlNode& map, T& out) {
                if (n) {
                  const long long v = n->as_integer();
                  enforce(*n, static_cast<double>(v), check);
                  const bool above = static_cast<unsigned long long>(max) <= static_cast<unsigned long long>(
                                                                                   std::numeric_limits<long long>::max()) &&
                                     v > static_cast<long long>(max);
                  const bool below = std::is_signed_v<I> ? v < static_cast<long long>(std::numeric_limits<I>::min()) : v < 0;
                  if (above || below) n->fail(fmt::format("{} is out of range", v), fmt::format("an integer <= {}", max));
                  out.*m = static_cast<I>(v);
                } else if (def) {
                  out.*m = *def;
                } else {
                  missing(map, name, "an integer");
                }
              });
    return std::move(*this);
  }

  Schema&& boolean(std::string name, bool T::*m, bool def, std::string doc) && {
    add_param({name, "boolean", def ? "true" : "false", false, doc, ""},
              [=](const std::optional<YamlNode>& n, const YamlNode&, T& out) { out.*m = n ? n->as_bool() : def; });
    return std::move(*this);
  }

  // Free text (names, paths). An empty default means "required".
  Schema&& text(std::string name, std::string T::*m, std::optional<std::string> def, std::string doc) && {
    add_param({name, "string", def ? (def->empty() ? "\"\"" : *def) : "", !def, doc, ""},
              [=](const std::optional<YamlNode>& n, const YamlNode& map, T& out) {
                if (n) {
                  out.*m = n->as_string();
                } else if (def) {
                  out.*m = *def;
                } else {
                  missing(map, name, "a string");
                }
              });
    return std::move(*this);
  }

  // A value from a closed set, read into an enum through `values`.
  template <class E>
  Schema&& choice(std::string name, E T::*m, std::vector<std::pair<std::string, E>> values,
                  std::optional<std::string> def, std::string doc) && {
    std::string names;
    std::vector<std::string> list;
    for (const auto& [k, v] : values) {
      names += (names.empty() ? "" : "|") + k;
      list.push_back(k);
    }
    add_param({name, "one of: " + names, def.value_or(""), !def, doc, ""},
              [=](const std::optional<YamlNode>& n, const YamlNode& map, T& out) {
                std::string key;
                if (n) {
                  key = n->as_string();
                } else if (def) {
                  key = *def;
                } else {
                  missing(map, name, "one of " + names);
                }
                for (const auto& [k, v] : values) {
                  if (k == key) {
                    out.*m = v;
                    return;
                  }
                }
                const auto near = closest_match(key, list);
                n->fail(fmt::format("'{}' is not a valid choice{}", key, near ? fmt::format(", did you mean '{}'?", *near) : ""),
                        "one of " + names);
              });
    return std::move(*this);
  }

  // A nested section; absent = all its defaults (an error if it has required keys).
  template <class S>
  Schema&& section(std::string name, S T::*m, const Schema<S>& sub, std::string doc) && {
    ParamDoc pd{name, "section", "", false, doc, ""};
    pd.nested = &sub;
    add_param(std::move(pd), [=, &sub](const std::optional<YamlNode>& n, const YamlNode& map, T& out) {
      if (n && !n->is_null()) {
        sub.read(*n, out.*m);
      } else {
        sub.read(empty_map_at(map, name), out.*m);
      }
    });
    return std::move(*this);
  }

  // A nested section that may be left out entirely (absent = nullopt).
  template <class S>
  Schema&& optional_section(std::string name, std::optional<S> T::*m, const Schema<S>& sub, std::string doc) && {
    ParamDoc pd{name, "section (optional)", "unset", false, doc, ""};
    pd.nested = &sub;
    add_param(std::move(pd), [=, &sub](const std::optional<YamlNode>& n, const YamlNode&, T& out) {
      out.*m = std::nullopt;
      if (n && !n->is_null()) {
        S value{};
        sub.read(*n, value);
        out.*m = std::move(value);
      }
    });
    return std::move(*this);
  }

  // A list of sections.
  template <class S>
  Schema&& list(std::string name, std::vector<S> T::*m, const Schema<S>& sub, std::string doc, bool required = false) && {
    ParamDoc pd{name, "list of sections", required ? "" : "[]", required, doc, ""};
    pd.nested = &sub;
    add_param(std::move(pd), [=, &sub](const std::optional<YamlNode>& n, const YamlNode& map, T& out) {
      (out.*m).clear();
      if (!n || n->is_null()) {
        if (required) missing(map, name, "a list");
        return;
      }
      if (!n->is_sequence()) n->fail(fmt::format("got {}", n->kind_noun()), "a list");
      for (const auto& e : n->elements()) {
        S value{};
        sub.read(e, value);
        (out.*m).push_back(std::move(value));
      }
    });
    return std::move(*this);
  }

  // One of several alternatives chosen by a selector key inside the map (e.g. `dist: lognormal`).
  template <class V>
  Schema&& variant(std::string name, V T::*m, const VariantSchema<V>& sub, std::optional<std::string> def_yaml,
                   std::string doc) && {
    ParamDoc pd{name, "one of " + sub.title(), def_yaml.value_or(""), !def_yaml, doc, ""};
    pd.alternatives = sub.alternative_docs();
    pd.selector = sub.selector();
    add_param(std::move(pd), [=, &sub](const std::optional<YamlNode>& n, const YamlNode& map, T& out) {
      if (n && !n->is_null()) {
        out.*m = sub.read(*n);
      } else if (def_yaml) {
        out.*m = sub.read(YamlNode::load_string(*def_yaml, "<default of " + name + ">"));
      } else {
        missing(map, name, fmt::format("a map with '{}:'", sub.selector()));
      }
    });
    return std::move(*this);
  }

  // Escape hatch for a parameter with its own reading rule (still declared, documented, checked).
  Schema&& custom(ParamDoc doc, std::function<void(const std::optional<YamlNode>&, const YamlNode&, T&)> read) && {
    add_param(std::move(doc), std::move(read));
    return std::move(*this);
  }

  // A cross-field rule run after every field was read.
  Schema&& validate(Validator v) && {
    validators_.push_back(std::move(v));
    return std::move(*this);
  }

  // Reads `node` (a map) into out: every declared key, defaults for absent ones, unknown keys
  // refused. `extra_keys` are tolerated (a variant's selector key).
  void read(const YamlNode& node, T& out, const std::vector<std::string>& extra_keys = {}) const {
    if (!node.is_map() && !node.is_null()) node.fail(fmt::format("got {}", node.kind_noun()), "a map");
    std::vector<std::string> allowed = names();
    allowed.insert(allowed.end(), extra_keys.begin(), extra_keys.end());
    refuse_unknown_keys(node, allowed);
    for (std::size_t i = 0; i < readers_.size(); ++i) readers_[i](node.child(params_[i].name), node, out);
    for (const auto& v : validators_) v(node, out);
  }

  T read(const YamlNode& node) const {
    T out{};
    read(node, out);
    return out;
  }

 private:
  using ParamReader = std::function<void(const std::optional<YamlNode>&, const YamlNode&, T&)>;

  void add_param(ParamDoc doc, ParamReader reader) {
    params_.push_back(std::move(doc));
    readers_.push_back(std::move(reader));
  }

  [[noreturn]] static void missing(const YamlNode& map, const std::string& name, const std::string& expected) {
    throw ConfigError(map.location(), map.path().empty() ? name : map.path() + "." + name, "missing required key",
                      expected);
  }

  std::vector<ParamReader> readers_;
  std::vector<Validator> validators_;
};

// Alternatives of a std::variant, each with its own schema, chosen by a selector key.
template <class V>
class VariantSchema {
 public:
  VariantSchema(std::string title, std::string selector) : title_(std::move(title)), selector_(std::move(selector)) {}

  template <class A>
  VariantSchema&& alternative(std::string name, const Schema<A>& schema) && {
    names_.push_back(name);
    docs_.emplace_back(name, &schema);
    readers_.push_back([selector = selector_, &schema](const YamlNode& n) -> V {
      A value{};
      schema.read(n, value, {selector});
      return V{std::move(value)};
    });
    return std::move(*this);
  }

  V read(const YamlNode& node) const {
    if (!node.is_map()) node.fail(fmt::format("got {}", node.kind_noun()), fmt::format("a map with '{}:'", selector_));
    const auto sel = node.child(selector_);
    if (!sel) {
      throw ConfigError(node.location(), node.path() + "." + selector_, "missing required key",
                        "one of " + joined());
    }
    const std::string key = sel->as_string();
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == key) return readers_[i](node);
    }
    const auto near = closest_match(key, names_);
    sel->fail(fmt::format("'{}' is not a known {}{}", key, selector_, near ? fmt::format(", did you mean '{}'?", *near) : ""),
              "one of " + joined());
  }

  const std::string& title() const { return title_; }
  const std::string& selector() const { return selector_; }
  const std::vector<std::pair<std::string, const SchemaDoc*>>& alternative_docs() const { return docs_; }

 private:
  std::string joined() const {
    std::string s;
    for (const auto& n : names_) s += (s.empty() ? "" : "|") + n;
    return s;
  }
  std::string title_;
  std::string selector_;
  std::vector<std::string> names_;
  std::vector<std::pair<std::string, const SchemaDoc*>> docs_;
  std::vector<std::function<V(const YamlNode&)>> readers_;
};

}  // namespace tokenfab
