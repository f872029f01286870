// A schema change run as TiDB's own online DDL: the reorg settings go on the
// submitting session, the statement is submitted there (it blocks until the
// job ends), and a second session watches and steers the job (DdlWatcher).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/db/session_factory.h"
#include "engine/dialect.h"
#include "tidb/ddl_watcher.h"
#include "tidb/tidb_features.h"

namespace sluice::tidb {

struct NativeDdlOptions {
  double poll_interval_s = 1.0;  // how often the job is read
  WatcherOptions watcher;        // finding and reading the job
};

class NativeDdlChange : public SchemaChange {
 public:
  // `sessions` null: an offline plan (--sql), Run() refuses.
  NativeDdlChange(SessionFactory* sessions, TidbFeatures features, SchemaChangeRequest req,
                  uint64_t table_rows, NativeDdlOptions options = {});

  std::string Strategy() const override { return "native"; }
  std::string Reason() const override;
  std::vector<std::string> OfflineSql() const override;
  Status Run(RunControl& control, ProgressReporter& progress) override;

  // SET SESSION statements for the submitting session (v8.3+; none before).
  std::vector<std::string> SessionSql() const;
  // The DDL exactly as submitted.
  const std::string& statement() const { return statement_; }

 private:
  SessionFactory* sessions_;
  TidbFeatures f_;
  SchemaChangeRequest req_;
  uint64_t table_rows_;
  NativeDdlOptions opts_;
  std::string statement_;
};

}  // namespace sluice::tidb
