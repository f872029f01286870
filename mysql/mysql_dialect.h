// The MySQL/MariaDB dialect. Each role lives in its own file:
//  - mysql_dialect.cc: the Dialect methods, delegating to the files below
//  - split_points.cc: key-range split points (index walk)
//  - online_alter*.cc: strategy choice and shadow copy (schema steps)
//  - load_signal.cc, replica_lag_signal.cc: throttle signals
#pragma once

#include "engine/dialect.h"

namespace sluice::mysql {

class MysqlDialect : public Dialect {
 public:
  std::string Name() const override { return "mysql"; }
  Result<TableInfo> InspectTable(Session& s, const TableRef& t) override;
  Result<ChunkKey> ChooseChunkKey(const TableInfo& t, const std::string& requested) override;
  Result<std::vector<KeyTuple>> SplitPoints(Session& s, const TableInfo& t,
                                            const ChunkKey& key) override;
  Result<std::unique_ptr<SchemaChange>> PlanSchemaChange(SessionFactory& sessions,
                                                         const SchemaChangeRequest& req,
                                                         bool offline) override;
  std::vector<std::unique_ptr<ThrottleSignal>> ThrottleSignals(
      SessionFactory& sessions, const ThrottleOptions& opts) override;
  ErrorClass Classify(int code) const override;
  std::vector<std::string> BatchSessionSetup() const override;
  std::string NoWaitLockClause(const ServerInfo& server, bool exclusive) const override;
  std::vector<std::string> AddIndexSql(const TableRef& t,
                                       const std::vector<std::string>& definitions) const override;
};

}  // namespace sluice::mysql
