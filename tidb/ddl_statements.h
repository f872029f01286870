// Every statement the TiDB dialect sends about DDL jobs and table layout.
// Pure functions, golden-tested (tests/unit/tidb/ddl_statements_golden_test.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/schema/table_info.h"

namespace sluice::tidb {

// Reorg settings on the submitting session (SESSION scope since v8.3).
// Values are clamped to TiDB's ranges (workers 1-256, batch 32-10240).
std::string SetReorgWorkerCnt(int workers);
std::string SetReorgBatchSize(int batch_size);
int ClampReorgWorkers(int workers);
int ClampReorgBatchSize(int batch_size);

// ALTER TABLE <t> <spec>: the exact text submitted, and matched later
// against ADMIN SHOW DDL JOB QUERIES.
std::string AlterTableSql(const TableRef& t, const std::string& alter_spec);

// The server's clock, read before submitting: a job is only ours if its
// CREATE_TIME is at or after this (both in the server's time zone).
std::string ServerNowSql();

std::string ShowDdlJobQueriesSql(int limit);              // ADMIN SHOW DDL JOB QUERIES LIMIT m
std::string ShowDdlJobSql(int history, int64_t job_id);   // ADMIN SHOW DDL JOBS n WHERE job_id = X
std::string PauseDdlJobSql(int64_t job_id);               // v7.2+
std::string ResumeDdlJobSql(int64_t job_id);              // v7.2+
std::string CancelDdlJobSql(int64_t job_id);
// v8.5+: ADMIN ALTER DDL JOBS id THREAD = n, BATCH_SIZE = n (either may be absent).
std::string AlterDdlJobSql(int64_t job_id, std::optional<int> thread,
                           std::optional<int> batch_size);

// information_schema.TABLES.TIDB_PK_TYPE: 'CLUSTERED' or 'NONCLUSTERED'.
std::string PkTypeSql(const TableRef& t);

}  // namespace sluice::tidb
