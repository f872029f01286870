// Concurrent DDL during a shadow copy: another session alters, truncates or
// renames the original, or drops the shadow or a copy trigger, during the
// copy, the checksum or a postponed cut-over. The guard notices within about
// a second, drops the triggers (application writes work again), drops the
// shadow and fails the step naming what changed; the other session's change
// is kept.
#include <atomic>
#include <iostream>
#include <thread>

#include "mysql/cut_over.h"
#include "tests/integration/online_alter_fixture.h"

namespace sluice::testing {
namespace {

class DdlTest : public OnlineAlterTest {
 protected:
  // Runs MODIFY customer BIGINT as a copy in the background, pauses it at
  // `phase` ("copy", "checksum" or "waiting for cut-over"), runs `ddl` from
  // another session and waits for the run to end.
  Outcome AlterWithDdlAt(const std::string& phase, const std::vector<std::string>& ddl) {
    auto req = Request("orders", "MODIFY customer BIGINT NOT NULL", "copy");
    req.options.postpone_cut_over = phase == "waiting for cut-over";
    auto sink = std::make_shared<HookSink>();
    std::atomic<bool> reached{false};
    auto hold = [&, phase](const std::string& now) {
      if (now != phase || reached) return;
      if (phase != "waiting for cut-over") control_->Pause();  // stay in this phase
      reached = true;
    };
    sink->on_batch = [&](const ProgressSnapshot& s) { hold(s.phase); };
    sink->on_snapshot = [&](const ProgressSnapshot& s) { hold(s.phase); };
    progress_.AddSink(sink);
    Outcome o;
    std::thread run([&] { o = Run(req); });
    for (int i = 0; i < 600 && !reached; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(reached.load()) << "never reached " << phase;
    auto other = NewConnection();
    ddl_at_ = std::chrono::steady_clock::now();
    for (const auto& stmt : ddl) EXPECT_TRUE(other->Exec(stmt).ok()) << stmt;
    // The application keeps writing; count how long its writes fail.
    WriteUntilTriggersGone();
    run.join();
    sink->on_batch = nullptr;
    sink->on_snapshot = nullptr;
    return o;
  }

  // Inserts into orders every 20 ms until the copy triggers are gone; the
  // time the writes failed for and the time until the triggers went.
  void WriteUntilTriggersGone() {
    auto app = NewConnection();
    std::chrono::steady_clock::time_point first_failure{};
    for (int i = 0; i < 500; ++i) {
      auto r = app->Exec("INSERT INTO orders (customer, amount) VALUES (3, 3)");
      auto now = std::chrono::steady_clock::now();
      if (!r.ok() && first_failure == std::chrono::steady_clock::time_point{}) {
        first_failure = now;
        first_error_ = r.error().message;
      }
      if (r.ok() && first_failure != std::chrono::steady_clock::time_point{}) {
        refused_s_ =
            std::max(refused_s_, std::chrono::duration<double>(now - first_failure).count());
        first_failure = {};
      }
      if (r.ok()) ++app_inserts_;
      if (Triggers().empty()) {
        gone_s_ = std::chrono::duration<double>(now - ddl_at_).count();
        if (!r.ok()) continue;  // one more try: writes must work now
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  void ExpectCleanFailure(const Outcome& o, const std::string& names) {
    ASSERT_FALSE(o.ok);
    EXPECT_NE(o.error.find("concurrent DDL on"), std::string::npos) << o.error;
    EXPECT_NE(o.error.find(names), std::string::npos) << o.error;
    EXPECT_EQ(Triggers(), "");
    EXPECT_FALSE(TableExists("orders_sluice_new"));
    EXPECT_FALSE(TableExists("orders_sluice_old"));
    EXPECT_LT(gone_s_, 3.0) << "the copy triggers stayed for " << gone_s_ << " s";
    EXPECT_LT(refused_s_, 3.0) << "application writes failed for " << refused_s_ << " s";
    std::cout << "[ddl] detection: triggers gone " << gone_s_ << " s after the DDL; writes refused "
              << refused_s_ << " s" << std::endl;
  }

  std::chrono::steady_clock::time_point ddl_at_;
  double gone_s_ = -1;
  double refused_s_ = 0;
  int app_inserts_ = 0;
  std::string first_error_;
};

TEST_F(DdlTest, AddColumnWhileWaitingForTheCutOverIsKept) {
  MakeOrders(2000);
  auto o = AlterWithDdlAt("waiting for cut-over",
                          {"ALTER TABLE orders ADD COLUMN sneaky INT NULL DEFAULT 7",
                           "UPDATE orders SET sneaky = 42 WHERE id <= 10"});
  ExpectCleanFailure(o, "column `sneaky` added");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE sneaky = 42"), "10");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders"), std::to_string(2000 + app_inserts_));
  EXPECT_EQ(ShowCreate("orders").find("bigint"), std::string::npos);  // not altered
}

TEST_F(DdlTest, DropColumnDuringTheCopyFreesApplicationWritesAtOnce) {
  MakeOrders(20000);
  auto o = AlterWithDdlAt("copy", {"ALTER TABLE orders DROP COLUMN note"});
  ExpectCleanFailure(o, "column `note` dropped");
  EXPECT_EQ(ShowCreate("orders").find("`note`"), std::string::npos);  // stays dropped
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders"), std::to_string(20000 + app_inserts_));
}

TEST_F(DdlTest, AddIndexDuringTheChecksum) {
  MakeOrders(3000);
  tuning_.checksum.chunk_rows = 300;
  auto o =
      AlterWithDdlAt("checksum", {"ALTER TABLE orders ADD INDEX k_amount_note (amount, note)"});
  ExpectCleanFailure(o, "index `k_amount_note` added");
  EXPECT_NE(ShowCreate("orders").find("k_amount_note"), std::string::npos);
}

TEST_F(DdlTest, TruncateWhileWaitingForTheCutOver) {
  MakeOrders(1000);
  auto o = AlterWithDdlAt("waiting for cut-over", {"TRUNCATE TABLE orders"});
  ExpectCleanFailure(o, "truncated or rebuilt");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders"), std::to_string(app_inserts_));
}

TEST_F(DdlTest, RenameOfTheOriginalDuringTheCopy) {
  MakeOrders(20000);
  auto o = AlterWithDdlAt("copy", {"RENAME TABLE orders TO orders_moved"});
  ASSERT_FALSE(o.ok);
  EXPECT_NE(o.error.find("was renamed or dropped"), std::string::npos) << o.error;
  // The triggers went with the table and are dropped there too.
  EXPECT_EQ(Triggers(), "");
  EXPECT_FALSE(TableExists("orders_sluice_new"));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders_moved"), "20000");
  Exec("INSERT INTO orders_moved (customer, amount) VALUES (1, 1)");
}

TEST_F(DdlTest, DropOfTheShadowWhileWaitingForTheCutOver) {
  MakeOrders(1000);
  auto o = AlterWithDdlAt("waiting for cut-over", {"DROP TABLE orders_sluice_new"});
  ExpectCleanFailure(o, "the shadow table");
  EXPECT_NE(first_error_.find("orders_sluice_new"), std::string::npos) << first_error_;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders"), std::to_string(1000 + app_inserts_));
}

TEST_F(DdlTest, RenameOfTheShadowDuringTheChecksum) {
  MakeOrders(3000);
  tuning_.checksum.chunk_rows = 300;
  auto o = AlterWithDdlAt("checksum", {"RENAME TABLE orders_sluice_new TO stolen"});
  ExpectCleanFailure(o, "the shadow table");
  Exec("DROP TABLE stolen");
}

TEST_F(DdlTest, DropOfACopyTriggerWhileWaitingForTheCutOver) {
  MakeOrders(1000);
  auto o = AlterWithDdlAt("waiting for cut-over", {"DROP TRIGGER _orders_upd"});
  ExpectCleanFailure(o, "copy trigger `_orders_upd`");
}

// A stopped copy is not watched: its rerun compares the table with the
// definition the shadow was made from, and starts afresh when it changed.
TEST_F(DdlTest, AChangeWhileTheCopyIsStoppedStartsItAfresh) {
  MakeOrders(3000);
  auto sink = std::make_shared<HookSink>();
  int batches = 0;
  sink->on_batch = [&](const ProgressSnapshot&) {
    if (++batches == 2) control_->RequestStop();
  };
  progress_.AddSink(sink);
  auto first = Alter("orders", "MODIFY customer BIGINT NOT NULL", "copy");
  ASSERT_FALSE(first.ok);
  ASSERT_TRUE(TableExists("orders_sluice_new"));  // kept for a resume
  Exec("ALTER TABLE orders ADD INDEX k_while_stopped (customer, amount)");
  control_ = std::make_unique<RunControl>();
  sink->on_batch = nullptr;
  auto second = Alter("orders", "MODIFY customer BIGINT NOT NULL", "copy");
  ASSERT_TRUE(second.ok) << second.error;
  std::string create = ShowCreate("orders");
  EXPECT_NE(create.find("k_while_stopped"), std::string::npos) << create;
  EXPECT_NE(create.find("`customer` bigint"), std::string::npos) << create;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders"), "3000");
  EXPECT_EQ(Triggers(), "");
}

// What a kill -9 in the cut-over can leave in the server: the sentry, the
// dead run's lock session not yet noticed, and its RENAME queued behind it.
// The rerun stops that RENAME before it looks at the tables, then finishes.
TEST_F(DdlTest, ARerunStopsTheQueuedRenameOfAKilledCutOver) {
  MakeOrders(2000);
  auto req = Request("orders", "MODIFY customer BIGINT NOT NULL", "copy");
  req.options.postpone_cut_over = true;
  auto sink = std::make_shared<HookSink>();
  sink->on_snapshot = [&](const ProgressSnapshot& s) {
    if (s.phase == "waiting for cut-over") control_->RequestStop();
  };
  progress_.AddSink(sink);
  ASSERT_FALSE(Run(req).ok);
  ASSERT_TRUE(TableExists("orders_sluice_new"));
  auto names = *mysql::MakeShadowNames({db_name(), "orders"});
  auto dead_lock = NewConnection();  // the killed run's session A
  ASSERT_TRUE(dead_lock->Exec(mysql::CreateSentrySql(names)).ok());
  ASSERT_TRUE(
      dead_lock->Exec("LOCK TABLES orders WRITE, orders_sluice_new WRITE, orders_sluice_old WRITE").ok());
  auto dead_rename = NewConnection();  // its session B
  ASSERT_TRUE(dead_rename->Exec("SET SESSION lock_wait_timeout = 30").ok());
  Status renamed;
  std::thread queued([&] { renamed = dead_rename->Exec(mysql::CutOverSql(names)).status(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::thread noticed([&] {  // the server notices the dead session
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    (void)dead_lock->Exec("UNLOCK TABLES");
  });
  sink->on_snapshot = nullptr;
  control_ = std::make_unique<RunControl>();
  req.options.postpone_cut_over = false;
  auto o = Run(req);
  queued.join();
  noticed.join();
  ASSERT_TRUE(o.ok) << o.error;
  EXPECT_FALSE(renamed.ok());  // stopped, never ran
  EXPECT_NE(ShowCreate("orders").find("`customer` bigint"), std::string::npos);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders"), "2000");
  EXPECT_FALSE(TableExists("orders_sluice_old"));
  EXPECT_FALSE(TableExists("orders_sluice_new"));
  EXPECT_EQ(Triggers(), "");
}

TEST_F(DdlTest, AnUnchangedTableStillCutsOver) {
  MakeOrders(1000);
  tuning_.ddl_check_interval = std::chrono::milliseconds(50);  // many checks, none may misfire
  auto req = Request("orders", "MODIFY customer BIGINT NOT NULL", "copy");
  auto o = Run(req);
  ASSERT_TRUE(o.ok) << o.error;
  EXPECT_NE(ShowCreate("orders").find("`customer` bigint"), std::string::npos);
  EXPECT_FALSE(TableExists("orders_sluice_old"));
  EXPECT_EQ(Triggers(), "");
}

// A DDL waiting for a metadata lock while the cut-over holds its tables may
// be queued ahead of the RENAME: the cut-over lets it go first and tries
// again; a DDL that never gets through makes it give up with nothing swapped.
// (The processlist does not say which table a session waits for: any waiting
// DDL whose text names the table counts, here one on `orders_archive`.)
TEST_F(DdlTest, CutOverNeverSwapsWithADdlQueuedAhead) {
  MakeOrders(500);
  Exec("CREATE TABLE orders_archive (id INT PRIMARY KEY)");
  auto reader = NewConnection();
  ASSERT_TRUE(reader->Exec("START TRANSACTION").ok());
  ASSERT_TRUE(reader->Query("SELECT COUNT(*) FROM orders_archive").ok());
  auto ddl = NewConnection();
  std::thread queued([&] { (void)ddl->Exec("ALTER TABLE orders_archive ADD COLUMN x INT"); });
  tuning_.cut_over = {1, 2, 100};
  std::string before = ShowCreate("orders");
  auto o = Alter("orders", "MODIFY customer BIGINT NOT NULL", "copy");
  ASSERT_TRUE(reader->Exec("COMMIT").ok());
  queued.join();
  ASSERT_FALSE(o.ok);
  EXPECT_NE(o.error.find("DDL is queued"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("orders_archive"), std::string::npos) << o.error;
  EXPECT_EQ(ShowCreate("orders"), before);
  EXPECT_FALSE(TableExists("orders_sluice_old"));  // the sentry is gone too
  EXPECT_FALSE(TableExists("orders_sluice_new"));
  EXPECT_EQ(Triggers(), "");
}

}  // namespace
}  // namespace sluice::testing
