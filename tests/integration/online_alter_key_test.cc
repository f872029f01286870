// Primary-key and unique-key changes by shadow copy under a live writer: a
// wider primary key, a primary key replaced by a NOT NULL unique key, the
// primary key swapped with a unique key, a key column renamed in case only;
// a new key over duplicates fails before the swap naming them; no key shared
// by both tables is refused clearly.
#include <thread>

#include "tests/integration/online_alter_fixture.h"
#include "tests/integration/online_alter_writer.h"

namespace sluice::testing {
namespace {

class KeyTest : public OnlineAlterTest {
 protected:
  // Runs `spec` as a copy while a Writer writes; both tables must agree.
  void AlterUnderWriter(const std::string& spec, int code_from = 0) {
    Exec("CREATE TABLE expected LIKE orders");
    Exec("INSERT INTO expected SELECT * FROM orders");
    Writer writer(NewConnection(), code_from);
    tuning_.checksum.chunk_rows = 700;
    auto o = Alter("orders", spec, "copy");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // and after the swap
    writer.Stop();
    ASSERT_TRUE(o.ok) << o.error;
    EXPECT_EQ(writer.error(), "");
    EXPECT_GT(writer.writes(), 20);
    const std::string cols = "id, customer, amount, note";
    EXPECT_EQ(Checksum("orders", cols), Checksum("expected", cols));
    EXPECT_EQ(Triggers(), "");
    EXPECT_FALSE(TableExists("orders_sluice_new"));
    EXPECT_FALSE(TableExists("orders_sluice_old"));
  }
};

TEST_F(KeyTest, WiderPrimaryKey) {
  MakeOrders(3000);
  AlterUnderWriter("DROP PRIMARY KEY, ADD PRIMARY KEY (id, customer)");
  EXPECT_NE(ShowCreate("orders").find("PRIMARY KEY (`id`,`customer`)"), std::string::npos);
  EXPECT_EQ(Scalar("SELECT COUNT(*) - COUNT(DISTINCT id) FROM orders"), "0");
}

TEST_F(KeyTest, PrimaryKeyReplacedByANotNullUniqueKey) {
  MakeOrders(3000);
  AlterUnderWriter("DROP PRIMARY KEY, ADD UNIQUE KEY u_id (id)");
  std::string create = ShowCreate("orders");
  EXPECT_EQ(create.find("PRIMARY KEY"), std::string::npos) << create;
  EXPECT_NE(create.find("UNIQUE KEY `u_id` (`id`)"), std::string::npos) << create;
}

TEST_F(KeyTest, PrimaryKeySwappedWithAUniqueKey) {
  MakeOrders(3000);
  Exec("ALTER TABLE orders ADD COLUMN code INT NULL");
  Exec("UPDATE orders SET code = id");
  Exec("ALTER TABLE orders MODIFY code INT NOT NULL, ADD UNIQUE KEY u_code (code)");
  AlterUnderWriter(
      "DROP PRIMARY KEY, ADD PRIMARY KEY (code), DROP KEY u_code, ADD UNIQUE KEY "
      "u_id (id)",
      100000);
  std::string create = ShowCreate("orders");
  EXPECT_NE(create.find("PRIMARY KEY (`code`)"), std::string::npos) << create;
  EXPECT_NE(create.find("UNIQUE KEY `u_id` (`id`)"), std::string::npos) << create;
  EXPECT_EQ(Checksum("orders", "id, code"), Checksum("expected", "id, code"));
}

TEST_F(KeyTest, KeyColumnRenamedInCaseOnly) {
  MakeOrders(3000);
  AlterUnderWriter("CHANGE COLUMN id ID INT NOT NULL AUTO_INCREMENT");
  EXPECT_NE(ShowCreate("orders").find("PRIMARY KEY (`ID`)"), std::string::npos);
}

TEST_F(KeyTest, NewPrimaryKeyOverDuplicatesFailsBeforeTheSwapNamingThem) {
  MakeOrders(2000);
  std::string before = ShowCreate("orders");
  auto o =
      Alter("orders", "DROP PRIMARY KEY, ADD PRIMARY KEY (customer), ADD KEY k_id (id)", "copy");
  ASSERT_FALSE(o.ok);
  EXPECT_NE(o.error.find("Duplicate entry"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("PRIMARY"), std::string::npos) << o.error;
  EXPECT_EQ(ShowCreate("orders"), before);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders"), "2000");
  EXPECT_FALSE(TableExists("orders_sluice_new"));
  EXPECT_EQ(Triggers(), "");
}

TEST_F(KeyTest, NoKeySharedByBothTablesIsRefusedNamingTheKey) {
  MakeOrders(500);
  Exec("ALTER TABLE orders MODIFY id INT NOT NULL");  // no AUTO_INCREMENT: the PK may go
  std::string before = ShowCreate("orders");
  auto o = Alter("orders", "DROP PRIMARY KEY, MODIFY id INT NULL", "copy");
  ASSERT_FALSE(o.ok);
  EXPECT_NE(o.error.find("no key identifies a row"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("PRIMARY (`id`)"), std::string::npos) << o.error;
  EXPECT_EQ(ShowCreate("orders"), before);
  EXPECT_FALSE(TableExists("orders_sluice_new"));
  EXPECT_EQ(Triggers(), "");
}

}  // namespace
}  // namespace sluice::testing
