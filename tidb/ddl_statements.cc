#include "tidb/ddl_statements.h"

#include <algorithm>
#include <vector>

#include "engine/sql/quote.h"

namespace sluice::tidb {

int ClampReorgWorkers(int workers) { return std::clamp(workers, 1, 256); }
int ClampReorgBatchSize(int batch_size) { return std::clamp(batch_size, 32, 10240); }

std::string SetReorgWorkerCnt(int workers) {
  return "SET SESSION tidb_ddl_reorg_worker_cnt = " + std::to_string(ClampReorgWorkers(workers));
}

std::string SetReorgBatchSize(int batch_size) {
  return "SET SESSION tidb_ddl_reorg_batch_size = " +
         std::to_string(ClampReorgBatchSize(batch_size));
}

std::string AlterTableSql(const TableRef& t, const std::string& alter_spec) {
  return "ALTER TABLE " + sql::QuoteTable(t) + " " + alter_spec;
}

std::string ServerNowSql() { return "SELECT NOW()"; }

std::string ShowDdlJobQueriesSql(int limit) {
  return "ADMIN SHOW DDL JOB QUERIES LIMIT " + std::to_string(limit);
}

std::string ShowDdlJobSql(int history, int64_t job_id) {
  return "ADMIN SHOW DDL JOBS " + std::to_string(history) +
         " WHERE job_id = " + std::to_string(job_id);
}

std::string PauseDdlJobSql(int64_t job_id) {
  return "ADMIN PAUSE DDL JOBS " + std::to_string(job_id);
}

std::string ResumeDdlJobSql(int64_t job_id) {
  return "ADMIN RESUME DDL JOBS " + std::to_string(job_id);
}

std::string CancelDdlJobSql(int64_t job_id) {
  return "ADMIN CANCEL DDL JOBS " + std::to_string(job_id);
}

std::string AlterDdlJobSql(int64_t job_id, std::optional<int> thread,
                           std::optional<int> batch_size) {
  std::string s = "ADMIN ALTER DDL JOBS " + std::to_string(job_id);
  std::vector<std::string> parts;
  if (thread) parts.push_back("THREAD = " + std::to_string(ClampReorgWorkers(*thread)));
  if (batch_size) {
    parts.push_back("BATCH_SIZE = " + std::to_string(ClampReorgBatchSize(*batch_size)));
  }
  for (size_t i = 0; i < parts.size(); ++i) s.append(i ? ", " : " ").append(parts[i]);
  return s;
}

std::string PkTypeSql(const TableRef& t) {
  std::string schema =
      t.schema.empty() ? std::string("DATABASE()") : sql::QuoteString(t.schema);
  return "SELECT TIDB_PK_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + schema +
         " AND TABLE_NAME = " + sql::QuoteString(t.name);
}

}  // namespace sluice::tidb
