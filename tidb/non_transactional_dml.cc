#include "tidb/non_transactional_dml.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "engine/db/session_factory.h"
#include "engine/exec/data_step.h"
#include "engine/exec/run_control.h"
#include "engine/log.h"
#include "engine/progress/progress.h"
#include "engine/sql/quote.h"

namespace sluice::tidb {

namespace {

std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

Status Refuse(const std::string& why) {
  return InputError("strategy=tidb-batch: " + why);
}

}  // namespace

Result<std::string> RenderBatchDml(std::string_view statement, const sql::Classified& c,
                                   const std::string& shard_column, int limit, bool dry_run,
                                   const TidbFeatures& features) {
  switch (c.verb) {
    case sql::Verb::kDelete:
      if (!features.batch_delete) return Refuse("BATCH ... DELETE needs TiDB v6.1+");
      break;
    case sql::Verb::kUpdate:
    case sql::Verb::kInsertSelect:
    case sql::Verb::kReplaceSelect:
      if (!features.batch_dml) return Refuse("BATCH ... UPDATE/INSERT/REPLACE needs TiDB v6.5+");
      break;
    default:
      return Refuse("only UPDATE, DELETE, INSERT ... SELECT and REPLACE ... SELECT can be batched");
  }
  if (c.has_order_by || c.has_limit) {
    return Refuse("TiDB's non-transactional DML does not allow ORDER BY or LIMIT");
  }
  if (c.multi_table) return Refuse("joins and subqueries are not supported by sluice's tidb-batch");
  if (limit <= 0) return Refuse("batch-size must be positive");
  if (!shard_column.empty()) {
    for (const std::string& a : c.assigned_columns) {
      if (Lower(a) == Lower(shard_column)) {
        return Refuse("the shard column `" + shard_column + "` must not be updated");
      }
    }
  }
  std::string s = "BATCH ";
  if (!shard_column.empty()) s += "ON " + sql::QuoteIdent(shard_column) + " ";
  s += "LIMIT " + std::to_string(limit) + " ";
  if (dry_run) s += "DRY RUN ";
  s += std::string(statement);
  return s;
}

Result<BatchDmlResult> ParseBatchDmlResult(const ResultSet& rs) {
  int c_jobs = rs.Column("number of jobs");
  int c_status = rs.Column("job status");
  if (c_jobs < 0 || c_status < 0 || rs.rows.empty()) {
    return RuntimeError("BATCH: unexpected result (no 'number of jobs' / 'job status' row)");
  }
  const Row& row = rs.rows[0];
  BatchDmlResult r;
  if (c_jobs < static_cast<int>(row.size()) && row[c_jobs]) {
    const std::string& v = *row[c_jobs];
    std::from_chars(v.data(), v.data() + v.size(), r.jobs);
  }
  if (c_status < static_cast<int>(row.size()) && row[c_status]) r.status = *row[c_status];
  return r;
}

Result<std::string> BatchShardColumn(const TableInfo* table, const std::string& key) {
  if (key.empty()) return std::string();
  if (!table) return key;
  if (Lower(key) == "_tidb_rowid") return std::string("_tidb_rowid");
  for (const IndexInfo& idx : table->indexes) {
    if (Lower(idx.name) == Lower(key)) {
      if (idx.columns.empty()) return InputError("index " + key + " has no columns");
      return idx.columns[0];  // BATCH shards on one column: the index's leading one
    }
  }
  if (const ColumnInfo* col = table->FindColumn(key)) return col->name;
  return InputError("key=" + key + ": no index or column of that name on " + table->ref.name);
}

BatchDmlStep::BatchDmlStep(DataStepRequest req, std::string batch_sql, std::string dry_run_sql,
                           std::string table)
    : req_(std::move(req)),
      batch_sql_(std::move(batch_sql)),
      dry_run_sql_(std::move(dry_run_sql)),
      table_(std::move(table)) {}

std::vector<std::string> BatchDmlStep::OfflineSql() const {
  return {"-- preview of the batches (run it to see the first and last): " + dry_run_sql_,
          batch_sql_};
}

Status BatchDmlStep::Run(SessionFactory& sessions, RunControl& control,
                         ProgressReporter& progress) {
  ProgressSnapshot snap;
  snap.revision = req_.revision;
  snap.step = req_.step_index;
  snap.step_kind = "data";
  snap.table = table_;
  snap.phase = "tidb-batch";
  snap.batch_size = req_.options.batch_size > 0 ? req_.options.batch_size : kAutoStartRows;
  snap.batch_mode = "fixed";
  snap.workers = 1;
  if (control.stopping()) {
    Error e = RuntimeError("stopped before the tidb-batch step started");
    e.exit = ExitCode::kAborted;
    return e;
  }
  SLUICE_ASSIGN(std::unique_ptr<Session> s, sessions.Open());
  snap.state = "running";
  progress.Snapshot(snap);
  spdlog::info("tidb-batch: {}", batch_sql_);
  // One statement: TiDB runs the batches itself and answers when all ran.
  auto rs = s->Query(batch_sql_);
  Status st;
  if (!rs.ok()) {
    st = rs.error();
  } else {
    auto r = ParseBatchDmlResult(*rs);
    if (!r.ok()) {
      st = r.error();
    } else {
      snap.state = std::to_string(r->jobs) + " jobs: " + r->status;
      if (!r->succeeded()) st = RuntimeError("tidb-batch: " + r->status);
    }
  }
  progress.Finish(snap, st);
  return st;
}

Result<std::unique_ptr<NativeDataStep>> PlanBatchDml(
    Session* s, const DataStepRequest& req, const TidbFeatures& features,
    Result<TableInfo> (*inspect)(Session&, const TableRef&)) {
  if (req.options.strategy != "tidb-batch") return std::unique_ptr<NativeDataStep>();
  SLUICE_ASSIGN(sql::Classified c, sql::Classify(req.statement));
  TableRef table = c.verb == sql::Verb::kInsertSelect || c.verb == sql::Verb::kReplaceSelect
                       ? c.source
                       : c.target;
  std::optional<TableInfo> info;
  if (s && inspect && !table.name.empty()) {
    SLUICE_ASSIGN(TableInfo ti, inspect(*s, table));
    info = std::move(ti);
  }
  SLUICE_ASSIGN(std::string shard, BatchShardColumn(info ? &*info : nullptr, req.options.key));
  // TiDB's BATCH LIMIT is one fixed size: batch-size=auto runs at the engine's start size.
  const int limit = req.options.batch_size > 0 ? req.options.batch_size : kAutoStartRows;
  SLUICE_ASSIGN(std::string batch, RenderBatchDml(req.statement, c, shard,
                                                  limit, false, features));
  SLUICE_ASSIGN(std::string dry, RenderBatchDml(req.statement, c, shard,
                                                limit, true, features));
  return std::unique_ptr<NativeDataStep>(
      std::make_unique<BatchDmlStep>(req, std::move(batch), std::move(dry), table.name));
}

}  // namespace sluice::tidb
