// Fault scenarios 3-7 against the suite's MariaDB: a connection-kill storm,
// a writer causing deadlocks and lock-wait timeouts, a cut-over blocked by a
// long transaction, a revision failing midway then fixed, and two sluice
// processes at once. Each ends with the full verification.
#include <signal.h>

#include <atomic>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "engine/sql/quote.h"
#include "tests/fault/fault_support.h"

namespace sluice::testing {
namespace {

constexpr int kRows = 20000;

// r1 creates and fills t; r2 backfills w with its indexes deferred.
void AddBackfillRevisions(SluiceProject& p, const std::string& step_options) {
  p.AddRevision("fs000001", "",
                "CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT NOT NULL, w BIGINT NULL,\n"
                "  x BIGINT NOT NULL DEFAULT 0, KEY idx_w (w));\n"
                "-- sluice:step chunked=false\n"
                "INSERT INTO t (id, v) SELECT seq, seq % 1000 FROM seq_1_to_" +
                    std::to_string(kRows) + ";");
  p.AddRevision("fs000002", "fs000001",
                "-- sluice:step " + step_options + "\nUPDATE t SET w = v * 3 + 1 WHERE w IS NULL;");
}

class ScenarioTest : public FaultTest {
 protected:
  void VerifyBackfill(const std::string& context) {
    std::string expected =
        Scalar("SELECT CONCAT(COUNT(*), ':', SUM(CRC32(CONCAT_WS('#', seq, seq % 1000, "
               "(seq % 1000) * 3 + 1)))) FROM seq_1_to_" + std::to_string(kRows));
    EXPECT_EQ(ContentHash("t", "id, v, w"), expected) << context;
    VerifyFinalState({"fs000002", {"fs000001", "fs000002"}, "t", {"idx_w"}, {"w"}}, context);
  }
  // Connection ids of this test's own sessions (never killed by the storm).
  std::string OwnId(Connection& c) { return std::to_string(c.ThreadId()); }
};

// 3. Another session KILLs sluice's connections every 20-80 ms while a
// backfill runs: the run retries through it, or fails clearly and a rerun
// completes.
TEST_F(ScenarioTest, ConnectionKillStorm) {
  uint64_t seed = FaultSeed("connection-kill storm");
  std::mt19937_64 rng(seed);
  SluiceProject p;
  AddBackfillRevisions(p, "batch-size=200 workers=2 max-rate=8000 defer-indexes=all");
  ASSERT_EQ(Sluice(p, "upgrade fs000001 --progress none").exit_code, 0);

  auto killer = NewConnection();
  ASSERT_NE(killer, nullptr);
  std::set<std::string> own = {OwnId(conn()), OwnId(*killer)};
  auto child = StartSluice(p, {"upgrade", "head", "--progress", "none"});
  ASSERT_NE(child, nullptr);
  int kills = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (child->Running() && std::chrono::steady_clock::now() < deadline) {
    auto ids = killer->Query("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = " +
                             sql::QuoteString(db_name()));
    if (ids.ok()) {
      for (const auto& row : ids->rows) {
        if (!row[0] || own.count(*row[0])) continue;
        if (killer->Exec("KILL CONNECTION " + *row[0]).ok()) ++kills;
      }
    }
    SleepSeconds(0.02 + static_cast<double>(rng() % 60) / 1000.0);
  }
  int rc = child->Wait(120);
  std::cout << "[fault] kill storm: " << kills << " connections killed; the run under the storm "
            << (rc == 0 ? "completed" : "failed (exit " + std::to_string(rc) + ")") << std::endl;
  EXPECT_GT(kills, 0);
  if (rc != 0) {
    std::string out = child->Output();
    auto e = out.rfind(" error ");
    std::cout << "[fault] kill storm: the failed run said:"
              << (e == std::string::npos ? out : out.substr(e, out.find('\n', e) - e))
              << std::endl;
    // It must have failed with a message, not crashed.
    EXPECT_LT(rc, 128) << child->Output();
    EXPECT_NE(child->Output().find("error"), std::string::npos) << child->Output();
    auto r = Sluice(p, "upgrade head --lock-wait 30 --progress none");
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }
  VerifyBackfill("after the kill storm");
}

// 4. A writer updates the same rows in the opposite order, holding its locks
// for a while, with innodb_lock_wait_timeout at 1 s: the backfill's batches,
// which lock their range first without waiting, find rows locked, retry
// themselves, and never make the writer a deadlock victim or time it out;
// every one of the writer's committed increments survives.
TEST_F(ScenarioTest, DeadlocksAndLockWaitTimeouts) {
  uint64_t seed = FaultSeed("deadlocks and lock-wait timeouts");
  std::mt19937_64 rng(seed);
  SluiceProject p;
  AddBackfillRevisions(p, "batch-size=500 workers=2 max-rate=4000");
  ASSERT_EQ(Sluice(p, "upgrade fs000001 --progress none").exit_code, 0);
  std::string old_timeout = Scalar("SELECT @@GLOBAL.innodb_lock_wait_timeout");
  Exec("SET GLOBAL innodb_lock_wait_timeout = 1");

  std::atomic<bool> stop{false};
  std::atomic<int64_t> increments{0}, writer_failures{0};
  std::thread writer([&] {
    std::mt19937_64 wrng(seed + 1);
    auto c = NewConnection();
    if (!c) return;
    while (!stop) {
      // Two rows just ahead of the backfill, high id first: it takes them
      // low first (a deadlock), and a hold past the 1 s timeout makes it
      // time out waiting (1205).
      auto done = c->Query("SELECT COALESCE(MAX(id), 0) FROM t WHERE w IS NOT NULL");
      int64_t at = done.ok() && !done->rows.empty() && done->rows[0][0]
                       ? std::stoll(*done->rows[0][0])
                       : 0;
      int64_t hi = std::min<int64_t>(kRows, at + 150 + static_cast<int64_t>(wrng() % 400));
      int64_t lo = std::max<int64_t>(1, hi - 1 - static_cast<int64_t>(wrng() % 120));
      double hold = wrng() % 2 ? 1.1 + static_cast<double>(wrng() % 400) / 1000.0
                               : 0.1 + static_cast<double>(wrng() % 200) / 1000.0;
      bool ok = c->Exec("BEGIN").ok() &&
                c->Exec("UPDATE t SET x = x + 1 WHERE id = " + std::to_string(hi)).ok();
      if (ok) SleepSeconds(hold);
      ok = ok && c->Exec("UPDATE t SET x = x + 1 WHERE id = " + std::to_string(lo)).ok() &&
           c->Exec("COMMIT").ok();
      if (ok) {
        increments += 2;
      } else {
        ++writer_failures;
        if (!c->Exec("ROLLBACK").ok()) c = NewConnection();
        if (!c) return;
      }
    }
  });
  auto r = Sluice(p, "--log-level debug upgrade head --progress none");
  stop = true;
  writer.join();
  Exec("SET GLOBAL innodb_lock_wait_timeout = " + old_timeout);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t pos = r.output.find(what); pos != std::string::npos;
         pos = r.output.find(what, pos + 1)) {
      ++n;
    }
    return n;
  };
  std::cout << "[fault] deadlocks: writer committed " << increments << " increments ("
            << writer_failures << " of its transactions lost a deadlock or timed out); sluice "
            << "retried " << count("retrying in") << " times (" << count("1213")
            << " deadlocks, " << count("1205") << " lock-wait timeouts)" << std::endl;
  EXPECT_GT(count("retrying in"), 0u) << "the writer never got in sluice's way";
  // Lock-first batches never wait for the writer's locks: the writer is
  // never the deadlock victim, and never times out behind a waiting batch.
  EXPECT_EQ(writer_failures.load(), 0) << "the application lost to sluice";
  EXPECT_EQ(Scalar("SELECT SUM(x) FROM t"), std::to_string(increments.load()))
      << "a committed write was lost";
  VerifyBackfill("after deadlocks and lock-wait timeouts");
}

// 5. The copy is done and waits for `sluice cut-over`; a long transaction
// holds a metadata lock on t. The RENAME is retried under short lock waits,
// then fails clearly; t is never left renamed. Once the transaction ends, a
// rerun completes.
TEST_F(ScenarioTest, CutOverBlockedByLongTransaction) {
  FaultSeed("cut-over blocked by a long transaction");
  SluiceProject p;
  p.AddRevision("fc000001", "",
                "CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT NOT NULL, KEY idx_v (v));\n"
                "-- sluice:step chunked=false\n"
                "INSERT INTO t (id, v) SELECT seq, seq % 1000 FROM seq_1_to_5000;");
  p.AddRevision("fc000002", "fc000001",
                "-- sluice:step strategy=copy batch-size=1000\n"
                "ALTER TABLE t ADD COLUMN z INT NOT NULL DEFAULT 7;");
  ASSERT_EQ(Sluice(p, "upgrade fc000001 --progress none").exit_code, 0);
  std::string before = ContentHash("t", "id, v");

  auto child = StartSluice(p, {"upgrade", "head", "--postpone-cut-over", "--progress", "plain"});
  ASSERT_NE(child, nullptr);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline &&
         p.Run("", "status").output.find("waiting for cut-over") == std::string::npos) {
    SleepSeconds(0.1);
  }
  auto blocker = NewConnection();
  ASSERT_NE(blocker, nullptr);
  ASSERT_TRUE(blocker->Exec("BEGIN").ok());
  ASSERT_TRUE(blocker->Query("SELECT COUNT(*) FROM t").ok());  // holds a metadata lock on t
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(p.Run("", "cut-over").exit_code, 0);
  // Meanwhile t must always be there, with its rows.
  int checks = 0;
  while (child->Running() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(120)) {
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                     sql::QuoteString(db_name()) + " AND TABLE_NAME = 't'"),
              "1")
        << "t is missing during the cut-over";
    ++checks;
    SleepSeconds(0.2);
  }
  int rc = child->Wait(10);
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string out = child->Output();
  std::cout << "[fault] blocked cut-over: gave up after " << took << " s (exit " << rc << "), "
            << checks << " checks that t stayed in place" << std::endl;
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("gave up"), std::string::npos) << out;
  EXPECT_NE(out.find("metadata lock"), std::string::npos) << out;
  ASSERT_TRUE(blocker->Exec("ROLLBACK").ok());
  // Not renamed halfway: t is the original table with all its rows.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                   sql::QuoteString(db_name()) + " AND TABLE_NAME = 't' AND COLUMN_NAME = 'z'"),
            "0");
  EXPECT_EQ(ContentHash("t", "id, v"), before);
  EXPECT_EQ(Scalar("SELECT status FROM sluice_history WHERE revision = 'fc000002' ORDER BY id "
                   "DESC LIMIT 1"),
            "failed");
  auto r = Sluice(p, "upgrade head --progress none");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(ContentHash("t", "id, v"), before);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE z = 7"), "5000");
  VerifyFinalState({"fc000002", {"fc000001", "fc000002"}, "t", {"idx_v"}, {"z"}},
                   "after the blocked cut-over and the rerun");
}

// 6. A revision whose second step fails midway (some chunks committed, then
// an out-of-range value), fixed in the file and resumed: the schema step is
// not repeated, the data step finishes.
TEST_F(ScenarioTest, RevisionFailsMidwayThenFixedAndResumed) {
  FaultSeed("a revision failing midway, fixed, resumed");
  SluiceProject p;
  AddBackfillRevisions(p, "batch-size=500 workers=1");
  const std::string broken = "ALTER TABLE t ADD COLUMN s TINYINT NULL;\n"
                             "-- sluice:step batch-size=500 workers=1\n"
                             "UPDATE t SET s = IF(id > 12000, v + 200, 1) WHERE s IS NULL;";
  const std::string fixed = "ALTER TABLE t ADD COLUMN s TINYINT NULL;\n"
                            "-- sluice:step batch-size=500 workers=1\n"
                            "UPDATE t SET s = IF(id > 12000, 100, 1) WHERE s IS NULL;";
  p.AddRevision("fs000003", "fs000002", broken, "ALTER TABLE t DROP COLUMN s;");
  auto r = Sluice(p, "upgrade head --progress none");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("fs000003"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Out of range"), std::string::npos) << r.output;
  std::string done_before = Scalar("SELECT COUNT(*) FROM t WHERE s = 1");
  EXPECT_NE(done_before, "0") << "no chunk committed before the failure";
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE s > 1"), "0");
  EXPECT_EQ(Scalar("SELECT version_num FROM sluice_version"), "fs000002");

  p.AddRevision("fs000003", "fs000002", fixed, "ALTER TABLE t DROP COLUMN s;");
  r = Sluice(p, "upgrade head --progress none");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("resuming up fs000003 at step 2"), std::string::npos) << r.output;
  std::cout << "[fault] failing revision: " << done_before
            << " rows were done before the failure; the fixed file resumed at step 2"
            << std::endl;
  EXPECT_EQ(Scalar("SELECT CONCAT(SUM(s = 1), ':', SUM(s = 100), ':', SUM(s IS NULL)) FROM t"),
            "12000:8000:0");
  VerifyFinalState({"fs000003", {"fs000001", "fs000002", "fs000003"}, "t", {"idx_w"}, {"s"}},
                   "after the fixed revision");
}

// 7. Two sluice processes started at the same moment on the same schema:
// without --lock-wait one runs and the other exits 4 naming the holder (or,
// when the first is done before the second looks, finds nothing to do); with
// it, both succeed and the revisions run once.
TEST_F(ScenarioTest, TwoProcessesAtOnce) {
  FaultSeed("two sluice processes at once");
  SluiceProject p;
  AddBackfillRevisions(p, "batch-size=500 workers=2");
  for (bool wait : {false, true}) {
    std::string mode = wait ? "with --lock-wait" : "without --lock-wait";
    ResetDatabase();
    std::vector<std::string> args = {"upgrade", "head", "--progress", "none"};
    if (wait) {
      args.push_back("--lock-wait");
      args.push_back("60");
    }
    auto a = StartSluice(p, args);
    auto b = StartSluice(p, args);
    ASSERT_TRUE(a && b);
    int ra = a->Wait(120), rb = b->Wait(120);
    std::cout << "[fault] two at once " << mode << ": exits " << ra << " and " << rb << std::endl;
    if (wait) {
      EXPECT_EQ(ra, 0) << a->Output();
      EXPECT_EQ(rb, 0) << b->Output();
    } else {
      EXPECT_EQ(std::min(ra, rb), 0) << a->Output() << b->Output();
      if (std::max(ra, rb) == 0) {
        // The first finished before the second looked at the lock's holder:
        // the second found it free and had nothing left to do.
        std::string later = (a->Output() + b->Output());
        EXPECT_NE(later.find("nothing to upgrade"), std::string::npos) << later;
      } else {
        EXPECT_EQ(std::max(ra, rb), 4) << a->Output() << b->Output();
        std::string loser = ra == 4 ? a->Output() : b->Output();
        EXPECT_NE(loser.find("held by"), std::string::npos) << loser;
      }
    }
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sluice_history WHERE status = 'done'"), "2") << mode;
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sluice_history"), "2") << mode;
    VerifyBackfill(mode);
  }
}

}  // namespace
}  // namespace sluice::testing
