// Tables with the application's own triggers: a shadow copy under a live
// writer keeps them firing exactly once per write, mirrors rows as the BEFORE
// triggers left them, and moves them to the new table with the same names,
// bodies, order, definer and sql_mode. A trigger named like a copy trigger is
// refused; triggers stranded on the shadow by a killed cut-over go back.
#include <atomic>
#include <thread>

#include "mysql/user_triggers.h"
#include "tests/integration/online_alter_fixture.h"
#include "tests/integration/online_alter_writer.h"

namespace sluice::testing {
namespace {

// 64 characters: the longest trigger name there is.
const std::string kLongName = "orders_after_update_" + std::string(44, 'x');

class TriggerTest : public OnlineAlterTest {
 protected:
  void MakeOrdersWithTriggers(int rows) {
    MakeOrders(rows);
    Exec("CREATE TABLE counters (what VARCHAR(8) PRIMARY KEY, n INT NOT NULL)");
    Exec("INSERT INTO counters VALUES ('ins', 0), ('upd', 0)");
    Exec("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'");
    Exec(
        "CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW SET NEW.note = "
        "CONCAT('bi:', COALESCE(NEW.note, ''))");
    Exec(
        "CREATE TRIGGER orders_ai AFTER INSERT ON orders FOR EACH ROW UPDATE counters SET n = n "
        "+ 1 WHERE what = 'ins'");
    Exec("SET SESSION sql_mode = DEFAULT");
    Exec("CREATE TRIGGER `" + kLongName +
         "` AFTER UPDATE ON orders FOR EACH ROW UPDATE counters SET n = n + 1 WHERE what = 'upd'");
    Exec(
        "CREATE TRIGGER orders_ai2 AFTER INSERT ON orders FOR EACH ROW FOLLOWS orders_ai SET "
        "@sluice_test_seen = NEW.id");
  }
  // Everything about the triggers on `orders` that must survive the swap.
  std::string TriggerDefinitions() {
    return Scalar(
        "SELECT GROUP_CONCAT(CONCAT_WS('|', TRIGGER_NAME, EVENT_MANIPULATION, ACTION_TIMING, "
        "ACTION_ORDER, ACTION_STATEMENT, DEFINER, SQL_MODE, CHARACTER_SET_CLIENT) ORDER BY "
        "TRIGGER_NAME SEPARATOR '\\n') FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA "
        "= "
        "DATABASE() AND EVENT_OBJECT_TABLE = 'orders'");
  }
  int Counter(const std::string& what) {
    return std::stoi(Scalar("SELECT n FROM counters WHERE what = '" + what + "'"));
  }
};

TEST_F(TriggerTest, UserTriggersKeepFiringAndMoveToTheNewTable) {
  MakeOrdersWithTriggers(3000);
  const std::string before = TriggerDefinitions();
  ASSERT_NE(before.find(kLongName), std::string::npos);
  Exec("CREATE TABLE expected LIKE orders");
  Exec("INSERT INTO expected SELECT * FROM orders");
  Writer writer(NewConnection());  // any error but a deadlock or 1412 fails
  tuning_.checksum.chunk_rows = 700;
  auto o = Alter("orders",
                 "MODIFY customer BIGINT NOT NULL, ADD COLUMN flag INT NOT NULL DEFAULT 1", "copy");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // writes after the swap too
  writer.Stop();
  ASSERT_TRUE(o.ok) << o.error;
  EXPECT_EQ(writer.error(), "");
  EXPECT_GT(writer.inserts(), 5);
  // Same triggers, on the new table.
  EXPECT_EQ(TriggerDefinitions(), before);
  EXPECT_NE(ShowCreate("orders").find("`flag`"), std::string::npos);
  EXPECT_EQ(Triggers().find("_orders_"), std::string::npos) << Triggers();
  // Each write fired them once: the copy fires none, the swap lost none.
  EXPECT_EQ(Counter("ins"), writer.inserts());
  // Rows as the BEFORE INSERT trigger left them.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE note = 'bi:live'"),
            Scalar("SELECT COUNT(*) FROM expected WHERE note = 'live'"));
  EXPECT_EQ(Checksum("orders", "id, customer, amount"),
            Checksum("expected", "id, customer, amount"));
  Exec("UPDATE orders SET amount = 1 WHERE id = 1");
  EXPECT_GT(Counter("upd"), 0);
}

TEST_F(TriggerTest, AnInsertQueuedAtTheSwapWaitsForTheRenameAndLandsInTheNewTable) {
  MakeOrdersWithTriggers(2000);
  // Back-to-back autocommit inserts: one of them is always queued behind the
  // cut-over's lock. With the shadow named `_orders_new` (sorting before
  // `orders`) the RENAME waited for it first, so after the unlock the insert
  // started on the old table: MariaDB 10.11 then failed it with 1146 naming
  // `counters` (4 of 4 runs), and with the copy triggers dropped first it was
  // written into the old table and lost. Now the RENAME is queued for
  // `orders` itself, ahead of the insert (docs/ONLINE_ALTER.md).
  auto app = NewConnection();
  std::atomic<bool> stop{false};
  std::atomic<int> inserts{0};
  std::string error;
  std::thread inserter([&] {
    while (!stop) {
      auto r = app->Exec("INSERT INTO orders (customer, amount, note) VALUES (5, 9.5, 'q')");
      if (r.ok()) {
        ++inserts;
      } else {
        error = r.error().ToString();
        return;
      }
    }
  });
  auto o = Alter("orders", "MODIFY customer BIGINT NOT NULL", "copy");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  inserter.join();
  ASSERT_TRUE(o.ok) << o.error;
  EXPECT_EQ(error, "");
  EXPECT_GT(inserts.load(), 10);
  // Every insert is in the new table and fired the trigger once.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders"), std::to_string(2000 + inserts.load()));
  EXPECT_EQ(Counter("ins"), inserts.load());
}

TEST_F(TriggerTest, ATriggerNamedLikeACopyTriggerIsRefusedNamingIt) {
  MakeOrders(300);
  Exec("CREATE TRIGGER _orders_ins AFTER INSERT ON orders FOR EACH ROW SET @x = 1");
  std::string before = ShowCreate("orders");
  auto o = Alter("orders", "MODIFY customer BIGINT NOT NULL", "copy");
  ASSERT_FALSE(o.ok);
  EXPECT_NE(o.error.find("trigger `_orders_ins`"), std::string::npos) << o.error;
  EXPECT_EQ(ShowCreate("orders"), before);
  EXPECT_FALSE(TableExists("orders_sluice_new"));
  EXPECT_EQ(Triggers(), "_orders_ins");
}

// The state a kill leaves between moving the triggers to the shadow and the
// swap: the rerun moves them back first, then finishes.
TEST_F(TriggerTest, TriggersStrandedOnTheShadowGoBack) {
  MakeOrdersWithTriggers(1000);
  auto req = Request("orders", "MODIFY customer BIGINT NOT NULL", "copy");
  req.options.postpone_cut_over = true;
  auto sink = std::make_shared<HookSink>();
  sink->on_snapshot = [&](const ProgressSnapshot& s) {
    if (s.phase == "waiting for cut-over") control_->RequestStop();
  };
  progress_.AddSink(sink);
  ASSERT_FALSE(Run(req).ok);
  ASSERT_TRUE(TableExists("orders_sluice_new"));
  // What the killed cut-over did: orders_ai moved to the shadow.
  Exec("DROP TRIGGER orders_ai");
  Exec(
      "CREATE TRIGGER orders_ai AFTER INSERT ON orders_sluice_new FOR EACH ROW UPDATE counters SET n "
      "= n + 1 WHERE what = 'ins'");
  sink->on_snapshot = nullptr;
  control_ = std::make_unique<RunControl>();
  req.options.postpone_cut_over = false;
  auto o = Run(req);
  ASSERT_TRUE(o.ok) << o.error;
  EXPECT_NE(ShowCreate("orders").find("`customer` bigint"), std::string::npos);
  Exec("INSERT INTO orders (customer, amount) VALUES (1, 1)");
  EXPECT_EQ(Counter("ins"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = "
                   "DATABASE() AND TRIGGER_NAME = 'orders_ai'"),
            "1");
  EXPECT_NE(TriggerDefinitions().find("orders_ai|INSERT|AFTER"), std::string::npos);
}

// A kill between dropping a trigger from the table and creating it on the
// shadow: it exists nowhere, but it was journaled; the rerun re-creates it.
TEST_F(TriggerTest, ATriggerLostInTheMiddleOfItsMoveIsRecreated) {
  MakeOrdersWithTriggers(1000);
  auto req = Request("orders", "MODIFY customer BIGINT NOT NULL", "copy");
  req.options.postpone_cut_over = true;
  auto sink = std::make_shared<HookSink>();
  sink->on_snapshot = [&](const ProgressSnapshot& s) {
    if (s.phase == "waiting for cut-over") control_->RequestStop();
  };
  progress_.AddSink(sink);
  ASSERT_FALSE(Run(req).ok);
  // What the killed cut-over had done: journaled, then dropped orders_ai.
  auto names = *mysql::MakeShadowNames({db_name(), "orders"});
  auto listed = mysql::ListUserTriggers(conn(), names.table, names);
  ASSERT_TRUE(listed.ok());
  ASSERT_TRUE(
      mysql::JournalUserTriggers(conn(), "sluice_checkpoint", req.revision, req.step_index, *listed)
          .ok());
  Exec("DROP TRIGGER orders_ai");
  sink->on_snapshot = nullptr;
  control_ = std::make_unique<RunControl>();
  req.options.postpone_cut_over = false;
  auto o = Run(req);
  ASSERT_TRUE(o.ok) << o.error;
  Exec("INSERT INTO orders (customer, amount) VALUES (1, 1)");
  EXPECT_EQ(Counter("ins"), 1);
  // Re-created last among the AFTER INSERT ones: only its order differs.
  EXPECT_NE(TriggerDefinitions().find("orders_ai|INSERT|AFTER"), std::string::npos);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = "
                   "DATABASE()"),
            "4");
}

}  // namespace
}  // namespace sluice::testing
