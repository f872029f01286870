// --max-lag against a REAL replica: the test starts a second MariaDB (its own
// datadir and port), points it at the test server with CHANGE MASTER TO, and
// stops its SQL thread to make it lag. The replica is always shut down.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "engine/sql/quote.h"
#include "engine/throttle/composite_throttler.h"
#include "mysql/mysql_dialect.h"
#include "mysql/replica_lag_signal.h"
#include "tests/support/own_server.h"
#include "tests/support/test_db.h"

namespace sluice {
namespace {

using namespace std::chrono_literals;

class ThrottleLagTest : public testing::TestDatabase {
 protected:
  void SetUp() override {
    testing::TestDatabase::SetUp();
    if (HasFatalFailure()) return;
    Exec("CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL DEFAULT 0)");
    std::string err = replica_.Start(
        "replica", {"--skip-log-bin", "--skip-slave-start",
                    // Only this test's database: other tests' writes on the
                    // shared server must not reach (and break) this replica.
                    "--replicate-wild-do-table=" + db_name() + ".%"});
    ASSERT_EQ(err, "");
    auto r = Connection::Open(replica_.dsn());
    ASSERT_TRUE(r.ok()) << r.error().message;
    replica_conn_ = std::move(r).value();
    // Same schema on the replica, then replicate from the current position.
    R("CREATE DATABASE " + sql::QuoteIdent(db_name()));
    R("CREATE TABLE " + sql::QuoteIdent(db_name()) +
      ".items (id INT PRIMARY KEY, v INT NOT NULL DEFAULT 0)");
    auto pos = conn().Query("SHOW MASTER STATUS");
    ASSERT_TRUE(pos.ok()) << pos.error().message;
    ASSERT_FALSE(pos->rows.empty()) << "the test server needs --log-bin for this test";
    const std::string file = *pos->rows[0][pos->Column("File")];
    const std::string offset = *pos->rows[0][pos->Column("Position")];
    const Dsn master = dsn();
    R("CHANGE MASTER TO MASTER_HOST=" + sql::QuoteString(master.host) +
      ", MASTER_PORT=" + std::to_string(master.port) +
      ", MASTER_USER=" + sql::QuoteString(master.user) +
      ", MASTER_PASSWORD=" + sql::QuoteString(master.password) +
      ", MASTER_LOG_FILE=" + sql::QuoteString(file) + ", MASTER_LOG_POS=" + offset +
      ", MASTER_USE_GTID=no");
    R("START SLAVE");
  }
  void TearDown() override {
    replica_conn_.reset();
    replica_.Stop();
    testing::TestDatabase::TearDown();
  }
  void R(const std::string& sql) {
    auto r = replica_conn_->Exec(sql);
    ASSERT_TRUE(r.ok()) << sql << " -> " << r.error().ToString();
  }
  std::string ReplicaScalar(const std::string& sql) {
    auto r = replica_conn_->Query(sql);
    if (!r.ok() || r->rows.empty() || !r->rows[0][0]) return "NULL";
    return *r->rows[0][0];
  }
  // Waits until the replica has applied the master's writes to items.
  bool WaitForReplicaRows(const std::string& count) {
    for (int i = 0; i < 100; ++i) {
      if (ReplicaScalar("SELECT COUNT(*) FROM " + sql::QuoteIdent(db_name()) + ".items") == count)
        return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  testing::OwnServer replica_;
  std::unique_ptr<Connection> replica_conn_;
};

TEST_F(ThrottleLagTest, StoppedSqlThreadOrDelayThrottlesWithTheReason) {
  // Replication works: rows written on the test server reach the replica.
  Exec("INSERT INTO items (id) SELECT seq FROM seq_1_to_100");
  ASSERT_TRUE(WaitForReplicaRows("100"));

  ThrottleOptions opts;
  opts.max_lag_s = 5;
  opts.replica_dsns = {replica_.dsn().ToString()};
  ConnectionFactory master(dsn());
  mysql::MysqlDialect dialect;
  auto signals = dialect.ThrottleSignals(master, opts);
  ASSERT_EQ(signals.size(), 1u);
  ThrottleSignal& lag = *signals[0];
  EXPECT_EQ(lag.Name(), "lag");

  auto d = lag.Check();
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_FALSE(d->throttle) << d->reason;

  R("STOP SLAVE SQL_THREAD");
  Exec("INSERT INTO items (id) SELECT seq FROM seq_101_to_200");
  d = lag.Check();
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_TRUE(d->throttle);
  const std::string where = "127.0.0.1:" + std::to_string(replica_.dsn().port);
  EXPECT_EQ(d->reason, "replica " + where + ": SQL thread stopped, lag unknown");

  // The composite names the signal and counts the time.
  CompositeThrottler throttler(0, 10);
  throttler.Add(std::move(signals[0]));
  ThrottleDecision td = throttler.Check();
  EXPECT_TRUE(td.throttle);
  EXPECT_EQ(td.signal, "lag");
  EXPECT_NE(td.reason.find("SQL thread stopped"), std::string::npos);

  R("START SLAVE SQL_THREAD");
  ASSERT_TRUE(WaitForReplicaRows("200")) << "replica did not catch up";
  bool released = false;
  for (int i = 0; i < 50 && !released; ++i) {
    released = !throttler.Check().throttle;
    if (!released) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(released) << throttler.Last().reason;
  EXPECT_GT(throttler.ThrottledSeconds()["lag"], 0);

  // A delayed replica (MASTER_DELAY holds events back) reports a numeric lag.
  // Same replica as above: starting one takes seconds.
  R("STOP SLAVE");
  R("CHANGE MASTER TO MASTER_DELAY=30");
  R("START SLAVE");
  Exec("INSERT INTO items (id) VALUES (1000)");
  auto delayed = mysql::ReplicaLagSignal::FromDsn(replica_.dsn().ToString(), 1);
  const std::string prefix = "replica " + where + " lag ";
  std::string reason;
  for (int i = 0; i < 100 && reason.rfind(prefix, 0) != 0; ++i) {
    std::this_thread::sleep_for(100ms);  // SBM is NULL until the IO thread connects
    auto dd = delayed->Check();
    ASSERT_TRUE(dd.ok()) << dd.error().message;
    reason = dd->reason;
  }
  EXPECT_EQ(reason.rfind(prefix, 0), 0u) << reason;
  EXPECT_NE(reason.find("s > 1s"), std::string::npos) << reason;
}

TEST(ReplicaLagSignalTest, UnreachableReplicaIsAnErrorNamingIt) {
  auto signal = mysql::ReplicaLagSignal::FromDsn("mysql://root:secret@127.0.0.1:1/?connect-timeout=1", 5);
  auto d = signal->Check();
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("replica 127.0.0.1:1"), std::string::npos) << d.error().message;
  EXPECT_EQ(d.error().message.find("secret"), std::string::npos);
  auto broken = mysql::ReplicaLagSignal::FromDsn("nonsense://", 5);
  EXPECT_FALSE(broken->Check().ok());
}

}  // namespace
}  // namespace sluice
