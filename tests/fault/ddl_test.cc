// Concurrent DDL through the real binary: another session changes the table
// while `sluice alter` or a schema step of `sluice upgrade` waits for its
// postponed cut-over, or sluice is killed in its cut-over. The run exits 1
// naming the change and keeps it, a rerun starts afresh, and nothing is left
// behind.
#include <signal.h>

#include <iostream>

#include "tests/fault/fault_support.h"

namespace sluice::testing {
namespace {

constexpr int kRows = 20000;
const char* kWaiting = "Waiting for `sluice cut-over`";

class DdlFaultTest : public FaultTest {
 protected:
  void MakeOrders() {
    ResetDatabase();
    Exec(
        "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, created_at "
        "DATETIME NULL, KEY idx_c (customer_id))");
    Exec("INSERT INTO orders SELECT seq, seq % 500, NOW() FROM seq_1_to_" + std::to_string(kRows));
  }
  // Waits until the child's log says `text`, or it ended.
  bool WaitForOutput(ChildProcess& child, const std::string& text, double timeout_s = 60) {
    for (double t = 0; t < timeout_s; t += 0.05) {
      if (child.Output().find(text) != std::string::npos) return true;
      if (!child.Running()) return false;
      SleepSeconds(0.05);
    }
    return false;
  }
  void ExpectNothingLeft(const std::string& context) {
    SCOPED_TRACE(context);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = "
                     "DATABASE()"),
              "0");
    EXPECT_EQ(Scalar("SELECT COALESCE(GROUP_CONCAT(TABLE_NAME), '') FROM information_schema.TABLES "
                     "WHERE TABLE_SCHEMA = DATABASE() AND (TABLE_NAME LIKE '\\_orders\\_%' OR "
                     "TABLE_NAME LIKE 'orders\\_sluice\\_%')"),
              "");
  }
};

// The first case, as a user runs it.
TEST_F(DdlFaultTest, AlterWithPostponedCutOverKeepsAConcurrentAddColumn) {
  MakeOrders();
  SluiceProject p;
  auto child = StartSluice(p, {"alter", "orders", "MODIFY COLUMN customer_id BIGINT NOT NULL",
                               "--postpone-cut-over", "--progress", "none"});
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE(WaitForOutput(*child, kWaiting)) << child->Output();
  Exec("ALTER TABLE orders ADD COLUMN sneaky INT NULL DEFAULT 7");
  Exec("UPDATE orders SET sneaky = 42 WHERE id <= 10");
  (void)Sluice(p, "cut-over");  // may find the run already gone
  int rc = child->Wait(60);
  EXPECT_EQ(rc, 1) << child->Output();
  EXPECT_NE(child->Output().find("column `sneaky` added"), std::string::npos) << child->Output();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE sneaky = 42"), "10");
  EXPECT_EQ(Scalar("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                   "DATABASE() AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'customer_id'"),
            "int");
  ExpectNothingLeft("after the failed alter");
  // Run again: it starts afresh and keeps the column.
  auto again =
      Sluice(p, "alter orders 'MODIFY COLUMN customer_id BIGINT NOT NULL' --progress none");
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE sneaky = 42"), "10");
  EXPECT_EQ(Scalar("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                   "DATABASE() AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'customer_id'"),
            "bigint");
  ExpectNothingLeft("after the rerun");
}

// The second case: application inserts work again within the
// detection delay, and the dropped column stays dropped.
TEST_F(DdlFaultTest, AlterKeepsAConcurrentDropColumnAndFreesTheApplication) {
  MakeOrders();
  SluiceProject p;
  auto child = StartSluice(p, {"alter", "orders", "MODIFY COLUMN customer_id BIGINT NOT NULL",
                               "--postpone-cut-over", "--progress", "none"});
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE(WaitForOutput(*child, kWaiting)) << child->Output();
  Exec("ALTER TABLE orders DROP COLUMN created_at");
  auto t0 = std::chrono::steady_clock::now();
  auto app = NewConnection();
  double refused_until = 0;
  int inserted = 0;
  for (int i = 0; i < 250; ++i) {
    auto r = app->Exec("INSERT INTO orders (id, customer_id) VALUES (" +
                       std::to_string(kRows + 1 + i) + ", 1)");
    double at = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!r.ok()) refused_until = at;
    if (r.ok()) ++inserted;
    if (at > 4) break;
    SleepSeconds(0.02);
  }
  int rc = child->Wait(60);
  EXPECT_EQ(rc, 1) << child->Output();
  EXPECT_NE(child->Output().find("column `created_at` dropped"), std::string::npos)
      << child->Output();
  std::cout << "[fault] concurrent DROP COLUMN: application inserts refused for " << refused_until
            << " s" << std::endl;
  EXPECT_LT(refused_until, 2.5);
  EXPECT_GT(inserted, 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                   "DATABASE() AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'created_at'"),
            "0");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders"), std::to_string(kRows + inserted));
  ExpectNothingLeft("after the failed alter");
}

// A schema step of `sluice upgrade`: recorded as failed, and the rerun
// starts the step afresh.
TEST_F(DdlFaultTest, UpgradeStepFailsAndItsRerunStartsAfresh) {
  ResetDatabase();
  SluiceProject p;
  p.AddRevision("dd000001", "",
                "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL);\n"
                "-- sluice:step chunked=false\n"
                "INSERT INTO orders SELECT seq, seq % 500 FROM seq_1_to_" +
                    std::to_string(kRows) + ";");
  p.AddRevision("dd000002", "dd000001",
                "-- sluice:step strategy=copy\n"
                "ALTER TABLE orders MODIFY COLUMN customer_id BIGINT NOT NULL;");
  ASSERT_EQ(Sluice(p, "upgrade dd000001 --progress none").exit_code, 0);
  auto child = StartSluice(p, {"upgrade", "head", "--postpone-cut-over", "--progress", "none"});
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE(WaitForOutput(*child, kWaiting)) << child->Output();
  Exec("ALTER TABLE orders ADD COLUMN sneaky INT NULL DEFAULT 7");
  int rc = child->Wait(60);
  EXPECT_EQ(rc, 1) << child->Output();
  EXPECT_NE(child->Output().find("column `sneaky` added"), std::string::npos) << child->Output();
  EXPECT_EQ(Scalar("SELECT status FROM sluice_history WHERE revision = 'dd000002' ORDER BY id "
                   "DESC LIMIT 1"),
            "failed");
  ExpectNothingLeft("after the failed step");
  auto again = Sluice(p, "upgrade head --progress none");
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE sneaky = 7"), std::to_string(kRows));
  VerifyFinalState({"dd000002", {"dd000001", "dd000002"}, "orders", {}, {"sneaky"}},
                   "after the rerun");
}

// kill -9 while the cut-over retries its LOCK TABLES behind a long
// transaction (the sentry `t_sluice_old` exists): nothing was swapped, and a rerun
// started at once finishes.
TEST_F(DdlFaultTest, KillInTheCutOverThenRerun) {
  MakeOrders();
  SluiceProject p;
  auto holder = NewConnection();
  auto child = StartSluice(p, {"alter", "orders", "MODIFY COLUMN customer_id BIGINT NOT NULL",
                               "--postpone-cut-over", "--progress", "none"});
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE(WaitForOutput(*child, kWaiting)) << child->Output();
  // A long transaction holds orders: the cut-over's LOCK TABLES waits.
  ASSERT_TRUE(holder->Exec("START TRANSACTION").ok());
  ASSERT_TRUE(holder->Query("SELECT COUNT(*) FROM orders").ok());
  EXPECT_EQ(Sluice(p, "cut-over").exit_code, 0);
  ASSERT_TRUE(WaitForOutput(*child, "cut-over of")) << child->Output();
  EXPECT_NE(Scalar("SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                   "DATABASE() AND TABLE_NAME = 'orders_sluice_old'")
                .find("sentry"),
            std::string::npos);
  child->Signal(SIGKILL);
  child->Wait(10);
  ASSERT_TRUE(holder->Exec("COMMIT").ok());
  EXPECT_EQ(Scalar("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                   "DATABASE() AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'customer_id'"),
            "int");
  auto again =
      Sluice(p, "alter orders 'MODIFY COLUMN customer_id BIGINT NOT NULL' --progress none");
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(Scalar("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                   "DATABASE() AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'customer_id'"),
            "bigint");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders"), std::to_string(kRows));
  ExpectNothingLeft("after the rerun");
}

}  // namespace
}  // namespace sluice::testing
