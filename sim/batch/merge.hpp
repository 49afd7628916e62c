// `tokenfab merge`: gathers the point results of shard folders (each holding plan.json or
// plan.shard-K-of-N.json and points/<id>/result.json) into the outputs of the whole sweep.
#pragma once

#include <string>
#include <vector>

#include "sim/batch/plan.hpp"
#include "sim/batch/results.hpp"

namespace tokenfab::batch {

struct MergeInput {
  BatchPlan plan;                      // from the manifests (all of one plan)
  std::vector<PointResult> results;    // one per point found, by index
  std::vector<std::string> source;     // per result: the folder holding its point directory
  std::vector<std::size_t> missing;    // point indices with no result in any folder
};

// Reads every manifest and result of `dirs`. Throws SpecError when a folder holds no manifest or
// when manifests belong to different plans. A point found in several folders is taken from the
// first that has it (in the order given).
MergeInput gather_shards(const std::vector<std::string>& dirs);

// Copies the point folders of `input` into out_dir/points (skipping those already there).
void copy_points(const MergeInput& input, const std::string& out_dir);

}  // namespace tokenfab::batch
