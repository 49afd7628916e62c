// A sweep file: a base scenario, axes over YAML paths (lists or {from, to, steps} ranges), grid or
// zip, repetitions under different seeds, result columns, Pareto frontiers and expectations
// (docs/batch.md). Read through a declared schema like every other config file.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/core/schema.hpp"
#include "sim/batch/plan.hpp"

namespace tokenfab::batch {

enum class SweepMode { Grid, Zip };

struct SweepAxis {
  std::string path;                // dotted YAML path into the scenario
  std::vector<YAML::Node> values;  // one scenario value per step
  SourceLocation where;            // the axis key in the sweep file
};

struct SweepSpec {
  std::string file;
  std::string name;  // default: the file name without .yaml
  std::string description;
  std::string scenario;  // base scenario, relative to the sweep file
  SweepMode mode = SweepMode::Grid;
  std::vector<SweepAxis> set;  // fixed overrides: one value each, applied before the axes
  std::vector<SweepAxis> axes;
  SourceLocation axes_where;
  int repetitions = 1;
  std::vector<std::string> metrics;  // empty: default_metric_columns()
  std::vector<ParetoSpec> pareto;    // empty: default_pareto()
  std::vector<std::string> expect;
  std::string output;  // default out/<name>
};

const Schema<SweepSpec>& sweep_schema();

// Reads and validates a sweep file (syntax, axes, metric names, expectations); throws ConfigError.
SweepSpec load_sweep(const std::string& path);

// Every point of the sweep, each validated as a full scenario before anything runs; a value the
// scenario schema refuses is a ConfigError at the axis's line in the sweep file. Throws ConfigError.
BatchPlan expand_sweep(const SweepSpec& spec);

// Columns of results.csv when a sweep names none.
const std::vector<std::string>& default_metric_columns();
// The frontier drawn when a sweep names none: speed per user against throughput per GPU.
std::vector<ParetoSpec> default_pareto();

}  // namespace tokenfab::batch
