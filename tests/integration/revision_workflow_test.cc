// The revision workflow end to end through the `sluice` binary on MariaDB.
#include <gtest/gtest.h>

#include "tests/integration/revision_fixture.h"

namespace sluice::testing {
namespace {

class RevisionWorkflow : public RevisionProject {};

constexpr const char* kCreate = R"(-- sluice:revision aaaa0001
-- sluice:parent none
-- sluice:message create orders

-- sluice:up
CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, price_cents INT NOT NULL, quantity INT NOT NULL,
  note VARCHAR(20) NOT NULL DEFAULT 'a;b') ENGINE=InnoDB;
INSERT INTO orders (id, price_cents, quantity) SELECT seq, seq % 1000, 1 + seq % 5 FROM seq_1_to_5000;

-- sluice:down
DROP TABLE orders;
)";

constexpr const char* kBackfill = R"(-- sluice:revision aaaa0002
-- sluice:parent aaaa0001
-- sluice:message backfill totals

-- sluice:up
ALTER TABLE orders ADD COLUMN total_cents BIGINT NULL;
-- sluice:step batch-size=500 workers=2
UPDATE orders SET total_cents = price_cents * quantity WHERE total_cents IS NULL;
CREATE INDEX idx_total ON orders (total_cents);
ALTER TABLE keep_me ADD COLUMN extra INT NULL;

-- sluice:down
ALTER TABLE keep_me DROP COLUMN extra;
DROP INDEX idx_total ON orders;
ALTER TABLE orders DROP COLUMN total_cents;
)";

TEST_F(RevisionWorkflow, UpgradeHeadThenDowngradeBaseRestoresTheSchema) {
  Exec("CREATE TABLE keep_me (id INT NOT NULL PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB");
  WriteRevision("aaaa0001_create.sql", kCreate);
  WriteRevision("aaaa0002_backfill.sql", kBackfill);
  auto before = Schema(db_name());

  auto up = Sluice("upgrade head --progress none");
  ASSERT_EQ(up.exit_code, 0) << up.output;
  EXPECT_EQ(Versions(), "aaaa0002");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE total_cents = price_cents * quantity"),
            "5000");
  EXPECT_NE(Schema(db_name()), before);
  EXPECT_EQ(Scalar("SELECT GROUP_CONCAT(CONCAT(revision, ':', direction, ':', status, ':', "
                   "steps_done) ORDER BY id) FROM sluice_history"),
            "aaaa0001:up:done:2,aaaa0002:up:done:4");

  auto down = Sluice("downgrade base --progress none");
  ASSERT_EQ(down.exit_code, 0) << down.output;
  EXPECT_EQ(Versions(), "");
  EXPECT_EQ(Schema(db_name()), before);

  // And back up again: checkpoints of the first run must not skip any work.
  auto again = Sluice("upgrade head --progress none");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE total_cents = price_cents * quantity"),
            "5000");
}

TEST_F(RevisionWorkflow, RelativeTargetsAndCurrent) {
  WriteRevision("aaaa0001_create.sql", kCreate);
  WriteRevision("aaaa0002_backfill.sql", kBackfill);
  Exec("CREATE TABLE keep_me (id INT NOT NULL PRIMARY KEY)");
  ASSERT_EQ(Sluice("upgrade +1 --progress none").exit_code, 0);
  EXPECT_EQ(Versions(), "aaaa0001");
  auto current = Sluice("current");
  EXPECT_EQ(current.exit_code, 0);
  EXPECT_NE(current.output.find("aaaa0001, create orders"), std::string::npos) << current.output;
  ASSERT_EQ(Sluice("upgrade aaaa0002 --progress none").exit_code, 0);
  EXPECT_EQ(Versions(), "aaaa0002");
  ASSERT_EQ(Sluice("downgrade -1 --progress none").exit_code, 0);
  EXPECT_EQ(Versions(), "aaaa0001");
  EXPECT_EQ(
      Scalar("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
             "AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'total_cents'"),
      "0");
  auto stamp = Sluice("stamp head");
  ASSERT_EQ(stamp.exit_code, 0) << stamp.output;
  EXPECT_EQ(Versions(), "aaaa0002");
}

TEST_F(RevisionWorkflow, StampPurgeAndStampCancelsAPendingResume) {
  WriteRevision("aaaa0001_create.sql", kCreate);
  WriteRevision("fail.sql",
                "-- sluice:revision fail0001\n-- sluice:parent aaaa0001\n-- sluice:up\n"
                "CREATE TABLE x (id INT);\nINSERT INTO nowhere VALUES (1);\n");
  EXPECT_EQ(Sluice("upgrade head --progress none").exit_code, 1);
  EXPECT_EQ(Versions(), "aaaa0001");
  // Stamping past the failed revision overrides it: nothing resumes later.
  ASSERT_EQ(Sluice("stamp fail0001").exit_code, 0);
  EXPECT_EQ(Versions(), "fail0001");
  ASSERT_EQ(Sluice("stamp aaaa0001").exit_code, 0);
  WriteRevision("fail.sql",
                "-- sluice:revision fail0001\n-- sluice:parent aaaa0001\n-- sluice:up\n"
                "CREATE TABLE IF NOT EXISTS x (id INT);\nINSERT INTO x VALUES (1);\n");
  auto again = Sluice("upgrade head --progress none");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(again.output.find("resuming"), std::string::npos) << again.output;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM x"), "1");

  // A version row naming a revision that is gone needs --purge.
  Exec("INSERT INTO sluice_version VALUES ('gone0001')");
  auto unknown = Sluice("stamp head");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("stamp --purge"), std::string::npos) << unknown.output;
  auto purged = Sluice("stamp --purge head");
  ASSERT_EQ(purged.exit_code, 0) << purged.output;
  EXPECT_EQ(Versions(), "fail0001");
}

TEST_F(RevisionWorkflow, MalformedFileExitsTwoAndRunsNothing) {
  WriteRevision("aaaa0001_create.sql", kCreate);
  WriteRevision("bad.sql",
                "-- sluice:revision bbbb0001\n-- sluice:parent aaaa0001\n-- sluice:up\n"
                "-- sluice:step batch-size=abc\nUPDATE orders SET note = 'x' WHERE id = 1;\n");
  auto r = Sluice("upgrade head");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("bad.sql:4: bad value for batch-size: 'abc'"), std::string::npos)
      << r.output;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                   "AND TABLE_NAME = 'orders'"),
            "0");
}

TEST_F(RevisionWorkflow, BranchesThenMergeUpgradeInAValidOrder) {
  WriteRevision("root.sql",
                "-- sluice:revision root0001\n-- sluice:up\n"
                "CREATE TABLE log (seq INT AUTO_INCREMENT PRIMARY KEY, rev VARCHAR(16));\n"
                "INSERT INTO log (rev) VALUES ('root');\n"
                "-- sluice:down\nDROP TABLE log;\n");
  WriteRevision("left.sql",
                "-- sluice:revision left0001\n-- sluice:parent root0001\n"
                "-- sluice:branch left\n-- sluice:up\n"
                "CREATE TABLE l (id INT PRIMARY KEY);\nINSERT INTO log (rev) VALUES ('left');\n"
                "-- sluice:down\nDROP TABLE l;\n");
  WriteRevision("right.sql",
                "-- sluice:revision right001\n-- sluice:parent root0001\n-- sluice:up\n"
                "CREATE TABLE r (id INT PRIMARY KEY);\nINSERT INTO log (rev) VALUES ('right');\n"
                "-- sluice:down\nDROP TABLE r;\n");
  auto several = Sluice("upgrade head");
  EXPECT_EQ(several.exit_code, 2) << several.output;
  EXPECT_NE(several.output.find("several heads: left0001, right001"), std::string::npos)
      << several.output;
  EXPECT_NE(several.output.find("sluice merge"), std::string::npos);

  auto heads = Sluice("heads");
  EXPECT_NE(heads.output.find("left0001 (head) (left)"), std::string::npos) << heads.output;
  EXPECT_NE(heads.output.find("right001 (head)"), std::string::npos) << heads.output;

  auto merge = Sluice("merge -m join heads --rev-id merge001");
  ASSERT_EQ(merge.exit_code, 0) << merge.output;
  // The merge joins both tables: it can only run after both branches.
  std::filesystem::path merged;
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "versions")) {
    if (e.path().filename().string().rfind("merge001", 0) == 0) merged = e.path();
  }
  ASSERT_FALSE(merged.empty());
  {
    std::ofstream out(merged, std::ios::app);
    out << "-- sluice:up\n";  // a second up section is an error: replace the file instead
  }
  EXPECT_EQ(Sluice("heads").exit_code, 2);
  WriteRevision(merged.filename().string(),
                "-- sluice:revision merge001\n-- sluice:parent left0001 right001\n"
                "-- sluice:message join\n-- sluice:up\n"
                "CREATE TABLE lr AS SELECT l.id FROM l JOIN r ON l.id = r.id;\n"
                "INSERT INTO log (rev) VALUES ('merge');\n-- sluice:down\nDROP TABLE lr;\n");

  auto up = Sluice("upgrade head --progress none");
  ASSERT_EQ(up.exit_code, 0) << up.output;
  EXPECT_EQ(Versions(), "merge001");
  std::string order = Scalar("SELECT GROUP_CONCAT(rev ORDER BY seq) FROM log");
  EXPECT_TRUE(order == "root,left,right,merge" || order == "root,right,left,merge") << order;

  // Down one branch: the merge and that branch go, the other stays.
  auto down = Sluice("downgrade left@base --progress none");
  ASSERT_EQ(down.exit_code, 0) << down.output;
  EXPECT_EQ(Versions(), "right001");
  auto hist = Sluice("history -i");
  EXPECT_NE(hist.output.find("root0001 -> right001 (current)"), std::string::npos) << hist.output;
  EXPECT_EQ(hist.output.find("left0001 (left) (current)"), std::string::npos) << hist.output;
}

TEST_F(RevisionWorkflow, FailureAtStepTwoIsRecordedAndResumed) {
  const std::string head =
      "-- sluice:revision fail0001\n-- sluice:message three steps\n-- sluice:up\n"
      "CREATE TABLE t (id INT PRIMARY KEY);\n";
  const std::string tail =
      "CREATE TABLE u (id INT PRIMARY KEY);\n-- sluice:down\nDROP TABLE u;\nDROP TABLE t;\n";
  WriteRevision("fail.sql", head + "INSERT INTO no_such_table VALUES (1);\n" + tail);
  auto failed = Sluice("upgrade head --progress none");
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_NE(failed.output.find("failed at step 2 of 3"), std::string::npos) << failed.output;
  EXPECT_NE(failed.output.find("1146"), std::string::npos) << failed.output;
  EXPECT_EQ(Versions(), "");
  EXPECT_EQ(Scalar("SELECT CONCAT(status, ':', steps_done, ':', steps_total) FROM sluice_history"),
            "failed:1:3");
  EXPECT_NE(Scalar("SELECT error FROM sluice_history").find("no_such_table"), std::string::npos);
  auto current = Sluice("current");
  EXPECT_NE(current.output.find("up fail0001 failed after 1 of 3 step(s)"), std::string::npos)
      << current.output;

  // Fixed: the rerun starts at step 2 (step 1's CREATE TABLE would fail if repeated).
  WriteRevision("fail.sql", head + "INSERT INTO t VALUES (1);\n" + tail);
  auto resumed = Sluice("upgrade head --progress none");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming up fail0001 at step 2 of 3"), std::string::npos)
      << resumed.output;
  EXPECT_EQ(Versions(), "fail0001");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t"), "1");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM u"), "0");
  EXPECT_EQ(
      Scalar(
          "SELECT GROUP_CONCAT(CONCAT(status, ':', steps_done) ORDER BY id) FROM sluice_history"),
      "failed:1,done:3");
}

TEST_F(RevisionWorkflow, FailedDataStepResumesFromItsCheckpointExactlyOnce) {
  Exec("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT NOT NULL DEFAULT 0)");
  Exec("INSERT INTO t (id) SELECT seq FROM seq_1_to_3000");
  const std::string head =
      "-- sluice:revision data0001\n-- sluice:up\n"
      "-- sluice:step batch-size=100 workers=1\n";
  // Row 1500 makes the statement fail (subquery returns 2 rows) half-way.
  WriteRevision("d.sql", head +
                             "UPDATE t SET v = v + IF(id = 1500, (SELECT seq FROM seq_1_to_2), 1) "
                             "WHERE id > 0;\n");
  auto failed = Sluice("upgrade head --progress none");
  ASSERT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_NE(failed.output.find("failed at step 1 of 1"), std::string::npos) << failed.output;
  int done_before = std::stoi(Scalar("SELECT COUNT(*) FROM t WHERE v = 1"));
  EXPECT_GT(done_before, 0);
  EXPECT_LT(done_before, 3000);

  WriteRevision("d.sql", head + "UPDATE t SET v = v + 1 WHERE id > 0;\n");
  auto resumed = Sluice("upgrade head --progress none");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming up data0001 at step 1 of 1"), std::string::npos)
      << resumed.output;
  // Committed chunks of the failed run are not repeated: every row once.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE v = 1"), "3000");
  EXPECT_EQ(Versions(), "data0001");
}

TEST_F(RevisionWorkflow, ConcurrentUpgradesOneWinsTheOtherGetsTheLockError) {
  WriteRevision("slow.sql",
                "-- sluice:revision slow0001\n-- sluice:up\nDO SLEEP(4);\n"
                "CREATE TABLE done_marker (id INT);\n");
  auto r = RunCommand("cd '" + dir_.string() + "' && export SLUICE_DSN='" + dsn_string() + "'; (" +
                      SluiceBinary() +
                      " upgrade head --progress none > first.log 2>&1; "
                      "echo $? > first.rc) & sleep 1.5; " +
                      SluiceBinary() +
                      " upgrade head --progress none > second.log 2>&1; echo $? > second.rc; wait");
  auto slurp = [&](const std::string& f) {
    std::ifstream in(dir_ / f);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(slurp("first.rc"), "0\n") << slurp("first.log");
  EXPECT_EQ(slurp("second.rc"), "4\n") << slurp("second.log");
  std::string second = slurp("second.log");
  EXPECT_NE(second.find("another migrator holds the lock sluice:" + db_name()), std::string::npos)
      << second;
  EXPECT_NE(second.find("held by "), std::string::npos) << second;
  EXPECT_NE(second.find("/"), std::string::npos) << second;  // host/pid
  EXPECT_EQ(Versions(), "slow0001");

  // With --lock-wait the second one waits, then finds nothing to do.
  WriteRevision("slow2.sql",
                "-- sluice:revision slow0002\n-- sluice:parent slow0001\n-- sluice:up\n"
                "DO SLEEP(2);\n");
  auto waited = RunCommand(
      "cd '" + dir_.string() + "' && export SLUICE_DSN='" + dsn_string() + "'; (" + SluiceBinary() +
      " upgrade head --progress none --control-socket '' "
      "> a.log 2>&1; echo $? > a.rc) & sleep 1; " +
      SluiceBinary() +
      " upgrade head --lock-wait 30 --progress none --control-socket '' > b.log 2>&1; "
      "echo $? > b.rc; wait");
  EXPECT_EQ(slurp("a.rc"), "0\n") << slurp("a.log");
  EXPECT_EQ(slurp("b.rc"), "0\n") << slurp("b.log");
  EXPECT_EQ(Versions(), "slow0002");
}

TEST_F(RevisionWorkflow, CheckDetectsAnEditedFileAndLints) {
  WriteRevision("aaaa0001_create.sql", kCreate);
  ASSERT_EQ(Sluice("upgrade head --progress none").exit_code, 0);
  auto clean = Sluice("check");
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  WriteRevision("aaaa0001_create.sql", std::string(kCreate) + "-- an innocent edit\n");
  auto edited = Sluice("check");
  EXPECT_EQ(edited.exit_code, 1) << edited.output;
  EXPECT_NE(
      edited.output.find("aaaa0001_create.sql (revision aaaa0001) changed after it was applied"),
      std::string::npos)
      << edited.output;
  WriteRevision("bbbb.sql",
                "-- sluice:revision bbbb0001\n-- sluice:parent aaaa0001\n-- sluice:up\n"
                "DELETE FROM orders;\nALTER TABLE orders DROP COLUMN note;\n");
  auto lint = Sluice("check --offline");
  EXPECT_EQ(lint.exit_code, 1) << lint.output;
  EXPECT_NE(lint.output.find("bbbb.sql:4: [no-where] DELETE orders has no WHERE"),
            std::string::npos)
      << lint.output;
  EXPECT_NE(lint.output.find("bbbb.sql:5: [drop-without-down] DROP COLUMN orders.note"),
            std::string::npos)
      << lint.output;
}

TEST_F(RevisionWorkflow, OfflineSqlThroughTheClientMatchesUpgrade) {
  Exec("CREATE TABLE keep_me (id INT NOT NULL PRIMARY KEY)");
  WriteRevision("aaaa0001_create.sql", kCreate);
  WriteRevision("aaaa0002_backfill.sql", kBackfill);
  WriteRevision("aaaa0003_trigger.sql",
                "-- sluice:revision aaaa0003\n-- sluice:parent aaaa0002\n-- sluice:up\n"
                "DELIMITER //\nCREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW BEGIN "
                "SET NEW.note = 'x'; SET NEW.total_cents = NEW.price_cents * NEW.quantity; END//\n"
                "DELIMITER ;\n-- sluice:down\nDROP TRIGGER orders_bi;\n");
  auto sql = Sluice("upgrade head --sql > offline.sql");
  ASSERT_EQ(sql.exit_code, 0) << sql.output;
  // --sql needs no database: the same with an unreachable DSN.
  auto unreachable = Sluice("upgrade head --sql > /dev/null", "mysql://nobody@127.0.0.1:1/none");
  EXPECT_EQ(unreachable.exit_code, 0) << unreachable.output;

  std::string other = db_name() + "_sql";
  Exec("DROP DATABASE IF EXISTS " + sql::QuoteIdent(other));
  Exec("CREATE DATABASE " + sql::QuoteIdent(other));
  Exec("CREATE TABLE " + sql::QuoteIdent(other) + ".keep_me (id INT NOT NULL PRIMARY KEY)");
  const Dsn& d = dsn();
  std::string client = "mariadb --protocol=TCP -h " + d.host + " -P " + std::to_string(d.port) +
                       " -u " + d.user + (d.password.empty() ? "" : " -p'" + d.password + "'") +
                       " " + other + " < '" + (dir_ / "offline.sql").string() + "'";
  auto piped = RunCommand(client);
  ASSERT_EQ(piped.exit_code, 0) << piped.output;

  ASSERT_EQ(Sluice("upgrade head --progress none").exit_code, 0);
  auto online = Schema(db_name());
  auto offline = Schema(other);
  EXPECT_EQ(online, offline);
  EXPECT_EQ(online.size(), 2u);
  EXPECT_EQ(Versions(other), Versions());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " +
                   sql::QuoteString(other)),
            "1");
  EXPECT_EQ(Scalar("SELECT SUM(total_cents) FROM " + sql::QuoteIdent(other) + ".orders"),
            Scalar("SELECT SUM(total_cents) FROM orders"));
  Exec("DROP DATABASE " + sql::QuoteIdent(other));
}

}  // namespace
}  // namespace sluice::testing
