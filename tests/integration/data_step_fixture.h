// Shared fixture of the data step integration tests: runs RunDataStep with
// the MySQL dialect against this test's own database.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "engine/db/connection.h"
#include "engine/exec/data_step.h"
#include "engine/exec/run_control.h"
#include "engine/progress/progress.h"
#include "engine/throttle/throttler.h"
#include "mysql/mysql_dialect.h"
#include "tests/support/test_db.h"

namespace sluice::testing {

// Counts batches and calls a hook on each one (e.g. to stop the run).
class CountingSink : public ProgressSink {
 public:
  void OnBatch(const ProgressSnapshot& s, const BatchEvent& e) override {
    if (e.outcome == BatchOutcome::kOk) ok_batches++;
    last_rows_done = s.rows_done;
    if (on_batch) on_batch(ok_batches.load());
  }
  void OnRetry(const ProgressSnapshot&, ErrorClass, const Error&) override { retries++; }
  void OnFinish(const ProgressSnapshot& s, const Status&) override { finish_phase = s.phase; }
  std::atomic<int> ok_batches{0};
  std::atomic<int> retries{0};
  std::atomic<uint64_t> last_rows_done{0};
  std::function<void(int)> on_batch;
  std::string finish_phase;  // the phase the step ended in
};

class DataStepTest : public TestDatabase {
 protected:
  void SetUp() override {
    TestDatabase::SetUp();
    sink_ = std::make_shared<CountingSink>();
    progress_ = std::make_unique<ProgressReporter>();
    progress_->AddSink(sink_);
  }

  static DataStepOptions Options(int batch_size = 100, int workers = 4) {
    DataStepOptions o;
    o.batch_size = batch_size;
    o.workers = workers;
    return o;
  }

  Status Run(const std::string& statement, DataStepOptions o, const std::string& revision = "r1",
             RunControl* control = nullptr) {
    DataStepRequest req;
    req.revision = revision;
    req.step_index = 1;
    req.statement = statement;
    req.options = o;
    ConnectionFactory factory(dsn());
    RunControl own;
    return RunDataStep(dialect_, factory, req, control ? *control : own, *progress_, throttler_);
  }

  // Table t(id BIGINT PK, n INT) with ids 1..rows, n = 0.
  void MakeIntTable(int rows, const std::string& name = "t") {
    Exec("CREATE TABLE " + name + " (id BIGINT NOT NULL PRIMARY KEY, n INT NOT NULL DEFAULT 0)");
    if (rows > 0) {
      Exec("INSERT INTO " + name + " (id) SELECT seq FROM seq_1_to_" + std::to_string(rows));
    }
  }

  mysql::MysqlDialect dialect_;
  NoThrottler throttler_;
  std::shared_ptr<CountingSink> sink_;
  std::unique_ptr<ProgressReporter> progress_;
};

}  // namespace sluice::testing
