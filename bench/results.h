// What a bench invocation measured: one row per sweep configuration (the
// median of its repeats) plus the idle foreground baseline. The report,
// charts and recommendation read this.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::bench {

struct ConfigResult {
  std::string scenario;        // "backfill", "purge", "copy", "alter", "add-index"
  int batch_size = 0;          // fixed size; 0: auto
  double target_batch_s = 0;   // auto: the target batch time (0: the engine's default)
  double lock_wait_budget_s = 0;  // the lock-wait controller's budget (0: off)
  std::string capture;         // alter: the shadow copy's capture ("": not an alter)
  int workers = 0;
  bool defer_indexes = false;
  int repeats = 0;             // runs behind the medians
  uint64_t rows = 0;           // rows processed (median over repeats)
  double seconds = 0;          // wall time of the step (median)
  double rows_per_s = 0;       // rows / seconds
  uint64_t batches = 0;        // successful batches (median)
  uint64_t retries = 0;        // retried or shrunk batches (all repeats)
  double batch_p50_s = 0;      // batch duration percentiles (median over repeats)
  double batch_p99_s = 0;
  double fg_p99_s = 0;         // foreground query p99 during the step (median)
  double fg_p99_ratio = 0;     // fg_p99_s / the idle baseline's p99 (0: no baseline)
  uint64_t fg_queries = 0;     // foreground queries during the runs (all repeats)
  uint64_t fg_errors = 0;      // of which failed
  std::string step_line;       // the revision-file line for this configuration
};

// "5000", "auto" or "auto/50ms", for tables and messages.
std::string BatchLabel(const ConfigResult& c);
// "alter", or "alter/binlog" when the capture was asked for, for tables.
std::string ScenarioLabel(const ConfigResult& c);

struct BenchResults {
  std::string date;            // UTC, ISO 8601
  std::string machine;         // host name, CPUs, memory
  std::string server;          // VERSION()
  std::string dialect;         // "mysql" or "tidb"
  uint64_t rows = 0;           // synthetic table rows
  std::string pk;              // primary-key shape
  int secondary_indexes = 0;
  int row_width = 0;
  int fg_threads = 0;          // foreground load: client threads
  double fg_rate = 0;          // queries/s per thread
  double idle_p50_s = 0;       // foreground latency with nothing else running
  double idle_p99_s = 0;
  uint64_t idle_queries = 0;
  double setup_seconds = 0;    // creating and loading the table
  double total_seconds = 0;    // the whole invocation
  std::vector<ConfigResult> configs;
};

}  // namespace sluice::bench
