// Regressions found with fuzz/fuzz_catalog.cpp (LLM catalog entries).
#include <gtest/gtest.h>

#include "models/catalog.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

std::string deepseek_with(const std::string& from, const std::string& to) {
  std::string text = test::read_file(test::source_path("models/catalog/llm/deepseek-v3.yaml"));
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string error_of(const std::string& yaml) {
  try {
    (void)llm_schema().read(YamlNode::load_string(yaml, "m.yaml"));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// 2147483647 + 2147483647 in kv_lora_rank + qk_rope_head_dim (and the other MLA sums) was signed
// overflow. Shape figures are now capped at 2^20, declared in the schema.
TEST(CatalogRegressions, HugeAttentionFiguresAreRangeErrors) {
  const std::string e = error_of(deepseek_with("qk_nope_head_dim: 128", "qk_nope_head_dim: 2147483647"));
  EXPECT_NE(e.find("attention.qk_nope_head_dim: 2147483647 is out of range"), std::string::npos) << e;
  const std::string e2 = error_of(deepseek_with("shared_experts: 1 ", "shared_experts: 2147483647 "));
  EXPECT_NE(e2.find("moe.shared_experts: 2147483647 is out of range"), std::string::npos) << e2;
}

// At the cap, the derived figures are the sums and products computed in double.
TEST(CatalogRegressions, LargestAllowedFiguresGiveExactSums) {
  const std::string yaml = deepseek_with("kv_lora_rank: 512, qk_nope_head_dim: 128, qk_rope_head_dim: 64",
                                         "kv_lora_rank: 1048576, qk_nope_head_dim: 1048576, qk_rope_head_dim: 1048576");
  const LlmSpec m = llm_schema().read(YamlNode::load_string(yaml, "m.yaml"));
  EXPECT_EQ(m.kv_elements_per_token_per_layer(), 2.0 * 1048576);
  EXPECT_GT(m.attention_params_per_layer(), 0);
  EXPECT_GT(m.total_params(), 0);
}

// fuzz_platform_spec finding: a device name longer than the file system allows made
// std::filesystem throw (std::terminate in the fuzzer) instead of "no device named ...".
TEST(CatalogRegressions, NameTooLongForAFileIsNotFound) {
  try {
    (void)Catalog().device("connectx" + std::string(600, '{') + "-8");
    FAIL() << "an unknown device should be refused";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no device named"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tokenfab
