#include "bench/recommendation.h"

#include <fmt/format.h>

#include <charconv>

#include "bench/report.h"

namespace sluice::bench {

std::vector<Recommendation> Recommend(const BenchResults& r, double p99_budget_s) {
  std::vector<Recommendation> recs;
  for (const ConfigResult& c : r.configs) {
    Recommendation* rec = nullptr;
    for (auto& existing : recs) {
      if (existing.scenario == c.scenario) rec = &existing;
    }
    if (rec == nullptr) {
      recs.push_back(Recommendation{c.scenario, false, c});
      rec = &recs.back();
      rec->within_budget = c.fg_p99_s <= p99_budget_s;
      continue;
    }
    bool fits = c.fg_p99_s <= p99_budget_s;
    if (fits && (!rec->within_budget || c.rows_per_s > rec->config.rows_per_s)) {
      rec->config = c;
      rec->within_budget = true;
    } else if (!fits && !rec->within_budget && c.fg_p99_s < rec->config.fg_p99_s) {
      rec->config = c;
    }
  }
  return recs;
}

std::string FormatRecommendations(const std::vector<Recommendation>& recs, double p99_budget_s) {
  std::string out;
  for (const Recommendation& rec : recs) {
    const ConfigResult& c = rec.config;
    if (c.fg_queries == 0) {
      out += fmt::format(
          "fastest for {} (no foreground load was measured, so no p99 budget applies): "
          "batch {} workers={}{}: {:.0f} rows/s\n  {}\n",
          rec.scenario, BatchLabel(c), c.workers, c.defer_indexes ? " defer-indexes=all" : "",
          c.rows_per_s, c.step_line);
    } else if (rec.within_budget) {
      out += fmt::format(
          "recommended for {} (foreground p99 budget {}): batch {} workers={}{}: {:.0f} "
          "rows/s, foreground p99 {}\n  {}\n",
          rec.scenario, FormatDuration(p99_budget_s), BatchLabel(c), c.workers,
          c.defer_indexes ? " defer-indexes=all" : "", c.rows_per_s, FormatDuration(c.fg_p99_s),
          c.step_line);
    } else {
      out += fmt::format(
          "no configuration of {} kept the foreground p99 within {}; the gentlest was "
          "batch {} workers={} (p99 {}, {:.0f} rows/s): consider --max-rate or "
          "--max-load\n  {}\n",
          rec.scenario, FormatDuration(p99_budget_s), BatchLabel(c), c.workers,
          FormatDuration(c.fg_p99_s), c.rows_per_s, c.step_line);
    }
  }
  return out;
}

Result<double> ParseDurationSeconds(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string_view unit(end, text.data() + text.size() - end);
  double scale = -1;
  if (unit.empty() || unit == "ms") scale = 1e-3;
  if (unit == "s") scale = 1;
  if (unit == "us") scale = 1e-6;
  if (ec != std::errc() || scale < 0 || value <= 0) {
    return InputError(fmt::format("bad duration '{}': use e.g. 25ms, 1.5s or 800us", text));
  }
  return value * scale;
}

}  // namespace sluice::bench
