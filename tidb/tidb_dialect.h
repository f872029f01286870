// The TiDB dialect. Each role lives in its own file:
//  - tidb_dialect.cc: the Dialect methods, delegating to the files below
//  - tidb_features.cc: version gates
//  - region_split.cc: region-aligned split points for data steps
//  - alter_check.cc: what TiDB's online DDL refuses, refused up front
//  - native_ddl.cc, ddl_watcher.cc, ddl_job.cc, ddl_statements.cc: schema
//    steps as native DDL jobs, watched and steered
//  - non_transactional_dml.cc: strategy=tidb-batch (BATCH ON ... LIMIT ...)
//  - table_options.cc: SHARD_ROW_ID_BITS for schema diffs
#pragma once

#include <memory>

#include "engine/db/server_info.h"
#include "engine/dialect.h"
#include "tidb/native_ddl.h"
#include "tidb/region_split.h"
#include "tidb/tidb_features.h"

namespace sluice::tidb {

struct TidbDialectOptions {
  RegionSplitOptions split;  // data-step split points
  NativeDdlOptions ddl;      // schema-step watching
};

// information_schema plus TIDB_PK_TYPE (clustered or not).
Result<TableInfo> InspectTidbTable(Session& s, const TableRef& t);

class TidbDialect : public Dialect {
 public:
  explicit TidbDialect(const ServerInfo& server, TidbDialectOptions options = {});

  std::string Name() const override { return "tidb"; }
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
  std::map<std::string, std::string> OwnTableOptions(
      const std::string& create_options) const override;
  Result<std::unique_ptr<NativeDataStep>> PlanNativeDataStep(
      Session* s, const DataStepRequest& req) override;

  const TidbFeatures& features() const { return features_; }

 private:
  // The features of the server behind `s` when it is a TiDB, else the
  // ones the dialect was made with.
  TidbFeatures FeaturesOf(const Session& s) const;

  TidbFeatures features_;
  TidbDialectOptions opts_;
};

// For the CLI: `--dialect tidb`, a tidb:// DSN, or VERSION() naming TiDB.
// `server` may be a default ServerInfo (offline): the newest gates apply.
std::unique_ptr<Dialect> MakeTidbDialect(const ServerInfo& server);

}  // namespace sluice::tidb
