// The Dialect interface: everything that differs between MySQL/MariaDB and
// TiDB. Kept small; TiDB shaped it as much as MySQL did:
//  - chunking asks for coarse split points (TiDB: region starts) and then
//    walks each segment adaptively, instead of assuming one index walk;
//  - a schema change is a plan with its own runner, because TiDB's is a
//    server-side DDL job that is watched and steered, not a copy we drive;
//  - throttle signals and error codes are per dialect.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/db/session.h"
#include "engine/schema/table_info.h"
#include "engine/sql/quote.h"
#include "engine/status.h"

namespace sluice {

class SessionFactory;       // engine/db/session_factory.h
class RunControl;           // engine/exec/run_control.h: pause/abort/set from the operator
class ProgressReporter;     // engine/progress/progress.h
class ThrottleSignal;       // engine/throttle/throttler.h
struct ThrottleOptions;     // engine/throttle/throttler.h
class Throttler;            // engine/throttle/throttler.h
struct DataStepRequest;     // engine/exec/data_step.h

// A key value: one optional string per key column (SQL literal text is built
// by the engine with proper quoting).
using KeyTuple = std::vector<Cell>;

// The columns a data step is chunked on.
struct ChunkKey {
  std::vector<std::string> columns;  // e.g. {"id"} or {"tenant_id","id"} or {"_tidb_rowid"}
  bool hidden_rowid = false;         // TiDB _tidb_rowid (not a real column)
};

// Options of one schema step (from `-- sluice:step` or `sluice alter` flags).
struct SchemaStepOptions {
  std::string strategy = "auto";  // auto|instant|inplace|copy|native
  int workers = 4;                 // copy workers (MySQL) / reorg workers (TiDB)
  int batch_size = 0;              // 0: dialect default
  bool postpone_cut_over = false;  // wait for `cut-over` before swapping tables
  bool keep_old_table = false;     // keep <t>_sluice_old after the swap
  std::string foreign_keys = "refuse";  // tables referencing this one: refuse|rebuild (MySQL copy)
  std::string capture = "auto";  // how a MySQL shadow copy mirrors writes: auto|triggers|binlog
};

// One of SchemaStepOptions::capture's values: auto, triggers or binlog.
inline bool IsCaptureMode(std::string_view m) {
  return m == "auto" || m == "triggers" || m == "binlog";
}

// An ALTER (or CREATE/DROP INDEX) about to run online.
struct SchemaChangeRequest {
  TableRef table;
  std::string statement;   // the statement as written by the user
  std::string alter_spec;  // the part after ALTER TABLE t (CREATE INDEX normalised to ADD INDEX)
  SchemaStepOptions options;
  std::string revision;    // for checkpoints and metrics labels
  int step_index = 0;
  Throttler* throttler = nullptr;  // consulted by Run() (TiDB: pause the DDL job); null: never
};

// A planned schema change: how it will run, and the runner.
class SchemaChange {
 public:
  virtual ~SchemaChange() = default;
  // Short name of the strategy: "instant", "inplace", "copy", "native".
  virtual std::string Strategy() const = 0;
  // Why this strategy was chosen, for the log.
  virtual std::string Reason() const = 0;
  // The SQL that would run, for --sql offline mode.
  virtual std::vector<std::string> OfflineSql() const = 0;
  // Runs it: reports progress, honours throttling and the operator's commands.
  virtual Status Run(RunControl& control, ProgressReporter& progress) = 0;
};

// A data step the dialect runs with a server-side mechanism instead of the
// engine's chunked executor (TiDB: strategy=tidb-batch, non-transactional DML).
class NativeDataStep {
 public:
  virtual ~NativeDataStep() = default;
  virtual std::string Strategy() const = 0;
  // The SQL that would run, for --sql offline mode (may include a preview).
  virtual std::vector<std::string> OfflineSql() const = 0;
  virtual Status Run(SessionFactory& sessions, RunControl& control,
                     ProgressReporter& progress) = 0;
};

class Dialect {
 public:
  virtual ~Dialect() = default;
  virtual std::string Name() const = 0;  // "mysql" or "tidb"

  virtual Result<TableInfo> InspectTable(Session& s, const TableRef& t) = 0;

  // The key to chunk on: `requested` (key= option) or the dialect's default.
  virtual Result<ChunkKey> ChooseChunkKey(const TableInfo& t, const std::string& requested) = 0;

  // Coarse, ordered split points over the key, so that parallel batches land
  // on different parts of the cluster (TiDB: region starts). May be empty:
  // the engine then walks the whole key range as one segment.
  virtual Result<std::vector<KeyTuple>> SplitPoints(Session& s, const TableInfo& t,
                                                    const ChunkKey& key) = 0;

  // Decides the strategy for a schema change, asking the server where needed.
  // Refusals (no key, foreign keys, renames...) are returned as errors before
  // anything changes. `offline`: no server, plan only for --sql.
  virtual Result<std::unique_ptr<SchemaChange>> PlanSchemaChange(
      SessionFactory& sessions, const SchemaChangeRequest& req, bool offline) = 0;

  // Throttle signals the dialect adds (Threads_running, replica lag...).
  virtual std::vector<std::unique_ptr<ThrottleSignal>> ThrottleSignals(
      SessionFactory& sessions, const ThrottleOptions& opts) = 0;

  // Error class for a server error code; dialects add their own codes.
  virtual ErrorClass Classify(int code) const = 0;

  // Statements to run on a batch session before its first batch
  // (isolation level, TiDB txn settings...).
  virtual std::vector<std::string> BatchSessionSetup() const = 0;

  // The locking-read suffix with which a batch first locks its key range,
  // failing at once rather than waiting ("FOR UPDATE NOWAIT"); "" where the
  // server has none. A batch that holds its rows before it writes never
  // waits for an application's row lock, so it cannot close a deadlock
  // cycle in which the application would be the victim. `exclusive`: for
  // UPDATE / DELETE; otherwise a shared lock (a copy's source rows).
  virtual std::string NoWaitLockClause(const ServerInfo& server, bool exclusive) const {
    (void)server;
    (void)exclusive;
    return "";
  }

  // Drops secondary indexes deferred for a data step (defer-indexes=).
  virtual std::vector<std::string> DropIndexSql(const TableRef& t,
                                                const std::vector<std::string>& names) const {
    std::string sql = "ALTER TABLE " + sql::QuoteTable(t);
    for (size_t i = 0; i < names.size(); ++i) {
      sql += (i ? ", DROP INDEX " : " DROP INDEX ") + sql::QuoteIdent(names[i]);
    }
    return {sql};
  }
  // Re-creates deferred indexes online; `definitions` as in SHOW CREATE
  // TABLE ("KEY `a` (`a`)"). Default: one plain ALTER (TiDB adds indexes
  // online natively); MySQL/MariaDB ask for INPLACE, LOCK=NONE.
  virtual std::vector<std::string> AddIndexSql(const TableRef& t,
                                               const std::vector<std::string>& definitions) const {
    std::string sql = "ALTER TABLE " + sql::QuoteTable(t);
    for (size_t i = 0; i < definitions.size(); ++i) sql += (i ? ", ADD " : " ADD ") + definitions[i];
    return {sql};
  }

  // Table options of the dialect's own that schema diffs compare, by name,
  // each as the clause that sets it, read from the text after SHOW CREATE
  // TABLE's column list (TiDB: SHARD_ROW_ID_BITS). Default: none.
  virtual std::map<std::string, std::string> OwnTableOptions(
      const std::string& create_options) const {
    (void)create_options;
    return {};
  }

  // A native runner for a data step whose options ask for one (TiDB:
  // strategy=tidb-batch), or nullptr: the engine chunks it itself, and
  // refuses a strategy no dialect claimed. `s` is null in --sql offline mode.
  virtual Result<std::unique_ptr<NativeDataStep>> PlanNativeDataStep(Session* s,
                                                                     const DataStepRequest& req) {
    (void)s;
    (void)req;
    return std::unique_ptr<NativeDataStep>();
  }
};

}  // namespace sluice
