// Rubin prefill with Groq LPU decode (scenarios/gtc-rubin-groq.yaml): the decode pool is one
// 256-chip LPU replica whose weights and KV live in on-chip SRAM; each prompt's KV crosses the
// Spectrum-X fabric from a Vera Rubin rack to the LPX rack.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

// requests.csv as maps from column name to value (robust to added columns).
std::vector<std::map<std::string, std::string>> read_rows(const std::string& text) {
  const std::vector<std::string> header = test::csv_fields(text.substr(0, text.find('\n')));
  std::vector<std::map<std::string, std::string>> rows;
  for (const auto& fields : test::csv_rows(text)) {
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

// The shipped scenario with fewer requests and the platform as an absolute path.
std::string shipped_scenario(const std::string& dir, const std::string& requests,
                             const std::string& decode_pool = "") {
  std::string text = test::read_file(test::source_path("scenarios/gtc-rubin-groq.yaml"));
  auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
  };
  replace("platform: ../platforms/gtc-rubin-groq.xml",
          "platform: " + test::source_path("platforms/gtc-rubin-groq.xml"));
  replace("requests: 2000", "requests: " + requests);
  if (!decode_pool.empty()) replace("decode: {replicas: 1, tp: 16, pp: 16, device: groq-lpu}", decode_pool);
  return test::write_file(dir + "/s.yaml", text);
}

TEST(RubinGroq, PromptsOnRubinAnswersOnLpusKvAcrossTheFabric) {
  const std::string dir = test::temp_dir("rubin-groq");
  const auto r = test::run_cli("run -q " + shipped_scenario(dir, "200") + " -o " + dir + "/out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto summary = nlohmann::json::parse(test::read_file(dir + "/out/summary.json"));
  const auto& req = summary["requests"];
  // Conservation: every arrival is completed, rejected or still in flight.
  EXPECT_EQ(req["arrived"].get<int>(), 200);
  EXPECT_EQ(req["arrived"].get<int>(),
            req["completed"].get<int>() + req["rejected"].get<int>() + req["in_flight"].get<int>());
  EXPECT_EQ(req["completed"].get<int>(), 200);

  // Prefill replicas on Rubin GPUs of the Vera Rubin racks; the decode replica on the 256 LPUs of
  // the LPX rack (rack2), with its KV capacity in the SRAM its weights leave.
  const auto& reps = summary["replicas"];
  ASSERT_EQ(reps.size(), 3u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(reps[i]["role"], "prefill");
    EXPECT_EQ(reps[i]["device"], "rubin");
    for (const auto& h : reps[i]["hosts"]) EXPECT_EQ(h.get<std::string>().rfind("rack0-gpu", 0), 0u) << h;
  }
  const auto& lpu = reps[2];
  EXPECT_EQ(lpu["role"], "decode");
  EXPECT_EQ(lpu["device"], "groq-lpu");
  ASSERT_EQ(lpu["hosts"].size(), 256u);
  for (const auto& h : lpu["hosts"]) EXPECT_EQ(h.get<std::string>().rfind("rack2-lpu", 0), 0u) << h;
  const double usable = 500e6 * 0.9;  // catalog: 500 MB SRAM; serving.memory_reserve 10%
  const double weights = lpu["weight_bytes_per_gpu"].get<double>();
  const double kv_per_token = lpu["kv_bytes_per_token_per_gpu"].get<double>();
  EXPECT_LT(weights, usable);
  // Weights spread over 256 chips: about a 256th of the 70.6 B FP8 parameters, plus a 16th of
  // the vocabulary (embedding / LM head) on the first and last stages.
  EXPECT_GT(weights, 70.6e9 / 256);
  const auto kv_tokens = static_cast<std::int64_t>((usable - weights) / kv_per_token) / 16 * 16;
  EXPECT_EQ(lpu["kv_capacity_tokens"].get<std::int64_t>(), kv_tokens);

  // Every request: prefilled on Rubin, decoded on the LPUs, its KV over the NICs. A prompt's KV
  // (163,840 B per token in FP8) goes as 4 streams (one per Rubin of the TP=4 replica), each
  // through a ConnectX-9 (200 GB/s per direction) at both ends: at least 9x slower than over
  // NVLink (1.8 TB/s), and equal to the NIC bound when nothing shares the NICs.
  const auto rows = read_rows(test::read_file(dir + "/out/requests.csv"));
  ASSERT_EQ(rows.size(), 200u);
  double fastest_ratio = 1e9;
  for (const auto& row : rows) {
    ASSERT_EQ(row.at("outcome"), "completed");
    EXPECT_TRUE(row.at("replica") == "0" || row.at("replica") == "1") << row.at("replica");
    EXPECT_EQ(row.at("decode_replica"), "2");
    const double kv = std::stod(row.at("kv_transfer_s"));
    const double nic_bound = std::stod(row.at("input_tokens")) * 163840.0 / 4 / 200e9;
    EXPECT_GE(kv, 0.999 * nic_bound) << "request " << row.at("id");
    fastest_ratio = std::min(fastest_ratio, kv / nic_bound);
  }
  EXPECT_LT(fastest_ratio, 1.2);
}

TEST(RubinGroq, TooFewLpuChipsForTheWeightsIsAConfigError) {
  // 64 chips hold 28.8 GB of SRAM: Llama-3.1-70B in FP8 (70.6 GB) does not fit.
  const std::string dir = test::temp_dir("rubin-groq-small");
  const auto r = test::run_cli("run -q " +
                               shipped_scenario(dir, "10", "decode: {replicas: 1, tp: 8, pp: 8, device: groq-lpu}") +
                               " -o " + dir + "/out");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("deployment.pools.decode"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("does not fit on 64 x groq-lpu"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("SRAM"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("chips are needed"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
}

}  // namespace
}  // namespace tokenfab
