// JUnit XML for CI systems (Jenkins, GitLab, GitHub test reporters): one test case per scenario
// or sweep point. A violated expectation is a <failure>; a point that failed to run, or an
// expectation that cannot be evaluated, is an <error>; a point not run is <skipped>. No time
// attributes: the file is a function of the results, like every other output.
#pragma once

#include <string>
#include <vector>

#include "sim/batch/expectation.hpp"
#include "sim/batch/outputs.hpp"

namespace tokenfab::batch {

struct JunitCase {
  enum class Outcome { Pass, Failure, Error, Skipped };
  std::string name;
  std::string classname;
  Outcome outcome = Outcome::Pass;
  std::string message;  // one line (the attribute)
  std::string details;  // the element's text: one line per expectation
};

// A case from a point's (or a run's) outcome: `run_error` non-empty when the run failed,
// `not_run` when it has no result.
JunitCase make_case(const std::string& name, const std::string& classname, bool not_run, const std::string& run_error,
                    const std::vector<ExpectationResult>& expectations);

// Cases for every point of a batch report, in index order.
std::vector<JunitCase> junit_cases(const std::string& suite, const BatchReport& report);

// The document: <testsuites> holding one <testsuite> named `suite`.
std::string junit_xml(const std::string& suite, const std::vector<JunitCase>& cases);

// Writes the document; returns false when the file cannot be written.
bool write_junit(const std::string& path, const std::string& suite, const std::vector<JunitCase>& cases);

std::string xml_escape(const std::string& s);

}  // namespace tokenfab::batch
