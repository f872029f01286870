// The binlog capture of a shadow copy, on a MariaDB of the test's own with
// MariaDB's default innodb_autoinc_lock_mode=1 and a ROW binlog: the case
// where copy triggers can cost the application a deadlock, so `auto` picks
// the binary log. Application threads update, insert, delete and move keys
// during the copies; no application statement may fail, and with the
// cut-over postponed until the load has stopped, the new table must equal
// the old one row for row.
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <random>
#include <thread>

#include "engine/db/connection.h"
#include "engine/exec/run_control.h"
#include "engine/progress/progress.h"
#include "mysql/mysql_dialect.h"
#include "mysql/online_alter.h"
#include "tests/support/own_server.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kRows = 30000;

class BinlogCaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err = server_.Start(
        "binlog", {"--log-bin=binlog", "--binlog-format=ROW", "--server-id=1",
                   "--innodb-autoinc-lock-mode=1", "--sync-binlog=0"});
    ASSERT_EQ(err, "");
    Dsn d = server_.dsn();
    auto c = Connection::Open(d);
    ASSERT_TRUE(c.ok()) << c.error().message;
    ASSERT_TRUE((*c)->Exec("CREATE DATABASE app").ok());
    dsn_ = d;
    dsn_.database = "app";
    conn_ = std::move(Connection::Open(dsn_).value());
    Exec("CREATE TABLE orders (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, customer INT NOT "
         "NULL, amount INT NOT NULL, note VARCHAR(40), KEY (customer))");
    Exec("INSERT INTO orders (customer, amount, note) SELECT seq % 997, seq, CONCAT('n', seq) "
         "FROM seq_1_to_" + std::to_string(kRows));
  }
  void Exec(const std::string& sql) {
    auto r = conn_->Exec(sql);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.error().message;
  }
  std::string Scalar(const std::string& sql) {
    auto r = conn_->Query(sql);
    if (!r.ok() || r->rows.empty()) return "error: " + (r.ok() ? "no row" : r.error().message);
    return r->rows[0][0].value_or("NULL");
  }
  std::string Checksum(const std::string& t) {
    return Scalar("SELECT CONCAT(COUNT(*), '/', BIT_XOR(CRC32(CONCAT_WS('#', id, customer, "
                  "amount, note)))) FROM " + t);
  }
  SchemaChangeRequest Request(const std::string& spec) {
    SchemaChangeRequest r;
    r.table = {"app", "orders"};
    r.alter_spec = spec;
    r.statement = "ALTER TABLE orders " + spec;
    r.options.strategy = "copy";
    r.options.workers = 4;
    r.revision = "alter:app.orders";
    r.step_index = 1;
    return r;
  }

  OwnServer server_;
  Dsn dsn_;
  std::unique_ptr<Connection> conn_;
};

// Autocommit writes as an application makes them: point updates, inserts,
// deletes and key moves on random ids. Counts the statements that fail,
// except the load's own duplicate keys (a key moved onto a taken one).
class Writers {
 public:
  Writers(const Dsn& dsn, int threads) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this, dsn, i] { Loop(dsn, i); });
  }
  ~Writers() { Stop(); }
  void Stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  std::atomic<int> statements{0}, errors{0};
  std::string first_error;

 private:
  void Loop(const Dsn& dsn, int seed) {
    auto c = Connection::Open(dsn);
    if (!c.ok()) {
      errors++;
      return;
    }
    std::mt19937 rng(static_cast<unsigned>(seed * 7919 + 3));
    std::uniform_int_distribution<int> id(1, kRows), kind(0, 99);
    while (!stop_) {
      const int k = id(rng), what = kind(rng);
      std::string sql =
          what < 60   ? "UPDATE orders SET amount = amount + 1, note = 'u' WHERE id = " +
                            std::to_string(k)
          : what < 85 ? "INSERT INTO orders (customer, amount, note) VALUES (1, 2, 'i')"
          : what < 95 ? "DELETE FROM orders WHERE id = " + std::to_string(k)
                      : "UPDATE orders SET id = id + 10000000 WHERE id = " + std::to_string(k);
      auto r = (*c)->Exec(sql);
      statements++;
      if (!r.ok() && r.error().code != 1062) {
        if (errors++ == 0) first_error = sql + ": " + r.error().ToString();
      }
    }
  }
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

TEST_F(BinlogCaptureTest, NoApplicationErrorAndNoRowLostUnderAutoIncLockMode1) {
  ConnectionFactory factory(dsn_);
  mysql::MysqlDialect dialect;
  mysql::OnlineAlterTuning tuning;
  ProgressReporter progress;
  int total = 0;
  for (int run = 0; run < 3; ++run) {
    const char* spec = run % 2 == 0 ? "MODIFY COLUMN amount BIGINT NOT NULL"
                                    : "MODIFY COLUMN amount INT NOT NULL";
    SchemaChangeRequest r = Request(spec);
    r.options.postpone_cut_over = true;
    r.options.keep_old_table = true;
    auto plan = mysql::PlanOnlineAlter(dialect, factory, r, false, tuning);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    RunControl control;
    Status st = Status::Ok();
    Writers app(dsn_, 4);
    std::thread alter([&] { st = (*plan)->Run(control, progress); });
    // The copy runs with no trigger on the table: the binary log carries
    // the writes. Its marker row says so.
    std::string marker;
    for (int i = 0; i < 300 && marker != "1"; ++i) {
      std::this_thread::sleep_for(20ms);
      marker = Scalar("SELECT COUNT(*) FROM sluice_checkpoint WHERE seq = -4");
    }
    EXPECT_EQ(marker, "1");
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE "
                     "EVENT_OBJECT_SCHEMA = 'app'"),
              "0");
    std::this_thread::sleep_for(1500ms);  // writes during the copy, the checksum, the wait
    app.Stop();
    control.RequestCutOver();
    alter.join();
    ASSERT_TRUE(st.ok()) << st.error().message;
    total += app.statements.load();
    EXPECT_GT(app.statements.load(), 100);
    EXPECT_EQ(app.errors.load(), 0) << app.first_error;
    // Nothing written after the load stopped: both tables hold the same rows.
    EXPECT_EQ(Checksum("orders"), Checksum("orders_sluice_old")) << "run " << run;
    Exec("DROP TABLE orders_sluice_old");
    Exec("DELETE FROM sluice_checkpoint");
  }
  std::cout << total << " application writes during 3 binlog-captured copies, 0 failed\n";
}

// Tells when the copy waits for its (postponed) cut-over: the checksum is
// over, and from then on only the capture keeps the new table in step.
class PhaseWatch : public ProgressSink {
 public:
  void OnSnapshot(const ProgressSnapshot& s) override {
    if (s.phase == "waiting for cut-over") waiting = true;
  }
  std::atomic<bool> waiting{false};
};

std::string Why(const Status& st) { return st.ok() ? "no error" : st.error().message; }

// A binlog-captured alter with its cut-over postponed, run on a thread of
// its own: Start() returns once the copy waits for the cut-over.
class PostponedAlter {
 public:
  explicit PostponedAlter(const Dsn& dsn) : factory_(dsn) { progress_.AddSink(watch_); }
  ~PostponedAlter() { (void)Finish(); }
  bool Start(SchemaChangeRequest r) {
    r.options.capture = "binlog";
    r.options.postpone_cut_over = true;
    auto plan = mysql::PlanOnlineAlter(dialect_, factory_, r, false, mysql::OnlineAlterTuning{});
    if (!plan.ok()) {
      status_ = plan.error();
      return false;
    }
    plan_ = std::move(plan).value();
    thread_ = std::thread([this] {
      status_ = plan_->Run(control_, progress_);
      finished_ = true;
    });
    for (int i = 0; i < 3000 && !watch_->waiting && !finished_; ++i) {
      std::this_thread::sleep_for(20ms);
    }
    return watch_->waiting;
  }
  // Asks for the cut-over (unless `cut_over` is false) and waits for the end.
  // A run that has not ended 2 minutes later is stopped: a stuck capture
  // fails the test instead of hanging it.
  Status Finish(bool cut_over = true) {
    if (cut_over) control_.RequestCutOver();
    for (int i = 0; i < 6000 && !finished_; ++i) std::this_thread::sleep_for(20ms);
    const bool stuck = !finished_;
    if (stuck) control_.RequestAbort("the test's time limit");
    if (thread_.joinable()) thread_.join();
    if (stuck) return RuntimeError("the alter did not end within 2 minutes: " + Why(status_));
    return status_;
  }

 private:
  ConnectionFactory factory_;
  mysql::MysqlDialect dialect_;
  RunControl control_;
  ProgressReporter progress_;
  std::shared_ptr<PhaseWatch> watch_ = std::make_shared<PhaseWatch>();
  std::unique_ptr<SchemaChange> plan_;
  Status status_ = Status::Ok();
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

// A BINARY(4) key whose values end in 0x00: the server logs them without
// those bytes. Changed after the checksum, while the cut-over waits, the
// rows must still reach the new table.
TEST_F(BinlogCaptureTest, BinaryKeysEndingInZeroBytesAreFollowed) {
  Exec("CREATE TABLE bk (id BINARY(4) NOT NULL PRIMARY KEY, v INT NOT NULL)");
  Exec("INSERT INTO bk SELECT UNHEX(CONCAT(LPAD(HEX(seq), 6, '0'), '00')), seq FROM seq_1_to_3000");
  SchemaChangeRequest r = Request("MODIFY COLUMN v BIGINT NOT NULL");
  r.table = {"app", "bk"};
  r.statement = "ALTER TABLE bk " + r.alter_spec;
  PostponedAlter alter(dsn_);
  ASSERT_TRUE(alter.Start(r)) << "the copy never reached its cut-over: " << Why(alter.Finish(false));
  Exec("UPDATE bk SET v = -v WHERE v % 10 = 0");
  Exec("DELETE FROM bk WHERE v % 7 = 0");
  Exec("INSERT INTO bk VALUES (UNHEX('FFFFFF00'), 1)");
  Status st = alter.Finish();
  ASSERT_TRUE(st.ok()) << st.error().message;
  // Every change made while the cut-over waited is in the new table.
  EXPECT_EQ(Scalar("SELECT CONCAT(COUNT(*), '/', SUM(v)) FROM bk"),
            Scalar("SELECT CONCAT(COUNT(*) + 1, '/', SUM(IF(seq % 10 = 0, -seq, seq)) + 1) FROM "
                   "seq_1_to_3000 WHERE seq % 7 <> 0"));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM bk WHERE id = UNHEX('FFFFFF00')"), "1");
}

// The server moves to a new binlog file (FLUSH BINARY LOGS, or a file
// reaching max_binlog_size during a large copy) while the cut-over waits:
// the changes written before and after the switch reach the new table.
// Connector/C misreads the rotate event; before sluice read it itself, the
// capture stopped at the old file's end and the cut-over could not drain.
TEST_F(BinlogCaptureTest, ChangesAcrossABinlogRotationAreFollowed) {
  PostponedAlter alter(dsn_);
  ASSERT_TRUE(alter.Start(Request("MODIFY COLUMN amount BIGINT NOT NULL")))
      << "the copy never reached its cut-over: " << Why(alter.Finish(false));
  Exec("UPDATE orders SET amount = -amount WHERE id % 10 = 0");
  Exec("FLUSH BINARY LOGS");
  Exec("DELETE FROM orders WHERE id % 7 = 0");
  Exec("FLUSH BINARY LOGS");
  Exec("UPDATE orders SET note = 'after' WHERE id % 11 = 0");
  const std::string want = Checksum("orders");
  Status st = alter.Finish();
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(Checksum("orders"), want);
}

// A session that logs its statements (binlog_format=STATEMENT) changes the
// table during the copy: the row capture cannot follow, so the alter fails
// naming the table and the statement, and nothing is swapped.
TEST_F(BinlogCaptureTest, AStatementLoggedChangeFailsTheCaptureByName) {
  PostponedAlter alter(dsn_);
  ASSERT_TRUE(alter.Start(Request("MODIFY COLUMN amount BIGINT NOT NULL")))
      << "the copy never reached its cut-over: " << Why(alter.Finish(false));
  auto other = Connection::Open(dsn_);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Exec("SET SESSION binlog_format = 'STATEMENT'").ok());
  ASSERT_TRUE((*other)->Exec("UPDATE orders SET note = 'stmt' WHERE id = 7").ok());
  Status st = alter.Finish(/*cut_over=*/false);  // the capture stops the copy
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("statement-logged change that names `app`.`orders`"),
            std::string::npos)
      << st.error().message;
  EXPECT_NE(st.error().message.find("UPDATE orders SET note = 'stmt' WHERE id = 7"),
            std::string::npos)
      << st.error().message;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app' AND "
                   "TABLE_NAME = 'orders_sluice_old'"),
            "0");
  EXPECT_EQ(Scalar("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'app' "
                   "AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'amount'"),
            "int");
}

// Asked for explicitly where the server cannot feed it: a clear refusal.
TEST_F(BinlogCaptureTest, CaptureBinlogWithoutARowBinlogIsRefused) {
  Exec("SET GLOBAL binlog_format = 'STATEMENT'");
  ConnectionFactory factory(dsn_);
  mysql::MysqlDialect dialect;
  SchemaChangeRequest r = Request("MODIFY COLUMN amount BIGINT NOT NULL");
  r.options.capture = "binlog";
  auto plan = mysql::PlanOnlineAlter(dialect, factory, r, false, mysql::OnlineAlterTuning{});
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  RunControl control;
  ProgressReporter progress;
  Status st = (*plan)->Run(control, progress);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("binlog_format is STATEMENT, not ROW"), std::string::npos)
      << st.error().message;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME = "
                   "'orders_sluice_new'"),
            "0");
}

}  // namespace
}  // namespace sluice::testing
