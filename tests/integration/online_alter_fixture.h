// Shared fixture of the online-alter integration tests: runs a schema change
// through MysqlDialect against the test's own database and reads back state.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "engine/db/connection.h"
#include "engine/exec/run_control.h"
#include "engine/progress/progress.h"
#include "mysql/mysql_dialect.h"
#include "mysql/online_alter.h"
#include "tests/support/test_db.h"

namespace sluice::testing {

// Calls `fn` on each batch (e.g. to stop or abort mid-copy) and records phases.
class HookSink : public ProgressSink {
 public:
  std::function<void(const ProgressSnapshot&)> on_batch;
  std::function<void(const ProgressSnapshot&)> on_snapshot;
  void OnBatch(const ProgressSnapshot& s, const BatchEvent&) override {
    if (on_batch) on_batch(s);
  }
  void OnSnapshot(const ProgressSnapshot& s) override {
    if (on_snapshot) on_snapshot(s);
  }
};

class OnlineAlterTest : public TestDatabase {
 protected:
  SchemaChangeRequest Request(const std::string& table, const std::string& spec,
                              const std::string& strategy = "auto") {
    SchemaChangeRequest r;
    r.table = {db_name(), table};
    r.alter_spec = spec;
    r.statement = "ALTER TABLE " + table + " " + spec;
    r.options.strategy = strategy;
    r.options.workers = 2;
    r.options.batch_size = 500;
    r.revision = "alter:" + table;
    r.step_index = 1;
    return r;
  }

  Result<std::unique_ptr<SchemaChange>> Plan(const SchemaChangeRequest& r) {
    if (!factory_) factory_ = std::make_unique<ConnectionFactory>(dsn());
    return mysql::PlanOnlineAlter(dialect_, *factory_, r, false, tuning_);
  }

  // Plans and runs; returns the strategy used, or the error message.
  struct Outcome {
    bool ok = false;
    std::string strategy;
    std::string error;
  };
  Outcome Alter(const std::string& table, const std::string& spec,
                const std::string& strategy = "auto") {
    return Run(Request(table, spec, strategy));
  }
  Outcome Run(const SchemaChangeRequest& r) {
    Outcome o;
    auto plan = Plan(r);
    if (!plan.ok()) {
      o.error = plan.error().message;
      return o;
    }
    o.strategy = (*plan)->Strategy();
    Status st = (*plan)->Run(*control_, progress_);
    o.ok = st.ok();
    if (!st.ok()) o.error = st.error().message;
    return o;
  }

  bool TableExists(const std::string& t) {
    return Scalar(
               "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
               "DATABASE() AND TABLE_NAME = '" +
               t + "'") != "0";
  }
  std::string Triggers() {
    return Scalar(
        "SELECT COALESCE(GROUP_CONCAT(TRIGGER_NAME ORDER BY TRIGGER_NAME), '') FROM "
        "information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = DATABASE()");
  }
  std::string ShowCreate(const std::string& t) {
    auto r = conn().Query("SHOW CREATE TABLE `" + t + "`");
    return r.ok() && !r->rows.empty() ? r->rows[0][1].value_or("") : "";
  }
  // COUNT and an order-independent checksum of `cols` of table `t`.
  std::string Checksum(const std::string& t, const std::string& cols) {
    return Scalar("SELECT CONCAT(COUNT(*), '/', COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', " + cols +
                  "))), 0)) FROM `" + t + "`");
  }
  // `n` rows in orders(id, customer, amount, note), 3 secondary indexes.
  void MakeOrders(int n, const std::string& table = "orders") {
    Exec("CREATE TABLE `" + table +
         "` (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, customer INT "
         "NOT NULL, amount DECIMAL(10,2) NOT NULL, note VARCHAR(40) NULL, KEY (customer), "
         "KEY (amount), KEY (note))");
    Exec("INSERT INTO `" + table +
         "` (customer, amount, note) SELECT seq % 97, seq * 1.25, "
         "CONCAT('n', seq) FROM seq_1_to_" +
         std::to_string(n));
  }

  mysql::MysqlDialect dialect_;
  std::unique_ptr<ConnectionFactory> factory_;
  mysql::OnlineAlterTuning tuning_;
  std::unique_ptr<RunControl> control_ = std::make_unique<RunControl>();
  ProgressReporter progress_;
};

}  // namespace sluice::testing
