#include "bench/report.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace sluice::bench {

Status WriteTextFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return RuntimeError(fmt::format("cannot write {}", path));
  return Status::Ok();
}

namespace {

std::string Ratio(double r) { return r > 0 ? fmt::format("{:.2f}x", r) : "-"; }

}  // namespace

std::string FormatDuration(double seconds) {
  if (seconds <= 0) return "-";
  if (seconds < 1e-3) return fmt::format("{:.0f} us", seconds * 1e6);
  if (seconds < 1) return fmt::format("{:.1f} ms", seconds * 1e3);
  return fmt::format("{:.2f} s", seconds);
}

std::string BatchLabel(const ConfigResult& c) {
  if (c.batch_size > 0) return std::to_string(c.batch_size);
  std::string out = "auto";
  if (c.target_batch_s > 0) out += fmt::format("/{:g}ms", c.target_batch_s * 1000);
  if (c.lock_wait_budget_s > 0) out += fmt::format(" lw{:g}ms", c.lock_wait_budget_s * 1000);
  return out;
}

std::string ScenarioLabel(const ConfigResult& c) {
  if (c.capture.empty() || c.capture == "auto") return c.scenario;
  return c.scenario + "/" + c.capture;
}

std::string FormatTable(const BenchResults& r) {
  std::string out = fmt::format(
      "sluice bench: {} rows, pk {}, {} secondary indexes, {}-byte rows; {} ({})\n"
      "foreground: {} threads x {:g} q/s; idle p50 {}, p99 {} ({} queries)\n\n",
      r.rows, r.pk, r.secondary_indexes, r.row_width, r.server, r.dialect, r.fg_threads,
      r.fg_rate, FormatDuration(r.idle_p50_s), FormatDuration(r.idle_p99_s), r.idle_queries);
  out += fmt::format("{:<14} {:>16} {:>7} {:>5} {:>10} {:>9} {:>11} {:>10} {:>10} {:>10} {:>8} {:>7}\n",
                     "scenario", "batch", "workers", "defer", "rows", "seconds", "rows/s",
                     "batch p50", "batch p99", "fg p99", "fg/idle", "fg err");
  for (const ConfigResult& c : r.configs) {
    out += fmt::format(
        "{:<14} {:>16} {:>7} {:>5} {:>10} {:>9.2f} {:>11.0f} {:>10} {:>10} {:>10} {:>8} {:>7}\n",
        ScenarioLabel(c), BatchLabel(c), c.workers, c.defer_indexes ? "on" : "off", c.rows, c.seconds,
        c.rows_per_s, FormatDuration(c.batch_p50_s), FormatDuration(c.batch_p99_s),
        FormatDuration(c.fg_p99_s), Ratio(c.fg_p99_ratio), c.fg_errors);
  }
  return out;
}

std::string CsvHeader() {
  return "scenario,batch_size,workers,defer_indexes,repeats,rows,seconds,rows_per_s,batches,"
         "retries,batch_p50_ms,batch_p99_ms,fg_p99_ms,fg_p99_ratio,fg_queries,fg_errors,"
         "idle_p99_ms,target_batch_ms,lock_wait_budget_ms,capture";
}

std::string FormatCsv(const BenchResults& r) {
  std::string out = CsvHeader() + "\n";
  for (const ConfigResult& c : r.configs) {
    out += fmt::format("{},{},{},{},{},{},{:.4f},{:.1f},{},{},{:.3f},{:.3f},{:.3f},{:.3f},{},{},{:.3f},{:g},{:g},{}\n",
                       c.scenario, c.batch_size, c.workers, c.defer_indexes ? "on" : "off",
                       c.repeats, c.rows, c.seconds, c.rows_per_s, c.batches, c.retries,
                       c.batch_p50_s * 1e3, c.batch_p99_s * 1e3, c.fg_p99_s * 1e3,
                       c.fg_p99_ratio, c.fg_queries, c.fg_errors, r.idle_p99_s * 1e3,
                       c.target_batch_s * 1e3, c.lock_wait_budget_s * 1e3,
                       c.capture.empty() ? "-" : c.capture);  // "-": no shadow copy
  }
  return out;
}

std::string FormatJson(const BenchResults& r) {
  nlohmann::json j;
  j["date"] = r.date;
  j["machine"] = r.machine;
  j["server"] = r.server;
  j["dialect"] = r.dialect;
  j["table"] = {{"rows", r.rows},
                {"pk", r.pk},
                {"secondary_indexes", r.secondary_indexes},
                {"row_width", r.row_width}};
  j["foreground"] = {{"threads", r.fg_threads}, {"rate_per_thread", r.fg_rate}};
  j["idle"] = {{"p50_ms", r.idle_p50_s * 1e3},
               {"p99_ms", r.idle_p99_s * 1e3},
               {"queries", r.idle_queries}};
  j["setup_seconds"] = r.setup_seconds;
  j["total_seconds"] = r.total_seconds;
  j["configs"] = nlohmann::json::array();
  for (const ConfigResult& c : r.configs) {
    j["configs"].push_back({{"scenario", c.scenario},
                            {"batch_size", c.batch_size},
                            {"target_batch_ms", c.target_batch_s * 1e3},
                            {"lock_wait_budget_ms", c.lock_wait_budget_s * 1e3},
                            {"capture", c.capture},
                            {"workers", c.workers},
                            {"defer_indexes", c.defer_indexes},
                            {"repeats", c.repeats},
                            {"rows", c.rows},
                            {"seconds", c.seconds},
                            {"rows_per_s", c.rows_per_s},
                            {"batches", c.batches},
                            {"retries", c.retries},
                            {"batch_p50_ms", c.batch_p50_s * 1e3},
                            {"batch_p99_ms", c.batch_p99_s * 1e3},
                            {"fg_p99_ms", c.fg_p99_s * 1e3},
                            {"fg_p99_ratio", c.fg_p99_ratio},
                            {"fg_queries", c.fg_queries},
                            {"fg_errors", c.fg_errors},
                            {"step_line", c.step_line}});
  }
  return j.dump(2) + "\n";
}

Status WriteReportFiles(const BenchResults& r, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return RuntimeError(fmt::format("cannot create {}: {}", dir, ec.message()));
  SLUICE_TRY(WriteTextFile((std::filesystem::path(dir) / "results.csv").string(), FormatCsv(r)));
  return WriteTextFile((std::filesystem::path(dir) / "results.json").string(), FormatJson(r));
}

}  // namespace sluice::bench
