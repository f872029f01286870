#include "engine/exec/worker_session.h"

#include <gtest/gtest.h>

#include "engine/db/error_classifier.h"
#include "engine/exec/run_control.h"
#include "engine/throttle/throttler.h"

namespace sluice {
namespace {

class NullSession : public Session {
 public:
  explicit NullSession(std::vector<std::string>* log) : log_(log) {}
  Result<ResultSet> Query(std::string_view) override { return ResultSet{}; }
  Result<ExecResult> Exec(std::string_view sql) override {
    log_->emplace_back(sql);
    return ExecResult{};
  }
  const ServerInfo& server() const override { return info_; }

 private:
  std::vector<std::string>* log_;
  ServerInfo info_;
};

class CountingFactory : public SessionFactory {
 public:
  Result<std::unique_ptr<Session>> Open() override {
    ++opened;
    return std::unique_ptr<Session>(std::make_unique<NullSession>(&log));
  }
  int opened = 0;
  std::vector<std::string> log;
};

// Classifies with the engine's table, like the MySQL dialect.
class TableDialect : public Dialect {
 public:
  std::string Name() const override { return "test"; }
  Result<TableInfo> InspectTable(Session&, const TableRef&) override { return TableInfo{}; }
  Result<ChunkKey> ChooseChunkKey(const TableInfo&, const std::string&) override {
    return ChunkKey{};
  }
  Result<std::vector<KeyTuple>> SplitPoints(Session&, const TableInfo&, const ChunkKey&) override {
    return std::vector<KeyTuple>{};
  }
  Result<std::unique_ptr<SchemaChange>> PlanSchemaChange(SessionFactory&,
                                                         const SchemaChangeRequest&,
                                                         bool) override {
    return RuntimeError("no");
  }
  std::vector<std::unique_ptr<ThrottleSignal>> ThrottleSignals(SessionFactory&,
                                                               const ThrottleOptions&) override {
    return {};
  }
  ErrorClass Classify(int code) const override { return ClassifyErrorCode(code); }
  std::vector<std::string> BatchSessionSetup() const override { return {}; }
};

Error ServerError(int code) {
  Error e;
  e.code = code;
  e.message = "error " + std::to_string(code);
  return e;
}

RetryPolicy Fast() {
  RetryPolicy p;
  p.max_attempts = 4;
  p.base_backoff_s = 0.001;
  p.max_backoff_s = 0.002;
  return p;
}

TEST(WorkerSessionTest, OpensOnceAndRunsTheSetup) {
  CountingFactory f;
  WorkerSession ws(f, {"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"});
  ASSERT_TRUE(ws.Get().ok());
  ASSERT_TRUE(ws.Get().ok());
  EXPECT_EQ(f.opened, 1);
  EXPECT_EQ(f.log,
            std::vector<std::string>{"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"});
}

TEST(RunWithRetryTest, RetriesDeadlocksOnTheSameConnection) {
  CountingFactory f;
  WorkerSession ws(f, {});
  RunControl control;
  TableDialect d;
  int calls = 0, retries = 0;
  Status st = RunWithRetry(
      ws, d, Fast(), control,
      [&](Session&, int attempt) -> Status {
        EXPECT_EQ(attempt, calls);
        return ++calls < 3 ? Status(ServerError(1213)) : Status::Ok();
      },
      [&](ErrorClass c, const Error&) {
        EXPECT_EQ(c, ErrorClass::kRetry);
        ++retries;
      });
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(retries, 2);
  EXPECT_EQ(f.opened, 1);
}

TEST(RunWithRetryTest, ReconnectsAfterALostConnection) {
  CountingFactory f;
  WorkerSession ws(f, {});
  RunControl control;
  TableDialect d;
  int calls = 0;
  Status st = RunWithRetry(ws, d, Fast(), control, [&](Session&, int) -> Status {
    return ++calls == 1 ? Status(ServerError(2013)) : Status::Ok();
  });
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(f.opened, 2);
}

TEST(RunWithRetryTest, FatalAndShrinkErrorsReturnAtOnce) {
  CountingFactory f;
  WorkerSession ws(f, {});
  RunControl control;
  TableDialect d;
  int calls = 0;
  Status st = RunWithRetry(ws, d, Fast(), control, [&](Session&, int) -> Status {
    ++calls;
    return ServerError(1264);
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(calls, 1);
  st = RunWithRetry(ws, d, Fast(), control, [&](Session&, int) -> Status {
    ++calls;
    return ServerError(1197);
  });
  EXPECT_EQ(ClassOf(d, st.error()), ErrorClass::kShrinkBatch);
  EXPECT_EQ(calls, 2);
}

TEST(RunWithRetryTest, GivesUpAfterTheAttemptBudget) {
  CountingFactory f;
  WorkerSession ws(f, {});
  RunControl control;
  TableDialect d;
  int calls = 0;
  Status st = RunWithRetry(ws, d, Fast(), control, [&](Session&, int) -> Status {
    ++calls;
    return ServerError(1205);
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(st.error().cls, ErrorClass::kFatal);
  EXPECT_NE(st.error().message.find("gave up after 4 attempts"), std::string::npos);
}

TEST(RunWithRetryTest, StopDuringBackoffEndsWithTheStoppedError) {
  CountingFactory f;
  WorkerSession ws(f, {});
  RunControl control;
  TableDialect d;
  Status st = RunWithRetry(ws, d, Fast(), control, [&](Session&, int) -> Status {
    control.RequestStop();
    return ServerError(1213);
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().exit, ExitCode::kAborted);
}

}  // namespace
}  // namespace sluice
