// The recommendation: per scenario, the fastest configuration whose
// foreground p99 stays within the budget, and the revision-file line that
// uses it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bench/results.h"
#include "engine/status.h"

namespace sluice::bench {

struct Recommendation {
  std::string scenario;
  bool within_budget = false;  // false: no configuration met the budget
  ConfigResult config;         // the pick; when none met it, the lowest fg p99
};

// One per scenario, in the order the scenarios first appear.
std::vector<Recommendation> Recommend(const BenchResults& r, double p99_budget_s);

// The lines printed after the table.
std::string FormatRecommendations(const std::vector<Recommendation>& recs, double p99_budget_s);

// "25ms", "1.5s", "800us", or a bare number of milliseconds.
Result<double> ParseDurationSeconds(std::string_view text);

}  // namespace sluice::bench
