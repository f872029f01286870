#include "mysql/mysql_dialect.h"

#include <map>

#include "engine/chunk/key_choice.h"
#include "engine/db/error_classifier.h"
#include "engine/schema/inspector.h"
#include "engine/throttle/throttler.h"
#include "mysql/online_alter.h"
#include "mysql/index_ddl.h"
#include "mysql/load_signal.h"
#include "mysql/lock_wait_signal.h"
#include "mysql/replica_lag_signal.h"
#include "mysql/split_points.h"

namespace sluice::mysql {

Result<TableInfo> MysqlDialect::InspectTable(Session& s, const TableRef& t) {
  return InspectTableFromInformationSchema(s, t);
}

Result<ChunkKey> MysqlDialect::ChooseChunkKey(const TableInfo& t, const std::string& requested) {
  return chunk::ChooseUniqueKey(t, requested);
}

Result<std::vector<KeyTuple>> MysqlDialect::SplitPoints(Session& s, const TableInfo& t,
                                                        const ChunkKey& key) {
  return IndexSeekSplitPoints(s, t, key);
}

std::vector<std::string> MysqlDialect::AddIndexSql(
    const TableRef& t, const std::vector<std::string>& definitions) const {
  return OnlineAddIndexSql(t, definitions);
}

Result<std::unique_ptr<SchemaChange>> MysqlDialect::PlanSchemaChange(
    SessionFactory& sessions, const SchemaChangeRequest& req, bool offline) {
  return PlanOnlineAlter(*this, sessions, req, offline);
}

std::vector<std::unique_ptr<ThrottleSignal>> MysqlDialect::ThrottleSignals(
    SessionFactory& sessions, const ThrottleOptions& opts) {
  // One load signal per status variable, carrying both its max and critical limit.
  std::map<std::string, LoadLimit> limits;
  for (const auto& [var, n] : opts.max_load) {
    limits[var].variable = var;
    limits[var].max = n;
  }
  for (const auto& [var, n] : opts.critical_load) {
    limits[var].variable = var;
    limits[var].critical = n;
  }
  std::vector<std::unique_ptr<ThrottleSignal>> signals;
  for (auto& [var, limit] : limits) signals.push_back(std::make_unique<LoadSignal>(sessions, limit));
  if (opts.lock_wait_budget_s > 0) {
    signals.push_back(std::make_unique<LockWaitSignal>(sessions, opts.lock_wait_budget_s));
  }
  if (opts.max_lag_s > 0) {
    for (const auto& dsn : opts.replica_dsns) {
      signals.push_back(ReplicaLagSignal::FromDsn(dsn, opts.max_lag_s));
    }
  }
  return signals;
}

ErrorClass MysqlDialect::Classify(int code) const { return ClassifyErrorCode(code); }

std::vector<std::string> MysqlDialect::BatchSessionSetup() const {
  return {"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"};
}

// NOWAIT: MariaDB 10.3+, MySQL 8.0+ (which spells the shared lock FOR SHARE).
std::string MysqlDialect::NoWaitLockClause(const ServerInfo& server, bool exclusive) const {
  if (server.flavor == Flavor::kMariaDB) {
    if (!server.version.AtLeast(10, 3)) return "";
    return exclusive ? "FOR UPDATE NOWAIT" : "LOCK IN SHARE MODE NOWAIT";
  }
  if (server.flavor != Flavor::kMySQL || !server.version.AtLeast(8, 0, 1)) return "";
  return exclusive ? "FOR UPDATE NOWAIT" : "FOR SHARE NOWAIT";
}

}  // namespace sluice::mysql
