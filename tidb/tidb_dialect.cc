#include "tidb/tidb_dialect.h"

#include <algorithm>
#include <cctype>

#include "engine/db/error_classifier.h"
#include "engine/exec/data_step.h"
#include "engine/log.h"
#include "engine/schema/inspector.h"
#include "engine/throttle/throttler.h"
#include "tidb/alter_check.h"
#include "tidb/ddl_statements.h"
#include "tidb/non_transactional_dml.h"
#include "tidb/table_options.h"

namespace sluice::tidb {

namespace {

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

Result<TableInfo> InspectTidbTable(Session& s, const TableRef& t) {
  SLUICE_ASSIGN(TableInfo info, InspectTableFromInformationSchema(s, t));
  SLUICE_ASSIGN(ResultSet rs, s.Query(PkTypeSql(t)));
  std::string pk_type;
  if (!rs.rows.empty() && !rs.rows[0].empty() && rs.rows[0][0]) pk_type = *rs.rows[0][0];
  // NONCLUSTERED (or no primary key): rows are keyed by the hidden _tidb_rowid.
  info.clustered_pk = SameName(pk_type, "CLUSTERED") && info.PrimaryKey() != nullptr;
  return info;
}

TidbDialect::TidbDialect(const ServerInfo& server, TidbDialectOptions options)
    : features_(TidbFeatures::For(server.flavor == Flavor::kTiDB ? server.version : Version{})),
      opts_(options) {}

TidbFeatures TidbDialect::FeaturesOf(const Session& s) const {
  if (s.server().flavor == Flavor::kTiDB) return TidbFeatures::For(s.server().version);
  return features_;
}

Result<TableInfo> TidbDialect::InspectTable(Session& s, const TableRef& t) {
  return InspectTidbTable(s, t);
}

Result<ChunkKey> TidbDialect::ChooseChunkKey(const TableInfo& t, const std::string& requested) {
  ChunkKey key;
  if (SameName(requested, "_tidb_rowid") || (requested.empty() && !t.clustered_pk)) {
    if (t.clustered_pk) {
      return InputError("key=_tidb_rowid: " + t.ref.name +
                        " has a clustered primary key and no _tidb_rowid");
    }
    // Non-clustered: the hidden row id is the row key, so regions follow it.
    key.columns = {"_tidb_rowid"};
    key.hidden_rowid = true;
    return key;
  }
  const IndexInfo* idx = nullptr;
  if (requested.empty()) {
    idx = t.PrimaryKey();
    if (!idx) return InputError(t.ref.name + " has no primary key to chunk on; give key=");
  } else {
    for (const IndexInfo& i : t.indexes) {
      if (SameName(i.name, requested)) idx = &i;
    }
    if (!idx) return InputError("key=" + requested + ": no index of that name on " + t.ref.name);
    if (!idx->unique) return InputError("key=" + requested + ": the index is not unique");
    for (const std::string& c : idx->columns) {
      const ColumnInfo* col = t.FindColumn(c);
      if (col && col->nullable) {
        return InputError("key=" + requested + ": column " + c + " is nullable");
      }
    }
  }
  key.columns = idx->columns;
  return key;
}

Result<std::vector<KeyTuple>> TidbDialect::SplitPoints(Session& s, const TableInfo& t,
                                                       const ChunkKey& key) {
  return RegionSplitPoints(s, t, key, opts_.split);
}

Result<std::unique_ptr<SchemaChange>> TidbDialect::PlanSchemaChange(
    SessionFactory& sessions, const SchemaChangeRequest& req, bool offline) {
  const std::string& strategy = req.options.strategy;
  if (strategy != "auto" && strategy != "native") {
    return InputError("strategy=" + strategy +
                      " is MySQL-only; TiDB runs schema changes as native online DDL "
                      "(strategy=auto|native)");
  }
  TidbFeatures features = features_;
  std::optional<TableInfo> table;
  if (!offline) {
    SLUICE_ASSIGN(std::unique_ptr<Session> s, sessions.Open());
    features = FeaturesOf(*s);
    SLUICE_ASSIGN(TableInfo info, InspectTidbTable(*s, req.table));
    table = std::move(info);
  }
  SLUICE_TRY(CheckAlterSupported(req.alter_spec, table ? &*table : nullptr, features));
  return std::unique_ptr<SchemaChange>(std::make_unique<NativeDdlChange>(
      offline ? nullptr : &sessions, features, req, table ? table->estimated_rows : 0,
      opts_.ddl));
}

std::vector<std::unique_ptr<ThrottleSignal>> TidbDialect::ThrottleSignals(
    SessionFactory& sessions, const ThrottleOptions& opts) {
  (void)sessions;
  (void)opts;
  // TiDB has no Threads_running and no replica lag in the MySQL sense; the
  // engine's generic signals (rate, flag file, manual pause) apply.
  return {};
}

// The engine's table already knows TiDB's codes (8004/8025 shrink; 8022,
// 8027, 8028, 9001-9005, 9007 retry); 8143 (a BATCH job failed), 8214
// (cancelled DDL), 8001, 8229 and 9006 stay fatal.
ErrorClass TidbDialect::Classify(int code) const { return ClassifyErrorCode(code); }

std::map<std::string, std::string> TidbDialect::OwnTableOptions(
    const std::string& create_options) const {
  return TidbTableOptions(create_options);
}

std::vector<std::string> TidbDialect::BatchSessionSetup() const {
  return {
      // Pessimistic: a batch locks its rows as it goes instead of failing
      // its commit on a write conflict (9007) after all the work.
      "SET SESSION tidb_txn_mode = 'pessimistic'",
      // READ COMMITTED (pessimistic mode only): no snapshot held across the batch.
      "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
      // Fail a blocked batch fast (1205, retried) rather than hold its locks.
      "SET SESSION innodb_lock_wait_timeout = 10",
  };
}

Result<std::unique_ptr<NativeDataStep>> TidbDialect::PlanNativeDataStep(
    Session* s, const DataStepRequest& req) {
  return PlanBatchDml(s, req, s ? FeaturesOf(*s) : features_, &InspectTidbTable);
}

std::unique_ptr<Dialect> MakeTidbDialect(const ServerInfo& server) {
  return std::make_unique<TidbDialect>(server);
}

}  // namespace sluice::tidb
