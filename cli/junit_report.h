// A JUnit XML report (the format CI systems read) for `sluice test`.
#pragma once

#include <string>
#include <vector>

#include "engine/status.h"

namespace sluice::cli {

struct TestCaseResult {
  std::string suite;    // "stairway", "graph", "schema"
  std::string name;     // the revision, or what was checked
  std::string failure;  // empty: passed
};

std::string JunitXml(const std::vector<TestCaseResult>& cases);
Status WriteJunit(const std::string& path, const std::vector<TestCaseResult>& cases);

}  // namespace sluice::cli
