// backfill_bench: runs one data step through the engine (RunDataStep), for
// bench/backfill.sh. Prints "engine_seconds=<s> rows=<n> batches=<n>".
//   backfill_bench DSN REVISION "STATEMENT" [workers] [batch_size] [target_s] [defer_indexes]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "engine/db/connection.h"
#include "engine/exec/data_step.h"
#include "engine/exec/run_control.h"
#include "engine/log.h"
#include "engine/progress/progress.h"
#include "engine/throttle/throttler.h"
#include "mysql/mysql_dialect.h"

namespace {

class BatchCounter : public sluice::ProgressSink {
 public:
  void OnBatch(const sluice::ProgressSnapshot& s, const sluice::BatchEvent&) override {
    ++batches;
    rows = s.rows_done;
  }
  int batches = 0;
  uint64_t rows = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: %s DSN REVISION \"STATEMENT\" [workers] [batch_size] [target_s] "
                 "[defer_indexes]\n",
                 argv[0]);
    return 2;
  }
  auto dsn = sluice::ParseDsn(argv[1]);
  if (!dsn.ok()) {
    std::fprintf(stderr, "%s\n", dsn.error().message.c_str());
    return 2;
  }
  sluice::DataStepRequest req;
  req.revision = argv[2];
  req.step_index = 1;
  req.statement = argv[3];
  if (argc > 4) req.options.workers = std::atoi(argv[4]);
  if (argc > 5) req.options.batch_size = std::atoi(argv[5]);
  if (argc > 6) req.options.target_batch_seconds = std::atof(argv[6]);
  if (argc > 7) req.options.defer_indexes = argv[7];
  spdlog::set_level(spdlog::level::warn);

  sluice::mysql::MysqlDialect dialect;
  sluice::ConnectionFactory sessions(*dsn);
  sluice::RunControl control;
  sluice::ProgressReporter progress;
  auto counter = std::make_shared<BatchCounter>();
  progress.AddSink(counter);
  sluice::NoThrottler throttler;

  const auto t0 = std::chrono::steady_clock::now();
  sluice::Status st = sluice::RunDataStep(dialect, sessions, req, control, progress, throttler);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!st.ok()) {
    std::fprintf(stderr, "data step failed: %s\n", st.error().ToString().c_str());
    return 1;
  }
  std::printf("engine_seconds=%.3f rows=%llu batches=%d\n", secs,
              static_cast<unsigned long long>(counter->rows), counter->batches);
  return 0;
}
