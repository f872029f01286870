// Parses the rows of ADMIN SHOW DDL JOBS and ADMIN SHOW DDL JOB QUERIES.
// Columns are bound by name: v8.x returns 13 columns (with COMMENTS), older
// servers 12, and information_schema.DDL_JOBS adds QUERY.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/db/session.h"
#include "engine/status.h"

namespace sluice::tidb {

// The STATE column.
enum class JobState {
  kNone,
  kQueueing,
  kRunning,
  kSynced,       // success: every TiDB node has the new schema
  kDone,         // the owner finished; other nodes not synced yet
  kRollingback,
  kRollbackDone, // failure
  kCancelling,
  kCancelled,    // failure
  kPausing,
  kPaused,
  kUnknown,      // a state this version of sluice does not know
};

JobState ParseJobState(std::string_view text);
const char* JobStateName(JobState s);
// synced, rollback done, cancelled: the job will not change any more.
bool IsFinal(JobState s);
bool IsFailure(JobState s);

// What COMMENTS says: "ingest, DXF, thread=8, batch_size=512".
struct DdlJobComments {
  std::string reorg_type;       // "txn", "txn-merge", "ingest" or empty
  bool dxf = false;             // runs under the distributed execution framework
  bool cloud = false;
  int thread = 0;               // 0: the default
  int batch_size = 0;           // 0: the default
  std::string max_write_speed;  // empty: the default
};
DdlJobComments ParseComments(std::string_view text);

// One row of ADMIN SHOW DDL JOBS.
struct DdlJobRow {
  int64_t job_id = 0;
  std::string db_name;
  std::string table_name;
  std::string job_type;       // without the "/* subjob */" marker
  std::string schema_state;   // none, delete only, write only, ..., public
  int64_t schema_id = 0;
  int64_t table_id = 0;
  uint64_t row_count = 0;     // rows backfilled so far
  std::string create_time;    // "YYYY-MM-DD HH:MM:SS" (may be empty on sub-job rows)
  std::string start_time;
  std::optional<std::string> end_time;  // NULL while the job runs
  std::string state_text;     // STATE as returned
  JobState state = JobState::kUnknown;
  std::optional<std::string> comments;  // 13-column layout only
  bool subjob = false;        // a sub-job row of a multi-schema change
};

// Errors when a required column is missing or a number does not parse.
Result<std::vector<DdlJobRow>> ParseDdlJobRows(const ResultSet& rs);

// One job, with its multi-schema sub-jobs folded in.
struct DdlJobStatus {
  int64_t job_id = 0;
  std::string db_name;
  std::string table_name;
  std::string job_type;
  std::string schema_state;
  JobState state = JobState::kUnknown;
  std::string state_text;
  uint64_t row_count = 0;      // the job's, or the sum over its sub-jobs
  int sub_jobs = 0;            // 0 for a plain job
  int reorg_jobs = 1;          // how many (sub-)jobs backfill rows (>= 1)
  std::string create_time;
  DdlJobComments comments;
  std::vector<std::string> sub_job_states;  // "add index: write reorganization"
};

// The job `job_id` from parsed rows, or nullopt when absent.
std::optional<DdlJobStatus> SummarizeJob(const std::vector<DdlJobRow>& rows, int64_t job_id);

// True for job types that backfill (and so report ROW_COUNT).
bool IsReorgJobType(std::string_view job_type);

// ADMIN SHOW DDL JOB QUERIES LIMIT m: JOB_ID and QUERY.
struct DdlJobQuery {
  int64_t job_id = 0;
  std::string query;
};
Result<std::vector<DdlJobQuery>> ParseJobQueries(const ResultSet& rs);

// Ids of the jobs whose query is `statement` (ignoring whitespace runs and a
// trailing ';'), newest (highest id) first.
std::vector<int64_t> MatchJobQueries(const std::vector<DdlJobQuery>& queries,
                                     std::string_view statement);

// Whitespace runs collapsed to one space, trimmed, trailing ';' dropped.
std::string NormalizeStatement(std::string_view s);

}  // namespace sluice::tidb
