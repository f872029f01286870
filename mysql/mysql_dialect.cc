#include "mysql/mysql_dialect.h"

#include "engine/db/error_classifier.h"
#include "engine/schema/inspector.h"
#include "engine/throttle/throttler.h"

namespace sluice::mysql {

Result<TableInfo> MysqlDialect::InspectTable(Session& s, const TableRef& t) {
  return InspectTableFromInformationSchema(s, t);
}

Result<ChunkKey> MysqlDialect::ChooseChunkKey(const TableInfo& t, const std::string& requested) {
  (void)t;
  (void)requested;
  return RuntimeError("ChooseChunkKey: not implemented yet");
}

Result<std::vector<KeyTuple>> MysqlDialect::SplitPoints(Session& s, const TableInfo& t,
                                                        const ChunkKey& key) {
  (void)s;
  (void)t;
  (void)key;
  return std::vector<KeyTuple>{};
}

Result<std::unique_ptr<SchemaChange>> MysqlDialect::PlanSchemaChange(
    SessionFactory& sessions, const SchemaChangeRequest& req, bool offline) {
  (void)sessions;
  (void)req;
  (void)offline;
  return RuntimeError("online schema change: not implemented yet");
}

std::vector<std::unique_ptr<ThrottleSignal>> MysqlDialect::ThrottleSignals(
    SessionFactory& sessions, const ThrottleOptions& opts) {
  (void)sessions;
  (void)opts;
  return {};
}

ErrorClass MysqlDialect::Classify(int code) const { return ClassifyErrorCode(code); }

std::vector<std::string> MysqlDialect::BatchSessionSetup() const {
  return {"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"};
}

}  // namespace sluice::mysql
