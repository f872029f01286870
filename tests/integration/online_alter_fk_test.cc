// Foreign keys and the shadow copy, with writes on parent and child while it
// runs: a child's own keys are re-created on the shadow (so the parent's
// cascades reach it) and survive the swap under toggled names; a parent is
// refused by default, and with --foreign-keys rebuild its children are
// re-pointed at the new table. The server's checks stay on throughout.
#include <atomic>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include "tests/integration/online_alter_fixture.h"

namespace sluice::testing {
namespace {

class FkTest : public OnlineAlterTest {
 protected:
  void MakeShop(int customers, int orders) {
    Exec("CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL)");
    Exec("INSERT INTO customers SELECT seq, CONCAT('c', seq) FROM seq_1_to_" +
         std::to_string(customers));
    Exec(
        "CREATE TABLE orders (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT "
        "NULL, amount INT NOT NULL, KEY idx_amount (amount), CONSTRAINT fk_orders_customer "
        "FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE)");
    Exec("INSERT INTO orders (customer_id, amount) SELECT 1 + seq % " + std::to_string(customers) +
         ", seq FROM seq_1_to_" + std::to_string(orders));
  }
  // Until stopped: new orders for existing customers, new customers, and
  // (when `delete_customers`) customers deleted with their orders cascading.
  void Write(std::atomic<bool>& stop, bool delete_customers, int customers) {
    auto c = NewConnection();
    std::mt19937 rng(11);
    int next_customer = 100000;
    while (!stop) {
      int who = 1 + static_cast<int>(rng() % customers);
      std::string sql;
      switch (rng() % 3) {
        case 0:
          sql = "INSERT INTO orders (customer_id, amount) VALUES (" + std::to_string(who) + ", 7)";
          break;
        case 1:
          sql = "INSERT INTO customers VALUES (" + std::to_string(next_customer++) + ", 'new')";
          break;
        default:
          sql = delete_customers ? "DELETE FROM customers WHERE id = " + std::to_string(who)
                                 : "UPDATE orders SET amount = amount + 1 WHERE customer_id = " +
                                       std::to_string(who) + " LIMIT 1";
      }
      auto r = c->Exec(sql);
      if (r.ok()) ++writes_;
      // 1452: an order for a customer deleted meanwhile, refused by the
      // server's check, as it must be.
      const int code = r.ok() ? 0 : r.error().code;
      if (code == 1452) ++refused_;
      if (code != 0 && code != 1452 && code != 1213 && code != 1205) {
        errors_ += sql + ": " + r.error().message + "\n";
      }
    }
  }
  std::string Orphans() {
    return Scalar(
        "SELECT COUNT(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id "
        "WHERE c.id IS NULL");
  }
  std::string ReferencedBy(const std::string& constraint) {
    return Scalar(
        "SELECT COALESCE(MAX(CONCAT(TABLE_NAME, '->', REFERENCED_TABLE_NAME)), '') FROM "
        "information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() "
        "AND CONSTRAINT_NAME = '" +
        constraint + "'");
  }
  std::atomic<int> writes_{0};
  std::atomic<int> refused_{0};
  std::string errors_;
};

TEST_F(FkTest, AChildKeepsItsForeignKeyAndReceivesCascades) {
  MakeShop(200, 4000);
  std::atomic<bool> stop{false};
  std::thread writer([&] { Write(stop, true, 200); });
  tuning_.checksum.chunk_rows = 700;
  auto o = Alter("orders", "MODIFY amount BIGINT NOT NULL", "copy");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  writer.join();
  ASSERT_TRUE(o.ok) << o.error;
  EXPECT_EQ(errors_, "");
  EXPECT_GT(writes_.load(), 20);
  // The key survives under its toggled name and still cascades.
  EXPECT_EQ(ReferencedBy("_fk_orders_customer"), "orders->customers");
  EXPECT_EQ(Orphans(), "0");
  EXPECT_NE(ShowCreate("orders").find("`amount` bigint"), std::string::npos);
  Exec("DELETE FROM customers WHERE id = 2");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE customer_id = 2"), "0");
  EXPECT_EQ(Triggers(), "");
  EXPECT_FALSE(TableExists("orders_sluice_old"));
  // A second change toggles the name back.
  auto again = Alter("orders", "MODIFY amount INT NOT NULL", "copy");
  ASSERT_TRUE(again.ok) << again.error;
  EXPECT_EQ(ReferencedBy("fk_orders_customer"), "orders->customers");
}

TEST_F(FkTest, AParentIsRefusedByDefaultNamingTheChildKey) {
  MakeShop(50, 200);
  std::string before = ShowCreate("customers");
  auto o = Alter("customers", "MODIFY name VARCHAR(80) NOT NULL", "copy");
  ASSERT_FALSE(o.ok);
  EXPECT_NE(o.error.find("fk_orders_customer (orders -> customers)"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("--foreign-keys rebuild"), std::string::npos) << o.error;
  EXPECT_EQ(ShowCreate("customers"), before);
  EXPECT_FALSE(TableExists("customers_sluice_new"));
}

TEST_F(FkTest, AParentWithRebuildRepointsItsChildren) {
  MakeShop(300, 3000);
  std::atomic<bool> stop{false};
  std::thread writer([&] { Write(stop, false, 300); });
  auto req = Request("customers", "MODIFY name VARCHAR(80) NOT NULL", "copy");
  req.options.foreign_keys = "rebuild";
  auto o = Run(req);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  writer.join();
  ASSERT_TRUE(o.ok) << o.error;
  EXPECT_EQ(errors_, "");
  EXPECT_GT(writes_.load(), 20);
  EXPECT_EQ(ReferencedBy("_fk_orders_customer"), "orders->customers");
  EXPECT_FALSE(TableExists("customers_sluice_old"));
  EXPECT_EQ(Orphans(), "0");
  EXPECT_NE(ShowCreate("customers").find("varchar(80)"), std::string::npos);
  // The re-pointed key is enforced against the new table.
  EXPECT_FALSE(conn().Exec("INSERT INTO orders (customer_id, amount) VALUES (99999999, 1)").ok());
  Exec("DELETE FROM customers WHERE id = 3");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE customer_id = 3"), "0");
}

TEST_F(FkTest, AParentWithDropSwapKeepsItsChildrensKeys) {
  MakeShop(300, 3000);
  std::atomic<bool> stop{false};
  std::thread writer([&] { Write(stop, false, 300); });
  auto req = Request("customers", "MODIFY name VARCHAR(80) NOT NULL", "copy");
  req.options.foreign_keys = "drop-swap";
  auto o = Run(req);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  writer.join();
  ASSERT_TRUE(o.ok) << o.error;
  // The risk drop-swap takes: while neither table is there, statements on
  // customers fail (1146); nothing else may.
  std::istringstream lines(errors_);
  int missing = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_NE(line.find("doesn't exist"), std::string::npos) << line;
    ++missing;
  }
  std::cout << "[drop-swap] statements refused while customers did not exist: " << missing
            << std::endl;
  EXPECT_GT(writes_.load(), 20);
  EXPECT_EQ(ReferencedBy("fk_orders_customer"), "orders->customers");  // its own name
  EXPECT_FALSE(TableExists("customers_sluice_old"));
  EXPECT_FALSE(TableExists("customers_sluice_new"));
  EXPECT_EQ(Orphans(), "0");
  EXPECT_NE(ShowCreate("customers").find("varchar(80)"), std::string::npos);
  EXPECT_FALSE(conn().Exec("INSERT INTO orders (customer_id, amount) VALUES (99999999, 1)").ok());
  Exec("DELETE FROM customers WHERE id = 3");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE customer_id = 3"), "0");
  EXPECT_EQ(Triggers(), "");
}

// A kill between the drop-swap's DROP and its RENAME leaves only the shadow;
// the rerun renames it into place.
TEST_F(FkTest, ADropSwapKilledBetweenDropAndRenameIsFinished) {
  MakeShop(100, 1000);
  auto req = Request("customers", "MODIFY name VARCHAR(80) NOT NULL", "copy");
  req.options.foreign_keys = "drop-swap";
  req.options.postpone_cut_over = true;
  auto sink = std::make_shared<HookSink>();
  sink->on_snapshot = [&](const ProgressSnapshot& s) {
    if (s.phase == "waiting for cut-over") control_->RequestStop();
  };
  progress_.AddSink(sink);
  ASSERT_FALSE(Run(req).ok);
  ASSERT_TRUE(TableExists("customers_sluice_new"));
  // What the killed run had done: its marker, the triggers gone with the DROP.
  Exec(
      "INSERT INTO sluice_checkpoint (revision, step, seq, kind) VALUES ('alter:customers', 1, "
      "-3, 'drop-swap')");
  Exec("SET SESSION foreign_key_checks = 0");
  Exec("DROP TABLE customers");
  Exec("SET SESSION foreign_key_checks = 1");
  sink->on_snapshot = nullptr;
  control_ = std::make_unique<RunControl>();
  req.options.postpone_cut_over = false;
  auto o = Run(req);
  ASSERT_TRUE(o.ok) << o.error;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM customers"), "100");
  EXPECT_NE(ShowCreate("customers").find("varchar(80)"), std::string::npos);
  EXPECT_EQ(ReferencedBy("fk_orders_customer"), "orders->customers");
  EXPECT_EQ(Orphans(), "0");
  EXPECT_FALSE(TableExists("customers_sluice_new"));
  EXPECT_EQ(Triggers(), "");
}

TEST_F(FkTest, ASelfReferenceIsRefused) {
  Exec(
      "CREATE TABLE tree (id INT PRIMARY KEY, parent INT NULL, KEY (parent), CONSTRAINT fk_tree "
      "FOREIGN KEY (parent) REFERENCES tree (id))");
  auto o = Alter("tree", "ADD COLUMN x INT NULL, MODIFY id BIGINT NOT NULL", "copy");
  ASSERT_FALSE(o.ok);
  EXPECT_NE(o.error.find("references itself"), std::string::npos) << o.error;
  MakeShop(10, 10);
  auto req = Request("customers", "MODIFY name VARCHAR(80) NOT NULL", "copy");
  req.options.foreign_keys = "drop-swap";
  req.options.keep_old_table = true;
  auto d = Run(req);
  ASSERT_FALSE(d.ok);
  EXPECT_NE(d.error.find("cannot be kept"), std::string::npos) << d.error;
}

}  // namespace
}  // namespace sluice::testing
