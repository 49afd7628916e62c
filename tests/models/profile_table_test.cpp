// The profile-table model on a small hand-written table: interpolation, pricing from the table's
// operators, and the errors a malformed table gives.
#include "models/perf/profile_table.hpp"

#include <gtest/gtest.h>

#include "models/efficiency.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

const char* kTable = R"(# a small table: Llama-3.1-8B FP8 on one H100 (made-up times)
device,model,tp,weights,operator,tokens,context,seconds
h100-sxm,llama-3.1-8b,1,fp8,linear,1,0,0.0001
h100-sxm,llama-3.1-8b,1,fp8,linear,64,0,0.00012
h100-sxm,llama-3.1-8b,1,fp8,linear,1024,0,0.0008

h100-sxm,llama-3.1-8b,1,fp8,attention_decode,1,1024,0.00001
h100-sxm,llama-3.1-8b,1,fp8,attention_decode,1,8192,0.00004
h100-sxm,llama-3.1-8b,1,fp8,attention_decode,64,1024,0.0001
h100-sxm,llama-3.1-8b,1,fp8,attention_decode,64,8192,0.0006
h100-sxm,llama-3.1-8b,1,fp8,attention_prefill,512,0,0.00005
h100-sxm,llama-3.1-8b,1,fp8,attention_prefill,2048,0,0.0005
h100-sxm,llama-3.1-8b,1,fp8,lm_head,1,0,0.00003
h100-sxm,llama-3.1-8b,1,fp8,lm_head,64,0,0.00004
h200-sxm,llama-3.1-8b,1,fp8,linear,1,0,0.5
)";

ReplicaSetup h100_8b(const std::string& table) {
  const Catalog catalog;
  ReplicaSetup s;
  s.model = catalog.llm("llama-3.1-8b");
  s.device = catalog.device("h100-sxm");
  s.efficiency = efficiency_for(catalog, "h100-sxm");
  s.profile_table = table;
  return s;
}

std::string table_file(const std::string& text = kTable) {
  return test::write_file(test::temp_dir("table") + "/profile.csv", text);
}

TEST(ProfileTable, InterpolatesBetweenMeasuredPoints) {
  const ReplicaSetup s = h100_8b(table_file());
  const ProfileTable t = ProfileTable::load(s.profile_table, s);
  EXPECT_DOUBLE_EQ(t.time("linear", 64, 0), 0.00012);
  EXPECT_NEAR(t.time("linear", 32, 0), 0.0001 + 0.00002 * 31 / 63, 1e-15);
  // Above the last point: the line through the last two.
  EXPECT_NEAR(t.time("linear", 2048, 0), 0.0008 + (0.0008 - 0.00012) / 960 * 1024, 1e-15);
  // Below the first point: the first point's time.
  EXPECT_DOUBLE_EQ(t.time("attention_prefill", 256, 0), 0.00005);
  // Bilinear over (sequences, context).
  const double at1 = 0.00001 + 0.00003 * (4608.0 - 1024) / 7168, at64 = 0.0001 + 0.0005 * (4608.0 - 1024) / 7168;
  EXPECT_NEAR(t.time("attention_decode", 32, 4608), at1 + (at64 - at1) * 31 / 63, 1e-15);
  EXPECT_FALSE(t.has("all_reduce"));
}

TEST(ProfileTable, PricesAnIterationFromTheTable) {
  const ReplicaSetup s = h100_8b(table_file());
  const auto model = PerfModelRegistry::instance().create("profile_table", s);
  EXPECT_EQ(model->name(), "profile_table");
  BatchShape decode;
  for (int i = 0; i < 64; ++i) decode.add(1, 1024, true);
  const IterationCost d = model->price(decode);
  // 32 layers of (linear + attention) for 64 tokens at context 1024, the LM head, no collective (TP 1).
  EXPECT_NEAR(d.seconds, 32 * (0.00012 + 0.0001) + 0.00004 + s.efficiency.iteration_overhead, 1e-12);
  EXPECT_EQ(d.bound, Bound::Measured);
  BatchShape prefill;
  prefill.add(2048, 0, true);
  const double linear_2048 = 0.0008 + (0.0008 - 0.00012) / 960 * 1024;
  EXPECT_NEAR(model->price(prefill).seconds, 32 * (linear_2048 + 0.0005) + 0.00003 + s.efficiency.iteration_overhead,
              1e-12);
}

void expect_error(const std::string& text, const std::string& needle, int line) {
  const ReplicaSetup s = h100_8b(table_file(text));
  try {
    (void)ProfileTable::load(s.profile_table, s);
    FAIL() << "no error for: " << needle;
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_EQ(e.where().line, line) << e.what();
  }
}

TEST(ProfileTable, MalformedTablesAreRefusedWithFileAndLine) {
  const std::string header = "device,model,tp,weights,operator,tokens,context,seconds\n";
  const std::string row = "h100-sxm,llama-3.1-8b,1,fp8,";
  expect_error("device,model,tokens\n", "unexpected columns", 1);
  expect_error(header + row + "matmul,1,0,0.1\n", "'matmul' is not an operator", 2);
  expect_error(header + row + "linear,1,0,fast\n", "'fast' is not a valid seconds", 2);
  expect_error(header + row + "linear,1,0,0.1\n" + row + "linear,1,0,0.2\n", "duplicate point", 3);
  expect_error(header + row + "linear,1,0\n", "7 fields", 2);
  // Rows for another setup only: the error lists what the table has.
  expect_error(header + "h200-sxm,llama-3.1-8b,1,fp8,linear,1,0,0.1\n", "no rows for h100-sxm llama-3.1-8b tp1 fp8", 0);
  // A required operator missing.
  expect_error(header + row + "linear,1,0,0.1\n" + row + "attention_decode,1,1,0.1\n", "attention_prefill", 0);
}

}  // namespace
}  // namespace tokenfab
