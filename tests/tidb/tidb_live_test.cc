// Live end-to-end tests against a real TiDB (docker-compose.yml: `docker
// compose up -d pd tikv tidb`, then SLUICE_TIDB_DSN=tidb://root@127.0.0.1:4000/).
// Without SLUICE_TIDB_DSN every test is skipped with a visible message.
// These have NOT been run by the authors: no TiDB can run where sluice is built.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "engine/db/connection.h"
#include "engine/db/dsn.h"
#include "engine/exec/data_step.h"
#include "engine/exec/run_control.h"
#include "engine/progress/progress.h"
#include "engine/throttle/throttler.h"
#include "tidb/ddl_statements.h"
#include "tidb/tidb_dialect.h"

namespace sluice::tidb {
namespace {

class Recorder : public ProgressSink {
 public:
  void OnSnapshot(const ProgressSnapshot& s) override {
    std::lock_guard<std::mutex> l(mu);
    snaps.push_back(s);
  }
  std::vector<ProgressSnapshot> Snaps() {
    std::lock_guard<std::mutex> l(mu);
    return snaps;
  }
  std::mutex mu;
  std::vector<ProgressSnapshot> snaps;
};

class TidbLive : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* env = std::getenv("SLUICE_TIDB_DSN");
    if (!env || !*env) {
      GTEST_SKIP() << "SLUICE_TIDB_DSN is not set: live TiDB test skipped "
                      "(docker compose up -d pd tikv tidb; see docs/TIDB.md)";
    }
    auto dsn = ParseDsn(env);
    ASSERT_TRUE(dsn.ok()) << dsn.error().ToString();
    std::mt19937_64 rng(std::random_device{}());
    db_ = "sluice_live_" + std::to_string(rng() % 1000000000);
    auto admin = Connection::Open(*dsn);
    ASSERT_TRUE(admin.ok()) << admin.error().ToString();
    ASSERT_EQ(admin->get()->server().flavor, Flavor::kTiDB) << "SLUICE_TIDB_DSN is not a TiDB";
    ASSERT_TRUE(admin->get()->Exec("CREATE DATABASE `" + db_ + "`").ok());
    dsn_ = *dsn;
    dsn_.database = db_;
    factory_ = std::make_unique<ConnectionFactory>(dsn_);
    auto c = factory_->OpenConnection();
    ASSERT_TRUE(c.ok()) << c.error().ToString();
    conn_ = std::move(*c);
    dialect_ = std::make_unique<TidbDialect>(conn_->server());
  }
  void TearDown() override {
    if (conn_) (void)conn_->Exec("DROP DATABASE IF EXISTS `" + db_ + "`");
  }
  void Exec(const std::string& sql) {
    auto r = conn_->Exec(sql);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.error().ToString();
  }
  std::string Scalar(const std::string& sql) {
    auto r = conn_->Query(sql);
    if (!r.ok() || r->rows.empty() || !r->rows[0][0]) return "NULL";
    return *r->rows[0][0];
  }
  // A table of 2^doublings rows, non-clustered so that _tidb_rowid is used.
  void MakeOrders(int doublings) {
    Exec("CREATE TABLE orders (id BIGINT NOT NULL AUTO_INCREMENT, price INT NOT NULL, "
         "qty INT NOT NULL, total BIGINT NULL, PRIMARY KEY (id) NONCLUSTERED)");
    Exec("INSERT INTO orders (price, qty) VALUES (3, 2)");
    for (int i = 0; i < doublings; ++i) {
      Exec("INSERT INTO orders (price, qty) SELECT price + 1, qty FROM orders");
    }
    Exec("ANALYZE TABLE orders");
  }
  SchemaChangeRequest AddIndex(const std::string& spec) {
    SchemaChangeRequest req;
    req.table = {db_, "orders"};
    req.alter_spec = spec;
    req.options.workers = 2;
    req.options.batch_size = 64;
    req.revision = "live";
    req.step_index = 1;
    return req;
  }
  bool HasIndex(const std::string& name) {
    return Scalar("SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '" +
                  db_ + "' AND TABLE_NAME = 'orders' AND INDEX_NAME = '" + name + "'") != "0";
  }

  std::string db_;
  Dsn dsn_;
  std::unique_ptr<ConnectionFactory> factory_;
  std::unique_ptr<Connection> conn_;
  std::unique_ptr<TidbDialect> dialect_;
};

TEST_F(TidbLive, InspectsNonClusteredTableAndSplitsAtRegions) {
  MakeOrders(12);
  Exec("SPLIT TABLE orders BETWEEN (0) AND (5000) REGIONS 4");
  auto t = dialect_->InspectTable(*conn_, {db_, "orders"});
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_FALSE(t->clustered_pk);
  auto key = dialect_->ChooseChunkKey(*t, "");
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(key->hidden_rowid);
  auto pts = dialect_->SplitPoints(*conn_, *t, *key);
  ASSERT_TRUE(pts.ok()) << pts.error().ToString();
  EXPECT_GE(pts->size(), 1u);
}

TEST_F(TidbLive, AddIndexWithProgress) {
  MakeOrders(14);
  auto plan = dialect_->PlanSchemaChange(*factory_, AddIndex("ADD INDEX idx_price (price)"),
                                         false);
  ASSERT_TRUE(plan.ok()) << plan.error().ToString();
  EXPECT_EQ((*plan)->Strategy(), "native");
  RunControl control;
  ProgressReporter progress;
  auto rec = std::make_shared<Recorder>();
  progress.AddSink(rec);
  Status st = (*plan)->Run(control, progress);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_TRUE(HasIndex("idx_price"));
  EXPECT_EQ(progress.Latest().state, "synced");
  EXPECT_FALSE(rec->Snaps().empty());
}

TEST_F(TidbLive, PauseAndResume) {
  MakeOrders(15);
  auto plan = dialect_->PlanSchemaChange(*factory_, AddIndex("ADD INDEX idx_qty (qty, price)"),
                                         false);
  ASSERT_TRUE(plan.ok()) << plan.error().ToString();
  RunControl control;
  control.Pause();  // paused as soon as the job is found
  ProgressReporter progress;
  auto rec = std::make_shared<Recorder>();
  progress.AddSink(rec);
  Status st;
  std::thread run([&] { st = (*plan)->Run(control, progress); });
  bool saw_paused = false;
  for (int i = 0; i < 600 && !saw_paused; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (const auto& s : rec->Snaps()) saw_paused |= s.state == "paused";
  }
  control.Resume();
  run.join();
  EXPECT_TRUE(saw_paused);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_TRUE(HasIndex("idx_qty"));
}

TEST_F(TidbLive, CancelRollsBack) {
  MakeOrders(15);
  auto plan = dialect_->PlanSchemaChange(*factory_, AddIndex("ADD INDEX idx_cancel (total)"),
                                         false);
  ASSERT_TRUE(plan.ok()) << plan.error().ToString();
  RunControl control;
  control.Pause();  // hold it so that the cancel lands before the job ends
  ProgressReporter progress;
  auto rec = std::make_shared<Recorder>();
  progress.AddSink(rec);
  Status st;
  std::thread run([&] { st = (*plan)->Run(control, progress); });
  for (int i = 0; i < 600; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!rec->Snaps().empty()) break;
  }
  control.RequestAbort("test abort");
  run.join();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().exit, ExitCode::kAborted) << st.error().ToString();
  EXPECT_FALSE(HasIndex("idx_cancel"));
}

TEST_F(TidbLive, BackfillChunkedAtRegions) {
  MakeOrders(13);
  DataStepRequest req;
  req.revision = "live";
  req.step_index = 1;
  req.statement = "UPDATE orders SET total = price * qty WHERE total IS NULL";
  req.options.batch_size = 500;
  req.options.workers = 2;
  RunControl control;
  ProgressReporter progress;
  NoThrottler throttler;
  Status st = RunDataStep(*dialect_, *factory_, req, control, progress, throttler);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE total IS NULL"), "0");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE total <> price * qty"), "0");
}

TEST_F(TidbLive, BackfillWithTidbBatch) {
  MakeOrders(12);
  DataStepRequest req;
  req.statement = "UPDATE orders SET total = price * qty WHERE total IS NULL";
  req.options.strategy = "tidb-batch";
  req.options.batch_size = 300;
  auto step = dialect_->PlanNativeDataStep(conn_.get(), req);
  ASSERT_TRUE(step.ok()) << step.error().ToString();
  ASSERT_NE(*step, nullptr);
  RunControl control;
  ProgressReporter progress;
  Status st = (*step)->Run(*factory_, control, progress);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE total IS NULL"), "0");
}

TEST_F(TidbLive, RevisionUpgradeThroughTheCli) {
  MakeOrders(10);
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("sluice_tidb_" + db_);
  fs::create_directories(dir);
  std::string bin = SLUICE_BINARY;
  ASSERT_EQ(std::system(("cd '" + dir.string() + "' && '" + bin + "' init proj >/dev/null").c_str()),
            0);
  std::ofstream(dir / "proj" / "versions" / "aaaa0001_backfill.sql")
      << "-- sluice:revision aaaa0001\n-- sluice:message add index and backfill\n\n"
         "-- sluice:up\nALTER TABLE orders ADD INDEX idx_rev (price);\n\n"
         "-- sluice:step batch-size=200 workers=2\n"
         "UPDATE orders SET total = price * qty WHERE total IS NULL;\n\n"
         "-- sluice:down\nALTER TABLE orders DROP INDEX idx_rev;\n";
  // The DSN goes through the environment, never argv.
  setenv("SLUICE_DSN", dsn_.ToString().c_str(), 1);
  int rc = std::system(("cd '" + dir.string() + "' && '" + bin +
                        "' --dialect tidb upgrade head --progress plain")
                           .c_str());
  unsetenv("SLUICE_DSN");
  fs::remove_all(dir);
  ASSERT_EQ(rc, 0);
  EXPECT_TRUE(HasIndex("idx_rev"));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE total IS NULL"), "0");
  EXPECT_EQ(Scalar("SELECT version_num FROM sluice_version"), "aaaa0001");
}

}  // namespace
}  // namespace sluice::tidb
