// Scenario 1: kill -9 of sluice at random moments, during a chunked backfill
// and during an online alter (shadow copy with triggers under a concurrent
// writer). Each trial kills the run once or twice, then reruns it to the end
// and verifies everything. The seed and every kill moment are printed. Each
// rerun starts right after the kill without --lock-wait, as an orchestrator
// restarting a job would: it must not meet the dead run's lock (exit 4).
#include <signal.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <random>

#include "engine/sql/quote.h"
#include "tests/fault/fault_support.h"

namespace sluice::testing {
namespace {

constexpr int kTrials = 20;
constexpr int kRows = 20000;

class KillTest : public FaultTest {
 protected:
  // Runs `upgrade head`, killing it 1 or 2 times at random moments within
  // `span` seconds of its start, then lets a final run finish. Returns the
  // number of kills that hit a running process.
  int KillAndResume(const SluiceProject& p, std::mt19937_64& rng, double span,
                    const std::string& trial) {
    int hits = 0;
    int kills = 1 + static_cast<int>(rng() % 2);
    for (int k = 0; k < kills; ++k) {
      double at = std::uniform_real_distribution<double>(0.02, span)(rng);
      auto child = StartSluice(p, {"upgrade", "head", "--progress", "none"});
      if (!child) {
        ADD_FAILURE() << "could not start sluice";
        return hits;
      }
      SleepSeconds(at);
      bool running = child->Running();
      if (running) {
        child->Signal(SIGKILL);
        ++hits;
      }
      int rc = child->Wait(60);
      std::cout << "[fault] " << trial << " kill " << k + 1 << " at " << at << " s: "
                << (running ? "killed" : "had finished") << " (exit " << rc << ")" << std::endl;
      if (!running) {
        EXPECT_EQ(rc, 0) << child->Output();
      }
    }
    auto r = Sluice(p, "upgrade head --progress none");
    EXPECT_EQ(r.exit_code, 0) << trial << ": the rerun failed\n" << r.output;
    last_rerun_output_ = r.output;
    return hits;
  }

  std::string last_rerun_output_;  // of KillAndResume's final run

  double TimeUpgrade(const SluiceProject& p) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = Sluice(p, "upgrade head --progress none");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  // One online-alter trial under a writer mirroring into `mirror`: from a
  // fresh database at revision `base` (then `prepare`), either an
  // uninterrupted upgrade (`value`: its seconds) or kills and reruns within
  // `span` (`value`: the kills that hit). The writer stops 0.2 s after the
  // run, so that writes after the cut-over go to the new table too.
  struct WriterTrial {
    bool ok = false;  // the mirror could be created
    double value = 0;
    int64_t committed = 0;
    int64_t failed = 0;
  };
  WriterTrial RunUnderMirroredWriter(const SluiceProject& p, const std::string& base,
                                     const std::function<void()>& prepare,
                                     std::mt19937_64& rng, const std::string& name, bool kill,
                                     double span, int rows = kRows) {
    WriterTrial out;
    ResetDatabase();
    EXPECT_EQ(Sluice(p, "upgrade " + base + " --progress none").exit_code, 0);
    if (prepare) prepare();
    if (!MirroredWriter::CreateMirror(conn(), "t", "mirror").ok()) {
      ADD_FAILURE() << name << ": could not create the mirror table";
      return out;
    }
    MirroredWriter writer(dsn(), "t", "mirror", rows, rng());
    writer.Start();
    out.value = kill ? static_cast<double>(KillAndResume(p, rng, span, name)) : TimeUpgrade(p);
    SleepSeconds(0.2);
    writer.Stop();
    out.ok = true;
    out.committed = writer.committed();
    out.failed = writer.failed();
    return out;
  }

  // Kills and reruns of a shadow-copy ALTER (revisions `prefix`000001/2)
  // under a mirrored writer; every trial must end with the altered table
  // holding exactly the writer's rows.
  void KillDuringShadowCopy(const std::string& prefix, const std::string& capture, int trials,
                            int rows = kRows) {
    uint64_t seed = FaultSeed("kill -9 during an online alter, capture=" + capture);
    std::mt19937_64 rng(seed);
    SluiceProject p;
    const std::string base = prefix + "000001", head = prefix + "000002";
    p.AddRevision(base, "",
                  "CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT NOT NULL,\n"
                  "  pad VARCHAR(64) NOT NULL DEFAULT 'x', KEY idx_v (v));\n"
                  "-- sluice:step chunked=false\n"
                  "INSERT INTO t (id, v) SELECT seq, seq % 1000 FROM seq_1_to_" +
                      std::to_string(rows) + ";");
    p.AddRevision(head, base,
                  "-- sluice:step strategy=copy batch-size=500 workers=2 capture=" + capture +
                      "\nALTER TABLE t ADD COLUMN z INT NOT NULL DEFAULT 7, ADD INDEX idx_z (z);");
    const FinalState final_state{head, {base, head}, "t", {"idx_v", "idx_z"}, {"z"}};
    int64_t writes = 0, failed_writes = 0;
    int resumed = 0;  // final reruns that resumed a stopped binlog capture
    auto trial_run = [&](const std::string& name, bool kill, double span) {
      last_rerun_output_.clear();
      WriterTrial w = RunUnderMirroredWriter(p, base, nullptr, rng, name, kill, span, rows);
      if (!w.ok) return 0.0;
      resumed += last_rerun_output_.find("resuming the binlog capture") != std::string::npos;
      writes += w.committed;
      failed_writes += w.failed;
      EXPECT_GT(w.committed, 0);
      EXPECT_EQ(ContentHash("t", "id, v"), ContentHash("mirror", "id, v"))
          << name << ": the altered table lost or invented writes";
      EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE z <> 7"), "0") << name;
      VerifyFinalState(final_state, name);
      return w.value;
    };
    const std::string what = "online alter (capture=" + capture + ")";
    double span = trial_run("calibration run", false, 0);
    std::cout << "[fault] " << what << ": an uninterrupted run takes " << span << " s" << std::endl;
    int hits = 0;
    for (int trial = 1; trial <= trials && !HasFatalFailure(); ++trial) {
      hits += static_cast<int>(trial_run(capture + " alter trial " + std::to_string(trial), true, span));
    }
    std::cout << "[fault] " << what << ": " << trials << " trials, " << hits
              << " kills of a running sluice, " << writes << " concurrent writes committed ("
              << failed_writes << " rolled back), " << resumed
              << " reruns resumed a binlog capture"
              << (HasFailure() ? "; FAILURES above" : ", all verified") << std::endl;
    EXPECT_GE(hits, trials / 2);
    if (capture == "binlog") {
      EXPECT_GT(resumed, 0) << "no rerun resumed from a recorded position";
    }
  }
};

// A backfill UPDATE with its indexes deferred, then an INSERT ... SELECT into
// a table without a unique key (a repeated chunk would duplicate rows).
TEST_F(KillTest, KillDuringBackfill) {
  uint64_t seed = FaultSeed("kill -9 during a backfill");
  std::mt19937_64 rng(seed);
  SluiceProject p;
  p.AddRevision("fk000001", "",
                "CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT NOT NULL, w BIGINT NULL,\n"
                "  KEY idx_w (w), KEY idx_vw (v, w));\n"
                "CREATE TABLE archive (aid BIGINT AUTO_INCREMENT PRIMARY KEY,\n"
                "  src_id BIGINT NOT NULL, v BIGINT NOT NULL);\n"
                "-- sluice:step chunked=false\n"
                "INSERT INTO t (id, v) SELECT seq, seq % 1000 FROM seq_1_to_" +
                    std::to_string(kRows) + ";");
  p.AddRevision("fk000002", "fk000001",
                "-- sluice:step batch-size=250 workers=2 defer-indexes=all\n"
                "UPDATE t SET w = v * 3 + 1 WHERE w IS NULL;\n"
                "-- sluice:step batch-size=400 workers=2\n"
                "INSERT INTO archive (src_id, v) SELECT id, v FROM t WHERE id % 2 = 0;");
  const std::string expected_t =
      Scalar("SELECT CONCAT(COUNT(*), ':', SUM(CRC32(CONCAT_WS('#', seq, seq % 1000, "
             "(seq % 1000) * 3 + 1)))) FROM seq_1_to_" + std::to_string(kRows));
  const std::string expected_archive = "10000:10000:100010000:10000";
  const FinalState final_state{"fk000002", {"fk000001", "fk000002"}, "t", {"idx_w", "idx_vw"},
                               {"w"}};
  auto verify = [&](const std::string& trial) {
    EXPECT_EQ(ContentHash("t", "id, v, w"), expected_t) << trial << ": t differs";
    EXPECT_EQ(Scalar("SELECT CONCAT(COUNT(*), ':', COUNT(DISTINCT src_id), ':', SUM(src_id), "
                     "':', SUM(v = src_id % 1000)) FROM archive"),
              expected_archive)
        << trial << ": archive rows lost or duplicated";
    VerifyFinalState(final_state, trial);
  };

  ResetDatabase();
  ASSERT_EQ(Sluice(p, "upgrade fk000001 --progress none").exit_code, 0);
  double span = TimeUpgrade(p);
  verify("calibration run");
  std::cout << "[fault] backfill: an uninterrupted run takes " << span << " s" << std::endl;

  int hits = 0;
  for (int trial = 1; trial <= kTrials && !HasFatalFailure(); ++trial) {
    std::string name = "backfill trial " + std::to_string(trial);
    ResetDatabase();
    ASSERT_EQ(Sluice(p, "upgrade fk000001 --progress none").exit_code, 0);
    hits += KillAndResume(p, rng, span, name);
    verify(name);
  }
  std::cout << "[fault] backfill: " << kTrials << " trials, " << hits
            << " kills of a running sluice" << (HasFailure() ? "; FAILURES above" : ", all verified")
            << std::endl;
  EXPECT_GE(hits, kTrials / 2) << "most kills should land while sluice runs";
}

// A shadow-copy ALTER (chunked copy, deferred index, cut-over) while a
// writer updates, inserts and deletes rows, mirroring each write into a
// second table in the same transaction; `capture` is the step's capture=.
TEST_F(KillTest, KillDuringOnlineAlter) { KillDuringShadowCopy("ka", "triggers", kTrials); }

// The same with the binlog capture: no trigger; the applied binlog position
// recorded about once a second is where a rerun resumes the stream, and the
// cut-over drains what the writer committed up to the lock.
TEST_F(KillTest, KillDuringBinlogCapturedOnlineAlter) {
  KillDuringShadowCopy("kb", "binlog", kTrials / 2, 3 * kRows);
}

// The same with a table that has its own triggers and a foreign key to a
// parent: after every kill and rerun the user's triggers are on `t` once,
// fired once per write (never by the copy), and the key is on `t`.
TEST_F(KillTest, KillDuringOnlineAlterOfATableWithTriggersAndAForeignKey) {
  constexpr int kTriggerTrials = 10;
  uint64_t seed = FaultSeed("kill -9 during an online alter with triggers and a foreign key");
  std::mt19937_64 rng(seed);
  SluiceProject p;
  p.AddRevision("kt000001", "",
                "CREATE TABLE parents (id INT PRIMARY KEY);\n"
                "INSERT INTO parents VALUES (1), (2);\n"
                "CREATE TABLE audit (id BIGINT NOT NULL, KEY (id));\n"
                "CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT NOT NULL, p_id INT NULL,\n"
                "  KEY idx_v (v), CONSTRAINT fk_t_parent FOREIGN KEY (p_id) REFERENCES parents (id));\n"
                "CREATE TRIGGER t_audit AFTER INSERT ON t FOR EACH ROW INSERT INTO audit VALUES "
                "(NEW.id);\n"
                "-- sluice:step chunked=false\n"
                "INSERT INTO t (id, v, p_id) SELECT seq, seq % 1000, 1 + seq % 2 FROM seq_1_to_" +
                    std::to_string(kRows) + ";");
  p.AddRevision("kt000002", "kt000001",
                "-- sluice:step strategy=copy batch-size=500 workers=2\n"
                "ALTER TABLE t ADD COLUMN z INT NOT NULL DEFAULT 7;");
  const FinalState final_state{"kt000002", {"kt000001", "kt000002"}, "t", {"idx_v"}, {"z"}};
  auto trial_run = [&](const std::string& name, bool kill, double span) {
    WriterTrial w = RunUnderMirroredWriter(
        p, "kt000001", [&] { Exec("TRUNCATE TABLE audit"); }, rng, name, kill, span);
    if (!w.ok) return 0.0;
    EXPECT_EQ(ContentHash("t", "id, v"), ContentHash("mirror", "id, v")) << name;
    EXPECT_EQ(Scalar("SELECT COUNT(*) - COUNT(DISTINCT id) FROM audit"), "0")
        << name << ": a user trigger fired twice for a row";
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE "
                     "CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 't' AND "
                     "REFERENCED_TABLE_NAME = 'parents'"),
              "1")
        << name << ": the foreign key is not on t";
    Exec("INSERT INTO t (id, v, p_id) VALUES (-1, 1, 2)");
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit WHERE id = -1"), "1") << name;
    Exec("DELETE FROM t WHERE id = -1");
    VerifyFinalState(final_state, name, "t_audit@t");
    return w.value;
  };
  double span = trial_run("calibration run", false, 0);
  int hits = 0;
  for (int trial = 1; trial <= kTriggerTrials && !HasFatalFailure(); ++trial) {
    hits += static_cast<int>(trial_run("trigger/fk trial " + std::to_string(trial), true, span));
  }
  std::cout << "[fault] online alter with triggers and a foreign key: " << kTriggerTrials
            << " trials, " << hits << " kills" << (HasFailure() ? "; FAILURES above" : ", all verified")
            << std::endl;
  EXPECT_GE(hits, kTriggerTrials / 3);  // kills may land after a short run ended
}

// The end of a revision writes its version row and history row and clears its
// checkpoints. A kill while that is in flight must leave all three as they
// were, and the rerun must finish them: before they were one transaction, a
// kill between them left the revision applied with its history 'running' and
// its checkpoints behind, and the rerun found nothing to do. To stop the run
// right there, another session holds an uncommitted checkpoint row of the
// revision, which the final DELETE must wait for.
TEST_F(KillTest, KillWhileRecordingTheEndOfARevision) {
  SluiceProject p;
  p.AddRevision("kr000001", "",
                "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL DEFAULT 0);\n"
                "INSERT INTO t (id) SELECT seq FROM seq_1_to_100;\n"
                "-- sluice:step batch-size=50\n"
                "UPDATE t SET v = 1;");  // a data step: the checkpoint table exists after it
  p.AddRevision("kr000002", "kr000001", "DO SLEEP(1);");
  ASSERT_EQ(Sluice(p, "upgrade kr000001 --progress none").exit_code, 0);

  auto until = [&](const std::string& query, const std::string& want) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (Scalar(query) != want && std::chrono::steady_clock::now() < deadline) SleepSeconds(0.02);
    return Scalar(query) == want;
  };
  auto child = StartSluice(p, {"upgrade", "head", "--progress", "none"});
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE(until("SELECT COUNT(*) FROM sluice_history WHERE revision = 'kr000002' AND "
                    "status = 'running'", "1"))
      << child->Output();
  auto holder = NewConnection();
  ASSERT_TRUE(holder->Exec("START TRANSACTION").ok());
  ASSERT_TRUE(holder->Exec("INSERT INTO sluice_checkpoint (revision, step, seq, kind) VALUES "
                           "('kr000002', 99, 0, 'held')")
                  .ok());
  const std::string waiting =
      "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = " +
      sql::QuoteString(db_name()) + " AND INFO LIKE 'DELETE FROM `sluice_checkpoint`%'";
  ASSERT_TRUE(until(waiting, "1")) << "the run never reached its final DELETE\n"
                                   << child->Output();
  EXPECT_EQ(Scalar("SELECT GROUP_CONCAT(version_num) FROM sluice_version"), "kr000001")
      << "the version row was committed before the history row and the checkpoints";

  child->Signal(SIGKILL);
  child->Wait(10);
  ASSERT_TRUE(holder->Exec("ROLLBACK").ok());
  holder.reset();
  ASSERT_TRUE(until("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = " +
                        sql::QuoteString(db_name()) + " AND ID <> CONNECTION_ID()",
                    "0"))
      << "the killed run's sessions stayed";
  EXPECT_EQ(Scalar("SELECT GROUP_CONCAT(version_num) FROM sluice_version"), "kr000001");
  EXPECT_EQ(Scalar("SELECT status FROM sluice_history WHERE revision = 'kr000002'"), "running");

  auto r = Sluice(p, "upgrade head --progress none");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  VerifyFinalState({"kr000002", {"kr000001", "kr000002"}, "t", {}, {"v"}}, "after the rerun");
}

}  // namespace
}  // namespace sluice::testing
