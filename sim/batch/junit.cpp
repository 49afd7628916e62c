#include "sim/batch/junit.hpp"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace tokenfab::batch {

std::string xml_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += "&#10;"; break;
      default:
        // Control characters are not allowed in XML 1.0; a run's message never needs them.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

JunitCase make_case(const std::string& name, const std::string& classname, bool not_run, const std::string& run_error,
                    const std::vector<ExpectationResult>& expectations) {
  JunitCase c{name, classname, JunitCase::Outcome::Pass, "", ""};
  if (not_run) {
    c.outcome = JunitCase::Outcome::Skipped;
    c.message = "not run";
    return c;
  }
  if (!run_error.empty()) {
    c.outcome = JunitCase::Outcome::Error;
    c.message = "run failed: " + run_error;
    return c;
  }
  std::size_t failed = 0, errors = 0;
  std::string first;
  for (const auto& e : expectations) {
    c.details += fmt::format("{}: {}: {}\n", verdict_name(e.verdict), e.text, e.message);
    if (e.verdict == Verdict::Pass) continue;
    (e.verdict == Verdict::Fail ? failed : errors) += 1;
    if (first.empty()) first = e.message;
  }
  if (errors > 0) {
    c.outcome = JunitCase::Outcome::Error;
    c.message = fmt::format("{} expectation(s) cannot be evaluated: {}", errors, first);
  } else if (failed > 0) {
    c.outcome = JunitCase::Outcome::Failure;
    c.message = fmt::format("{} of {} expectation(s) violated: {}", failed, expectations.size(), first);
  }
  return c;
}

std::vector<JunitCase> junit_cases(const std::string& suite, const BatchReport& report) {
  std::vector<JunitCase> cases;
  for (const auto& pr : report.points) {
    const std::string name = pr.plan->label == pr.plan->id ? pr.plan->id : pr.plan->id + " " + pr.plan->label;
    const bool not_run = pr.result == nullptr;
    const std::string err = !not_run && pr.result->status != PointStatus::Ok
                                ? (pr.result->error.empty() ? std::string("failed") : pr.result->error)
                                : "";
    cases.push_back(make_case(name, "tokenfab." + suite, not_run, err, pr.expectations));
  }
  return cases;
}

std::string junit_xml(const std::string& suite, const std::vector<JunitCase>& cases) {
  std::size_t failures = 0, errors = 0, skipped = 0;
  for (const auto& c : cases) {
    failures += c.outcome == JunitCase::Outcome::Failure;
    errors += c.outcome == JunitCase::Outcome::Error;
    skipped += c.outcome == JunitCase::Outcome::Skipped;
  }
  const std::string counts =
      fmt::format("tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"", cases.size(), failures, errors, skipped);
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += fmt::format("<testsuites name=\"tokenfab\" {}>\n", counts);
  x += fmt::format("  <testsuite name=\"{}\" {}>\n", xml_escape(suite), counts);
  for (const auto& c : cases) {
    x += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", xml_escape(c.classname), xml_escape(c.name));
    const char* tag = c.outcome == JunitCase::Outcome::Failure ? "failure"
                      : c.outcome == JunitCase::Outcome::Error ? "error"
                      : c.outcome == JunitCase::Outcome::Skipped ? "skipped"
                                                                 : nullptr;
    if (!tag && c.details.empty()) {
      x += "/>\n";
      continue;
    }
    x += ">\n";
    if (tag) {
      x += fmt::format("      <{} message=\"{}\"", tag, xml_escape(c.message));
      if (c.outcome == JunitCase::Outcome::Skipped) {
        x += "/>\n";
      } else {
        x += fmt::format(" type=\"{}\">{}</{}>\n", c.outcome == JunitCase::Outcome::Failure ? "expectation" : "error",
                         xml_escape(c.details.empty() ? c.message : c.details), tag);
      }
    }
    if (!c.details.empty()) x += fmt::format("      <system-out>{}</system-out>\n", xml_escape(c.details));
    x += "    </testcase>\n";
  }
  x += "  </testsuite>\n</testsuites>\n";
  return x;
}

bool write_junit(const std::string& path, const std::string& suite, const std::vector<JunitCase>& cases) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream out(path, std::ios::binary);
  if (!out) return false;
  out << junit_xml(suite, cases);
  return static_cast<bool>(out);
}

}  // namespace tokenfab::batch
