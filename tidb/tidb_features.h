// What the connected TiDB version supports. Every gate names the version that
// introduced the behaviour (see docs/TIDB.md, "Version gates").
#pragma once

#include "engine/db/server_info.h"

namespace sluice::tidb {

struct TidbFeatures {
  Version version;                  // the TiDB version (v8.5.1 -> 8.5.1)
  bool session_reorg_vars = false;  // v8.3: tidb_ddl_reorg_worker_cnt/batch_size at SESSION scope
  bool pause_resume = false;        // v7.2: ADMIN PAUSE / RESUME DDL JOBS
  bool alter_ddl_jobs = false;      // v8.5.0: ADMIN ALTER DDL JOBS id THREAD=, BATCH_SIZE=
  bool alter_applies_to_dxf = false;  // v8.5.5: ADMIN ALTER DDL JOBS also reaches DXF ADD INDEX
  bool batch_delete = false;        // v6.1: BATCH ... DELETE (non-transactional DML)
  bool batch_dml = false;           // v6.5: BATCH ... UPDATE / INSERT / REPLACE
  bool multi_schema_change = false; // v6.2: several changes in one ALTER TABLE
  bool get_lock = false;            // v6.1 documented: GET_LOCK is a cluster-wide lock
  bool is_used_lock = false;        // v7.5: IS_USED_LOCK (answers 1, not the holder's id)

  // An unknown version (0.0.0: offline --sql without a server) is taken as
  // the newest supported release so that the plan shows everything.
  static TidbFeatures For(const Version& v);
};

}  // namespace sluice::tidb
