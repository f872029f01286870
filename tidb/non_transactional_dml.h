// TiDB's non-transactional DML (docs: non-transactional-dml) as the data
// step strategy `tidb-batch`:
//   BATCH [ON col] LIMIT n [DRY RUN] {UPDATE | DELETE | INSERT ... SELECT | REPLACE ... SELECT}
// TiDB splits the statement on `col` and commits each batch on its own. The
// engine's checkpoints are not used: a rerun re-applies the statement, which
// is why it must be idempotent (TiDB's own requirement too).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/dialect.h"
#include "engine/exec/data_step.h"
#include "engine/sql/classifier.h"
#include "tidb/tidb_features.h"

namespace sluice::tidb {

// Checks TiDB's restrictions (verb and version, no ORDER BY / LIMIT, no
// joins, the shard column not assigned) and renders the statement.
// `shard_column` empty: TiDB picks the primary key or _tidb_rowid.
// Refusals are input errors.
Result<std::string> RenderBatchDml(std::string_view statement, const sql::Classified& c,
                                   const std::string& shard_column, int limit, bool dry_run,
                                   const TidbFeatures& features);

// The result row: "number of jobs" and "job status" ("all succeeded", or
// the failed jobs' summary).
struct BatchDmlResult {
  uint64_t jobs = 0;
  std::string status;
  bool succeeded() const { return status == "all succeeded"; }
};
Result<BatchDmlResult> ParseBatchDmlResult(const ResultSet& rs);

// The shard column for key= (an index name, or a column name), given the
// table; empty: TiDB's default.
Result<std::string> BatchShardColumn(const TableInfo* table, const std::string& key);

class BatchDmlStep : public NativeDataStep {
 public:
  BatchDmlStep(DataStepRequest req, std::string batch_sql, std::string dry_run_sql,
               std::string table);
  std::string Strategy() const override { return "tidb-batch"; }
  std::vector<std::string> OfflineSql() const override;
  Status Run(SessionFactory& sessions, RunControl& control, ProgressReporter& progress) override;

 private:
  DataStepRequest req_;
  std::string batch_sql_;
  std::string dry_run_sql_;
  std::string table_;
};

// Plans strategy=tidb-batch for `req` (null: not asked for). `s` may be null
// (offline): the shard column is then key= as written, or TiDB's default.
Result<std::unique_ptr<NativeDataStep>> PlanBatchDml(Session* s, const DataStepRequest& req,
                                                     const TidbFeatures& features,
                                                     Result<TableInfo> (*inspect)(Session&,
                                                                                  const TableRef&));

}  // namespace sluice::tidb
