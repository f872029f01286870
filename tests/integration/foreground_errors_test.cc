// No application statement fails because of sluice: under a foreground
// load of point updates (autocommit, as an application writes), an online
// alter's shadow copy (whose triggers make every application update write
// into the shadow too) and a data step's batches must cause no deadlock
// victim and no lock-wait timeout in the application, over several runs.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <iostream>
#include <random>
#include <thread>

#include "engine/exec/data_step.h"
#include "engine/throttle/throttler.h"
#include "tests/integration/online_alter_fixture.h"
#include "tests/support/sluice_project.h"

namespace sluice::testing {
namespace {

constexpr int kRows = 40000;

// Threads of point updates on random ids in 1..rows, as fast as they go.
class ApplicationLoad {
 public:
  ApplicationLoad(const Dsn& dsn, int threads, int rows) : dsn_(dsn), rows_(rows) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this, i] { Loop(i); });
  }
  ~ApplicationLoad() { Stop(); }
  void Stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  std::atomic<int> errors{0};
  std::atomic<int> statements{0};
  std::string first_error() {
    std::lock_guard<std::mutex> lock(mu_);
    return first_error_;
  }

 private:
  void Loop(int seed) {
    ConnectionFactory f(dsn_);
    auto c = f.OpenConnection();
    if (!c.ok()) {
      Record(c.error().ToString());
      return;
    }
    std::mt19937 rng(static_cast<unsigned>(seed * 7919 + 1));
    std::uniform_int_distribution<int> id(1, rows_);
    while (!stop_) {
      auto r = (*c)->Exec("UPDATE orders SET customer = customer + 1 WHERE id = " +
                          std::to_string(id(rng)));
      statements++;
      if (!r.ok()) Record(r.error().ToString());
    }
  }
  void Record(const std::string& e) {
    errors++;
    std::lock_guard<std::mutex> lock(mu_);
    if (first_error_.empty()) first_error_ = Stamp() + " " + e;
  }
  // Wall-clock time, to place an error among sluice's log lines.
  static std::string Stamp() {
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    char buf[32];
    std::strftime(buf, sizeof buf, "%H:%M:%S", std::localtime(&t));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
    return fmt::format("{}.{:03d}", buf, static_cast<int>(ms.count()));
  }

  Dsn dsn_;
  int rows_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::string first_error_;
};

class ForegroundErrorsTest : public OnlineAlterTest {};

TEST_F(ForegroundErrorsTest, ShadowCopyCausesNoApplicationError) {
  MakeOrders(kRows);
  ApplicationLoad app(dsn(), 4, kRows);
  // Six copies: fixed chunks of 500 rows, then auto-sized ones (larger).
  for (int run = 0; run < 6; ++run) {
    const char* spec = run % 2 == 0 ? "MODIFY COLUMN amount DECIMAL(12,2) NOT NULL"
                                    : "MODIFY COLUMN amount DECIMAL(10,2) NOT NULL";
    SchemaChangeRequest r = Request("orders", spec, "copy");
    r.options.workers = 4;
    r.options.batch_size = run < 3 ? 500 : 0;
    Outcome o = Run(r);
    ASSERT_TRUE(o.ok) << o.error;
  }
  app.Stop();
  std::cout << app.statements.load() << " application updates during 6 shadow copies, "
            << app.errors.load() << " failed\n";
  EXPECT_GT(app.statements.load(), 100);
  EXPECT_EQ(app.errors.load(), 0) << app.first_error();
}

// The checksum finds rows the copy did not write as the old table has them
// (changed here behind the triggers' back) and re-copies their chunks while
// the application updates the same rows.
TEST_F(ForegroundErrorsTest, ChecksumReCopyCausesNoApplicationError) {
  MakeOrders(kRows);
  Exec("CREATE TABLE expected_ids AS SELECT id, note FROM orders");
  ApplicationLoad app(dsn(), 4, kRows);
  auto tamper = NewConnection();
  auto sink = std::make_shared<HookSink>();
  bool tampered = false;
  sink->on_snapshot = [&](const ProgressSnapshot& s) {
    if (s.phase != "checksum" || tampered) return;
    tampered = true;
    // 3 of the last chunks, which the checksum reaches last.
    for (int tries = 0; tries < 20; ++tries) {
      auto r = tamper->Exec("UPDATE orders_sluice_new SET note = 'tampered' WHERE id > " +
                            std::to_string(kRows - 3 * 700));
      if (r.ok()) break;
    }
  };
  progress_.AddSink(sink);
  tuning_.checksum.chunk_rows = 700;
  Outcome o = Alter("orders", "MODIFY COLUMN amount DECIMAL(12,2) NOT NULL", "copy");
  app.Stop();
  ASSERT_TRUE(tampered);
  ASSERT_TRUE(o.ok) << o.error;
  std::cout << app.statements.load() << " application updates during a copy with re-copied "
            << "chunks, " << app.errors.load() << " failed\n";
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders WHERE note = 'tampered'"), "0");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM orders o JOIN expected_ids e USING (id) "
                   "WHERE o.note <=> e.note"),
            std::to_string(kRows));
  EXPECT_GT(app.statements.load(), 100);
  EXPECT_EQ(app.errors.load(), 0) << app.first_error();
}

TEST_F(ForegroundErrorsTest, DataStepCausesNoApplicationError) {
  MakeOrders(kRows);
  ApplicationLoad app(dsn(), 4, kRows);
  ConnectionFactory factory(dsn());
  NoThrottler throttler;
  for (int run = 0; run < 6; ++run) {
    DataStepRequest req;
    req.revision = "fg" + std::to_string(run);
    req.step_index = 1;
    req.statement = "UPDATE orders SET amount = amount + 1";
    req.options.workers = 4;
    req.options.batch_size = run < 3 ? 500 : kAutoBatchSize;
    RunControl control;
    Status st = RunDataStep(dialect_, factory, req, control, progress_, throttler);
    ASSERT_TRUE(st.ok()) << st.error().ToString();
  }
  app.Stop();
  std::cout << app.statements.load() << " application updates during 6 data steps, "
            << app.errors.load() << " failed\n";
  EXPECT_GT(app.statements.load(), 100);
  EXPECT_EQ(app.errors.load(), 0) << app.first_error();
}

// What a user runs: `sluice upgrade head` with no options (the default
// workers, auto sizes and lock-wait budget, whose sampler runs beside the
// batches), a backfill and then a shadow-copy ALTER, twice, under the load.
TEST_F(ForegroundErrorsTest, DefaultUpgradeThroughTheBinaryCausesNoApplicationError) {
  MakeOrders(kRows);
  ApplicationLoad app(dsn(), 4, kRows);
  SluiceProject project;
  project.AddRevision("aaaa", "",
                      "UPDATE orders SET amount = amount + 1;\n"
                      "-- sluice:step strategy=copy\n"
                      "ALTER TABLE orders MODIFY COLUMN amount DECIMAL(12,2) NOT NULL;\n",
                      "-- sluice:step strategy=copy\n"
                      "ALTER TABLE orders MODIFY COLUMN amount DECIMAL(10,2) NOT NULL;\n");
  std::string log;
  for (const char* args : {"upgrade head", "downgrade base", "upgrade head"}) {
    CommandResult r = project.Run(dsn_string(), std::string(args) + " --progress none");
    ASSERT_EQ(r.exit_code, 0) << args << ": " << r.output;
    log += r.output;
  }
  app.Stop();
  if (app.errors.load() > 0) std::cout << log;  // where the error fell
  std::cout << app.statements.load() << " application updates during 2 default upgrades and a "
            << "downgrade, " << app.errors.load() << " failed\n";
  EXPECT_NE(ShowCreate("orders").find("decimal(12,2)"), std::string::npos);
  EXPECT_GT(app.statements.load(), 100);
  EXPECT_EQ(app.errors.load(), 0) << app.first_error();
}

}  // namespace
}  // namespace sluice::testing
