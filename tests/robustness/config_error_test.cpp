// Error messages stay one line whatever bytes the input holds (fuzzing finding: a YAML key with
// a control character produced a ConfigError whose text broke the "one line" rule).
#include <gtest/gtest.h>

#include "models/catalog.hpp"
#include "models/core/config_error.hpp"
#include "models/core/yaml_node.hpp"

namespace tokenfab {
namespace {

bool has_control_character(const std::string& s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

TEST(ConfigErrorText, ControlCharactersAreEscapedInTheMessageOnly) {
  const ConfigError e({"f.yaml", 3, 1}, "a\nb", std::string("bad\tvalue\r\x01"), "x\x7f");
  EXPECT_STREQ(e.what(), "f.yaml:3:1: a\\nb: bad\\tvalue\\r\\x01 (expected x\\x7f)");
  // The fields keep the raw text for callers that compare them.
  EXPECT_EQ(e.key_path(), "a\nb");
  EXPECT_EQ(e.problem(), std::string("bad\tvalue\r\x01"));
}

// fuzz_catalog, first finding: an unknown key holding a control character in a catalog entry.
TEST(ConfigErrorText, UnknownKeyWithAControlCharacterIsOneLine) {
  const std::string yaml = "\"expert\\x01_size\": 3\n";
  try {
    (void)llm_schema().read(YamlNode::load_string(yaml, "entry.yaml"));
    FAIL() << "the entry should be refused";
  } catch (const ConfigError& e) {
    EXPECT_FALSE(has_control_character(e.what())) << e.what();
    EXPECT_NE(std::string(e.what()).find("expert\\x01_size"), std::string::npos) << e.what();
  }
}

// A multi-line scalar quoted back in a message (here: a quantity) stays on one line too.
TEST(ConfigErrorText, MultiLineScalarInAMessageIsOneLine) {
  const YamlNode doc = YamlNode::load_string("v: \"12\\nGB\"\n", "q.yaml");
  try {
    (void)doc.child("v")->as_quantity(Dimension::Size);
    FAIL() << "not a size";
  } catch (const ConfigError& e) {
    EXPECT_FALSE(has_control_character(e.what())) << e.what();
    EXPECT_NE(std::string(e.what()).find("12\\nGB"), std::string::npos) << e.what();
  }
}

// fuzz_scenario: `tier_mix: { &a , free: 1}` has a null key, which keys() listed as
// "<complex key>"; tier_mix then dereferenced child() of that name, an empty optional (ASan:
// heap-buffer-overflow). Keys that are not plain scalars are now refused when the YAML is read.
TEST(ConfigErrorText, KeyThatIsNotAPlainNameIsRefusedAtParse) {
  const char* docs[] = {"workload:\n  tier_mix: { &a , free: 1}\n", "workload:\n  tier_mix: { : 0.5, free: 0.5}\n",
                        "? [a, b]\n: 1\n"};
  for (const char* doc : docs) {
    try {
      (void)YamlNode::load_string(doc, "k.yaml");
      FAIL() << "should be refused: " << doc;
    } catch (const ConfigError& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("k.yaml:"), std::string::npos) << m;
      EXPECT_TRUE(m.find("a key that is empty") != std::string::npos ||
                  m.find("a key that is not a plain name") != std::string::npos)
          << m;
      EXPECT_FALSE(has_control_character(m)) << m;
    }
  }
}

}  // namespace
}  // namespace tokenfab
