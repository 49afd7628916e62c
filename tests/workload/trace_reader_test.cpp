// Each reader on files in its format written by the project's own generator: what is read back
// equals what was generated (to the format's time resolution).
#include "sim/workload/trace_reader.hpp"

#include <gtest/gtest.h>

#include "tests/support/test_support.hpp"
#include "tests/workload/workload_test_util.hpp"

namespace tokenfab {
namespace {

struct FormatCase {
  TraceFormat format;
  const char* file;
  double time_resolution;  // s: what the format keeps of an arrival time
};

// For gtest's listing (ctest names): the format, not the struct's bytes.
void PrintTo(const FormatCase& c, std::ostream* os) { *os << trace_format_name(c.format); }

class RoundTrip : public ::testing::TestWithParam<FormatCase> {};

TEST_P(RoundTrip, ReadsBackWhatWasWritten) {
  const auto& c = GetParam();
  const auto requests = test::generated(300);
  const std::string path = test::write_trace(test::temp_dir("rt") + "/" + c.file, requests, c.format);
  auto reader = TraceReader::open(path, {});
  EXPECT_EQ(reader->layout().format, c.format) << "detected from the header";
  EXPECT_TRUE(reader->layout().detected);
  const auto back = test::replay(test::trace_at(path));
  ASSERT_EQ(back.size(), requests.size());
  // Date-times count from the first row; numeric timestamps from 0.
  const double origin = c.format == TraceFormat::Azure ? requests.front().arrival : 0.0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(back[i].id, i);
    EXPECT_NEAR(back[i].arrival, requests[i].arrival - origin, c.time_resolution) << i;
    EXPECT_EQ(back[i].input_tokens, requests[i].input_tokens) << i;
    EXPECT_EQ(back[i].output_tokens, requests[i].output_tokens) << i;
    EXPECT_EQ(back[i].tier, kNoTier);
  }
  if (c.format == TraceFormat::Mooncake) {
    // Fresh block ids: one per 512 prompt tokens, none repeated.
    for (std::size_t i = 0; i < back.size(); ++i)
      EXPECT_EQ(back[i].prefix_blocks.size(), static_cast<std::size_t>((requests[i].input_tokens + 511) / 512));
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, RoundTrip,
                         ::testing::Values(FormatCase{TraceFormat::Csv, "t.csv", 1e-6},
                                           FormatCase{TraceFormat::Azure, "azure.csv", 2e-7},
                                           FormatCase{TraceFormat::BurstGpt, "burst.csv", 1e-6},
                                           FormatCase{TraceFormat::Mooncake, "m.jsonl", 5e-4}),
                         [](const auto& info) { return trace_format_name(info.param.format); });

TEST(TraceReader, GenericJsonlWithDefaultKeysAndTiers) {
  const auto requests = test::generated(50, 5, 3, {{"free", 0.5}, {"premium", 0.5}});
  const std::string path = test::write_trace(test::temp_dir("j") + "/t.jsonl", requests, TraceFormat::Jsonl, true);
  auto config = test::trace_at(path);
  config.columns.tier = "tier";
  const auto back = test::replay(config);
  ASSERT_EQ(back.size(), 50u);
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_NEAR(back[i].arrival, requests[i].arrival, 1e-6);
    EXPECT_EQ(back[i].tier, requests[i].tier);
  }
}

TEST(TraceReader, GenericCsvWithAColumnMapping) {
  const std::string path = test::write_file(test::temp_dir("map") + "/t.csv",
                                            "id,when_ms,prompt,answer,model\n"
                                            "a,1500,10,3,x\n"
                                            "b,2500,20,4,y\n");
  auto config = test::trace_at(path);
  config.format = TraceFormat::Csv;
  config.columns.arrival = "when_ms";
  config.columns.time_unit = TimeUnit::Milliseconds;
  config.columns.input_tokens = "prompt";
  config.columns.output_tokens = "answer";
  const auto back = test::replay(config);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_DOUBLE_EQ(back[0].arrival, 1.5);
  EXPECT_DOUBLE_EQ(back[1].arrival, 2.5);
  EXPECT_EQ(back[1].input_tokens, 20);
  EXPECT_EQ(back[1].output_tokens, 4);
  // Detection also works with the mapping alone (format: auto).
  config.format = TraceFormat::Auto;
  EXPECT_EQ(test::replay(config).size(), 2u);
}

TEST(TraceReader, GenericJsonlWithDateTimesAndHashIds) {
  const std::string path = test::write_file(test::temp_dir("jd") + "/t.jsonl",
                                            R"({"t": "2024-05-10 00:00:00.5+00:00", "in": 700, "out": 2, "blocks": [4, 5]})"
                                            "\n"
                                            R"({"t": "2024-05-10 00:00:02+00:00", "in": 30, "out": 1.0, "blocks": []})"
                                            "\n");
  auto config = test::trace_at(path);
  config.columns = {"t", "in", "out", "blocks", "", TimeUnit::DateTime};
  const auto back = test::replay(config);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_DOUBLE_EQ(back[0].arrival, 0.0);
  EXPECT_DOUBLE_EQ(back[1].arrival, 1.5);
  EXPECT_EQ(back[0].prefix_blocks, (std::vector<std::uint64_t>{4, 5}));
  EXPECT_EQ(back[1].output_tokens, 1);
}

TEST(TraceReader, FormatOverrideBeatsDetection) {
  // An Azure-shaped header read as generic CSV needs its columns named; without them it fails.
  const auto requests = test::generated(5);
  const std::string path = test::write_trace(test::temp_dir("ov") + "/a.csv", requests, TraceFormat::Azure);
  TraceOpenOptions o;
  o.format = TraceFormat::BurstGpt;
  try {
    TraceReader::open(path, o);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where().line, 1);
    EXPECT_EQ(e.key_path(), "Timestamp");
    EXPECT_NE(e.problem().find("missing column in the header"), std::string::npos) << e.what();
  }
  o.format = TraceFormat::Mooncake;
  EXPECT_THROW(TraceReader::open(path, o), ConfigError);  // a CSV is not JSON lines
}

TEST(TraceReader, UnknownHeaderSaysWhatIsKnown) {
  const std::string path = test::write_file(test::temp_dir("unk") + "/t.csv", "a,b,c\n1,2,3\n");
  try {
    TraceReader::open(path, {});
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(e.problem().find("cannot tell the trace format from the header 'a,b,c'"), std::string::npos);
    EXPECT_NE(e.expected().find("Azure: TIMESTAMP,ContextTokens,GeneratedTokens"), std::string::npos);
  }
}

// The message of the first bad row in `text` (a CSV with the generic header).
ConfigError bad_row(const std::string& text) {
  const std::string path = test::write_file(test::temp_dir("bad") + "/t.csv", text);
  try {
    test::replay(test::trace_at(path));
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << text;
  return ConfigError({}, "", "");
}

TEST(TraceReader, BadRowsNameFileLineColumnAndField) {
  const std::string h = "arrival_time,input_tokens,output_tokens\n";
  auto e = bad_row(h + "0,10,1\n1,abc,1\n");
  EXPECT_EQ(e.where().line, 3);
  EXPECT_EQ(e.where().column, 3);
  EXPECT_EQ(e.key_path(), "input_tokens");
  EXPECT_EQ(e.problem(), "'abc' is not a number");
  EXPECT_NE(std::string(e.what()).find("t.csv:3:3: input_tokens: 'abc' is not a number"), std::string::npos);
  e = bad_row(h + "0,10,1\n1,10\n");
  EXPECT_EQ(e.problem(), "row has 2 fields, the header 3");
  e = bad_row(h + "2,10,1\n1,10,1\n");
  EXPECT_EQ(e.key_path(), "arrival_time");
  EXPECT_NE(e.problem().find("goes backwards"), std::string::npos);
  e = bad_row(h + "0,10,1.5\n");
  EXPECT_EQ(e.key_path(), "output_tokens");
  EXPECT_NE(e.problem().find("not a whole token count"), std::string::npos);
  e = bad_row(h + "-1,10,1\n");
  EXPECT_NE(e.problem().find("negative"), std::string::npos);
}

TEST(TraceReader, BadJsonRowsNameLineAndKey) {
  const std::string path = test::write_file(test::temp_dir("bj") + "/m.jsonl",
                                            R"({"timestamp": 0, "input_length": 5, "output_length": 1, "hash_ids": [1]})"
                                            "\n"
                                            R"({"timestamp": 5, "input_length": "x", "output_length": 1, "hash_ids": [2]})"
                                            "\n");
  try {
    test::replay(test::trace_at(path));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where().line, 2);
    EXPECT_EQ(e.key_path(), "input_length");
    EXPECT_EQ(e.where().column, 18);  // where "input_length" starts
  }
  test::write_file(path, R"({"timestamp": 0, "input_length": 5, "output_length": 1, "hash_ids": [1]})"
                         "\n{\"timestamp\": 1,\n");
  try {
    test::replay(test::trace_at(path));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where().line, 2);
    EXPECT_EQ(e.problem(), "not valid JSON");
  }
}

TEST(TraceReader, SkipBadRowsCountsThem) {
  const std::string path = test::write_file(test::temp_dir("skip") + "/t.csv",
                                            "arrival_time,input_tokens,output_tokens\n"
                                            "0,10,1\n"
                                            "1,10,1\n"
                                            "1,abc,1\n"  // not a number
                                            "2,10\n"     // short
                                            "0.5,10,1\n" // goes backwards
                                            "3,30,3\n");
  auto config = test::trace_at(path);
  config.skip_bad_rows = true;
  WorkloadCounters c;
  const auto back = test::replay(config, 1, {}, &c);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[2].input_tokens, 30);
  EXPECT_EQ(c.rows, 6u);
  EXPECT_EQ(c.bad_rows, 3u);
  EXPECT_EQ(c.emitted, 3u);
  EXPECT_NE(c.first_bad_row.find("t.csv:4:3: input_tokens"), std::string::npos) << c.first_bad_row;
}

TEST(TraceReader, ByteOrderMarkAndCrLfAreAccepted) {
  const std::string path = test::write_file(test::temp_dir("bom") + "/t.csv",
                                            "\xEF\xBB\xBFTIMESTAMP,ContextTokens,GeneratedTokens\r\n"
                                            "2023-11-16 18:17:03.9799600,4808,10\r\n"
                                            "2023-11-16 18:17:04.0319600,3180,8\r\n");
  const auto back = test::replay(test::trace_at(path));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_NEAR(back[1].arrival, 0.052, 1e-9);
}

}  // namespace
}  // namespace tokenfab

namespace tokenfab {
namespace {

TEST(TraceReader, Azure2024RowsWithOffsetsAndMissingFractions) {
  // The 2024 week-long traces write "+00:00" offsets and 6 fractional digits, and drop the
  // fraction on whole seconds.
  const std::string path = test::write_file(test::temp_dir("az24") + "/AzureLLMInferenceTrace_code_1week.csv",
                                            "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                            "2024-05-10 00:00:00.009930+00:00,2048,28\n"
                                            "2024-05-10 00:00:01+00:00,512,7\n"
                                            "2024-05-10 00:00:01.250000+00:00,100,0\n"
                                            "2024-05-11 00:00:00.009930+00:00,64,3\n");
  WorkloadCounters c;
  const auto back = test::replay(test::trace_at(path), 1, {}, &c);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(c.format, "azure");
  EXPECT_EQ(c.zero_token_rows, 1u);  // a request that generated nothing is not replayed
  EXPECT_DOUBLE_EQ(back[0].arrival, 0.0);
  EXPECT_NEAR(back[1].arrival, 1 - 0.00993, 1e-9);
  EXPECT_NEAR(back[2].arrival, 86400, 1e-9);  // a day later
}

}  // namespace
}  // namespace tokenfab
