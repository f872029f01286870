// Operator control of a shadow copy: cut-over under a held metadata lock,
// stop and resume, abort and clean-up, postponed cut-over.
#include <thread>

#include "tests/integration/online_alter_fixture.h"

namespace sluice::testing {
namespace {

using ControlTest = OnlineAlterTest;

TEST_F(ControlTest, CutOverGivesUpCleanlyWhileALongTransactionHoldsTheTable) {
  MakeOrders(500);
  auto holder = NewConnection();
  tuning_.cut_over = {1, 2, 100};
  std::string before = ShowCreate("orders");
  auto sink = std::make_shared<HookSink>();
  bool holding = false;
  sink->on_snapshot = [&](const ProgressSnapshot& s) {
    if (s.phase != "checksum" || holding) return;
    holding = true;  // a long transaction takes a shared metadata lock on orders
    ASSERT_TRUE(holder->Exec("START TRANSACTION").ok());
    ASSERT_TRUE(holder->Query("SELECT COUNT(*) FROM orders").ok());
  };
  progress_.AddSink(sink);
  auto o = Alter("orders", "MODIFY note VARCHAR(80)", "copy");
  ASSERT_TRUE(holding);
  ASSERT_FALSE(o.ok);
  EXPECT_NE(o.error.find("metadata lock"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("gave up after 2 attempts"), std::string::npos) << o.error;
  // Never renamed halfway: the original is still `orders`, no orders_sluice_old.
  EXPECT_EQ(ShowCreate("orders"), before);
  EXPECT_FALSE(TableExists("orders_sluice_old"));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders"), "500");
  // The clean-up needs the same lock: it left the SQL to finish by hand.
  EXPECT_NE(o.error.find("DROP TRIGGER IF EXISTS"), std::string::npos) << o.error;
  ASSERT_TRUE(holder->Exec("COMMIT").ok());
  for (const char* t : {"_orders_ins", "_orders_upd", "_orders_del"}) {
    Exec(std::string("DROP TRIGGER IF EXISTS ") + t);
  }
  Exec("DROP TABLE IF EXISTS orders_sluice_new");
  Exec("INSERT INTO orders (customer, amount) VALUES (1, 1)");  // writes work again
}

TEST_F(ControlTest, CutOverRetriesUntilTheLockIsReleased) {
  MakeOrders(500);
  auto holder = NewConnection();
  tuning_.cut_over = {1, 8, 200};
  HookSink* sink = new HookSink;
  std::thread release;
  sink->on_snapshot = [&](const ProgressSnapshot& s) {
    if (s.phase != "checksum" || release.joinable()) return;
    ASSERT_TRUE(holder->Exec("START TRANSACTION").ok());
    ASSERT_TRUE(holder->Query("SELECT COUNT(*) FROM orders").ok());
    release = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(2500));
      (void)holder->Exec("COMMIT");
    });
  };
  progress_.AddSink(std::shared_ptr<ProgressSink>(sink));
  auto o = Alter("orders", "MODIFY note VARCHAR(80)", "copy");
  if (release.joinable()) release.join();
  ASSERT_TRUE(o.ok) << o.error;
  EXPECT_NE(ShowCreate("orders").find("varchar(80)"), std::string::npos);
}

TEST_F(ControlTest, StoppedCopyResumes) {
  MakeOrders(3000);
  std::string before = Checksum("orders", "id, customer, amount, note");
  auto sink = std::make_shared<HookSink>();
  int batches = 0;
  sink->on_batch = [&](const ProgressSnapshot&) {
    if (++batches == 2) control_->RequestStop();
  };
  progress_.AddSink(sink);
  auto first = Alter("orders", "MODIFY customer BIGINT NOT NULL", "copy");
  ASSERT_FALSE(first.ok);
  EXPECT_TRUE(TableExists("orders_sluice_new"));
  EXPECT_EQ(Triggers(), "_orders_del,_orders_ins,_orders_upd");
  uint64_t copied = std::stoull(Scalar("SELECT COUNT(*) FROM orders_sluice_new"));
  EXPECT_LT(copied, 3000u);
  Exec("INSERT INTO orders (customer, amount, note) VALUES (1, 1, 'while stopped')");

  control_ = std::make_unique<RunControl>();
  sink->on_batch = nullptr;
  auto second = Alter("orders", "MODIFY customer BIGINT NOT NULL", "copy");
  ASSERT_TRUE(second.ok) << second.error;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders"), "3001");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE note = 'while stopped'"), "1");
  EXPECT_NE(ShowCreate("orders").find("`customer` bigint"), std::string::npos);
  Exec("DELETE FROM orders WHERE note = 'while stopped'");
  EXPECT_EQ(Checksum("orders", "id, customer, amount, note"), before);
  EXPECT_EQ(Triggers(), "");
}

TEST_F(ControlTest, AbortedCopyCleansUp) {
  MakeOrders(3000);
  std::string before = ShowCreate("orders");
  auto sink = std::make_shared<HookSink>();
  sink->on_batch = [&](const ProgressSnapshot&) { control_->RequestAbort("test abort"); };
  progress_.AddSink(sink);
  auto o = Alter("orders", "MODIFY customer BIGINT NOT NULL", "copy");
  ASSERT_FALSE(o.ok);
  EXPECT_FALSE(TableExists("orders_sluice_new"));
  EXPECT_EQ(Triggers(), "");
  EXPECT_EQ(ShowCreate("orders"), before);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders"), "3000");
}

TEST_F(ControlTest, PostponedCutOverWaitsAndKeepsTheShadowInSync) {
  MakeOrders(800);
  auto req = Request("orders", "MODIFY note VARCHAR(80)", "copy");
  req.options.postpone_cut_over = true;
  req.options.keep_old_table = true;
  auto sink = std::make_shared<HookSink>();
  std::atomic<bool> waiting{false};
  sink->on_snapshot = [&](const ProgressSnapshot& s) {
    if (s.phase == "waiting for cut-over") waiting = true;
  };
  progress_.AddSink(sink);
  Outcome o;
  std::thread run([&] { o = Run(req); });
  for (int i = 0; i < 300 && !waiting; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(waiting.load());
  auto writer = NewConnection();
  ASSERT_TRUE(writer
                  ->Exec("INSERT INTO orders (customer, amount, note) VALUES (1, 2, "
                         "'after copy')")
                  .ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(TableExists("orders_sluice_new"));  // not swapped yet
  control_->RequestCutOver();
  run.join();
  ASSERT_TRUE(o.ok) << o.error;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE note = 'after copy'"), "1");
  EXPECT_TRUE(TableExists("orders_sluice_old"));  // --keep-old-table
  EXPECT_EQ(Triggers(), "");
}

}  // namespace
}  // namespace sluice::testing
