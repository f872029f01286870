// Chunked data steps over different key shapes, on the real MariaDB: every
// row is processed exactly once whatever the key type, gaps and skew.
#include <random>
#include <thread>

#include "tests/integration/data_step_fixture.h"

namespace sluice::testing {
namespace {

using KeysTest = DataStepTest;

TEST_F(KeysTest, IntegerKeyUpdatesEveryRowOnce) {
  MakeIntTable(5000);
  Status st = Run("UPDATE t SET n = n + 1", Options(97, 4));
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n = 1"), "5000");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n <> 1"), "0");
  EXPECT_GT(sink_->ok_batches.load(), 5);
  EXPECT_EQ(progress_->Latest().rows_done, 5000u);
  // The checkpoint says done, with the rows it changed.
  EXPECT_EQ(Scalar("SELECT CONCAT(done, ':', rows_done) FROM sluice_checkpoint WHERE seq = 0"),
            "1:5000");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sluice_checkpoint"), "1");
}

TEST_F(KeysTest, UserWhereIsKeptAndAndedWithTheRange) {
  MakeIntTable(3000);
  Status st = Run("UPDATE t SET n = n + 1 WHERE id % 3 = 0 OR id = 1", Options(50, 3));
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n = 1"), "1001");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n = 1 AND NOT (id % 3 = 0 OR id = 1)"), "0");
}

TEST_F(KeysTest, CompositeKeyWithSkew) {
  // Most rows share a = 2: a walk on `a` alone could not split them.
  Exec(
      "CREATE TABLE c (a INT NOT NULL, b VARCHAR(20) NOT NULL, n INT NOT NULL DEFAULT 0, "
      "PRIMARY KEY (a, b))");
  Exec("INSERT INTO c (a, b) SELECT 2, CONCAT('k', seq) FROM seq_1_to_3000");
  Exec("INSERT INTO c (a, b) SELECT seq * 1000, 'x' FROM seq_1_to_50");
  Exec("INSERT INTO c (a, b) VALUES (-5, ''), (1, 'z'), (3, 'a')");
  Status st = Run("UPDATE c SET n = n + 1", Options(64, 4));
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM c WHERE n <> 1"), "0");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM c"), "3053");
}

TEST_F(KeysTest, VarcharKeyWithQuotesBackslashesAndUnicode) {
  Exec(
      "CREATE TABLE s (k VARCHAR(64) NOT NULL PRIMARY KEY, n INT NOT NULL DEFAULT 0) "
      "CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
  Exec("INSERT INTO s (k) SELECT CONCAT('key-', LPAD(seq, 5, '0')) FROM seq_1_to_2000");
  Exec(
      "INSERT INTO s (k) VALUES ('it''s'), ('back\\\\slash'), ('trail\\\\'), ('Ünïcödé'), "
      "('日本語'), ('a b'), ('%_'), ('\"dq\"'), ('x;y -- z')");
  Status st = Run("UPDATE s SET n = n + 1", Options(37, 4));
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM s WHERE n <> 1"), "0");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM s"), "2009");
}

TEST_F(KeysTest, VarbinaryKeyWithAllByteValues) {
  Exec("CREATE TABLE b (k VARBINARY(16) NOT NULL PRIMARY KEY, n INT NOT NULL DEFAULT 0)");
  // Random 1..16-byte keys including 0x00, quote, backslash and 0xFF bytes.
  std::mt19937 rng(42);
  std::string values;
  for (int i = 0; i < 1500; ++i) {
    int len = 1 + static_cast<int>(rng() % 16);
    std::string hex;
    for (int j = 0; j < len; ++j) {
      static const char* kHex = "0123456789ABCDEF";
      unsigned v = rng() % 256;
      if (i % 10 == 0) v = (j % 4 == 0) ? 0x00 : (j % 4 == 1) ? 0x27 : (j % 4 == 2) ? 0x5C : 0xFF;
      hex += kHex[v >> 4];
      hex += kHex[v & 15];
    }
    if (!values.empty()) values.append(",");
    values.append("(X'").append(hex).append("')");
  }
  Exec("INSERT IGNORE INTO b (k) VALUES " + values);
  const std::string count = Scalar("SELECT COUNT(*) FROM b");
  Status st = Run("UPDATE b SET n = n + 1", Options(29, 4));
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM b WHERE n <> 1"), "0");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM b WHERE n = 1"), count);
}

TEST_F(KeysTest, SparseAndSkewedIntegerKeys) {
  Exec("CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, n INT NOT NULL DEFAULT 0)");
  Exec("INSERT INTO t (id) SELECT seq FROM seq_1_to_1000");                       // dense
  Exec("INSERT INTO t (id) SELECT seq * 1000000007 FROM seq_1_to_200");           // sparse
  Exec("INSERT INTO t (id) SELECT 9000000000000000000 + seq FROM seq_1_to_500");  // far cluster
  Exec("INSERT INTO t (id) VALUES (-9223372036854775808), (0)");
  Status st = Run("UPDATE t SET n = n + 1", Options(50, 4));
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n <> 1"), "0");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t"), "1702");
}

TEST_F(KeysTest, UnsignedBigintKeyNearTheTop) {
  Exec("CREATE TABLE u (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, n INT NOT NULL DEFAULT 0)");
  Exec("INSERT INTO u (id) SELECT 18446744073709551615 - seq FROM seq_0_to_999");
  Exec("INSERT INTO u (id) SELECT seq FROM seq_0_to_99");
  Status st = Run("UPDATE u SET n = n + 1", Options(70, 4));
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM u WHERE n <> 1"), "0");
}

TEST_F(KeysTest, EmptyTable) {
  MakeIntTable(0);
  Status st = Run("UPDATE t SET n = n + 1", Options(100, 4));
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT done FROM sluice_checkpoint WHERE seq = 0"), "1");
}

TEST_F(KeysTest, NamedUniqueKey) {
  Exec(
      "CREATE TABLE m (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, email VARCHAR(80) NOT NULL, "
      "n INT NOT NULL DEFAULT 0, UNIQUE KEY u_email (email))");
  Exec("INSERT INTO m (email) SELECT CONCAT('user', seq, '@example.com') FROM seq_1_to_1500");
  DataStepOptions o = Options(40, 3);
  o.key = "u_email";
  // Assigning the primary key is fine when chunking on another key.
  Status st = Run("UPDATE m SET n = n + 1, id = id + 100000", o);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM m WHERE n <> 1"), "0");
  EXPECT_EQ(Scalar("SELECT MIN(id) FROM m"), "100001");
}

TEST_F(KeysTest, DeleteInChunks) {
  MakeIntTable(4000);
  Status st = Run("DELETE FROM t WHERE id % 4 = 0", Options(100, 4));
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t"), "3000");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE id % 4 = 0"), "0");
  EXPECT_EQ(Scalar("SELECT rows_done FROM sluice_checkpoint WHERE seq = 0"), "1000");
}

TEST_F(KeysTest, InsertSelectIsChunkedOverTheSource) {
  MakeIntTable(3000, "src");
  Exec("CREATE TABLE dst (id BIGINT NOT NULL PRIMARY KEY, twice BIGINT NOT NULL)");
  Status st = Run("INSERT INTO dst (id, twice) SELECT s.id, s.id * 2 FROM src AS s WHERE s.id > 10",
                  Options(128, 4));
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM dst"), "2990");
  EXPECT_EQ(Scalar("SELECT SUM(twice) = 2 * SUM(id) FROM dst"), "1");
}

TEST_F(KeysTest, AliasedUpdate) {
  MakeIntTable(500);
  Status st = Run("UPDATE t AS x SET x.n = x.n + 1 WHERE x.id <= 300", Options(30, 2));
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n = 1"), "300");
}

TEST_F(KeysTest, ConcurrentInsertsAndDeletesWhileRunning) {
  MakeIntTable(20000);
  Exec("ALTER TABLE t ADD COLUMN born_during TINYINT NOT NULL DEFAULT 0");
  std::atomic<bool> done{false};
  std::atomic<int> changes{0};
  std::thread writer([&] {
    auto c = NewConnection();
    std::mt19937 rng(7);
    int64_t next_id = 1000000;
    while (!done.load()) {
      // New rows in gaps of the key space and past its end; random deletes.
      (void)c->Exec("INSERT IGNORE INTO t (id, born_during) VALUES (" + std::to_string(next_id++) +
                    ", 1), (" + std::to_string(20000 + rng() % 5000) + ", 1)");
      (void)c->Exec("DELETE FROM t WHERE id = " + std::to_string(1 + rng() % 20000));
      changes++;
    }
  });
  DataStepOptions o = Options(100, 4);
  o.max_batch_size = 100;  // many small batches: the writer runs between them
  Status st = Run("UPDATE t SET n = n + 1", o);
  done = true;
  writer.join();
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_GT(changes.load(), 0);
  // Rows there from the start were updated exactly once; new ones at most once.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE born_during = 0 AND n <> 1"), "0");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n > 1"), "0");
}

TEST_F(KeysTest, CompletedStepIsNotRunAgain) {
  MakeIntTable(1000);
  ASSERT_TRUE(Run("UPDATE t SET n = n + 1", Options(100, 2)).ok());
  ASSERT_TRUE(Run("UPDATE t SET n = n + 1", Options(100, 2)).ok());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n <> 1"), "0");
}

TEST_F(KeysTest, UnchunkedRunsOnceAndOnlyOnce) {
  MakeIntTable(300);
  DataStepOptions o = Options();
  o.chunked = false;
  ASSERT_TRUE(Run("UPDATE t SET n = n + 1 ORDER BY id LIMIT 100", o).ok());
  ASSERT_TRUE(Run("UPDATE t SET n = n + 1 ORDER BY id LIMIT 100", o).ok());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n = 1"), "100");
  EXPECT_EQ(Scalar("SELECT MAX(id) FROM t WHERE n = 1"), "100");
}

}  // namespace
}  // namespace sluice::testing
