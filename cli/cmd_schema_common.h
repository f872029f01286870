// Shared by the commands that compare against the desired schema (revision
// --autogenerate, check --drift, test): the --schema and --dev-dsn options,
// the scratch database on the development server, and both snapshots.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "cli/command.h"
#include "engine/schema/schema_snapshot.h"
#include "engine/schema/scratch_database.h"

namespace sluice::cli {

// --schema, --dev-dsn.
void AddSchemaOptions(po::options_description& o);
// The schema path (relative to sluice.ini), or "" when none is configured.
std::string SchemaPath(const CommandContext& ctx);
// --dev-dsn, else the target's server (the local server without a DSN).
Result<Dsn> DevServerDsn(const CommandContext& ctx);
// A development server of another flavour than the target normalises
// differently (defaults, types): refused.
Status CheckSameFlavor(const ServerInfo& target, const ServerInfo& dev);
// A scratch database on the development server with the default collation
// of `target`'s current database, refusing a server of another flavour.
Result<std::unique_ptr<ScratchDatabase>> OpenScratch(const CommandContext& ctx, Session& target);
// Loads the desired schema into a scratch database and reads it back; the
// scratch database is gone when this returns. SIGINT / SIGTERM while loading
// stop it (exit 3).
Result<SchemaSnapshot> DesiredSnapshot(const CommandContext& ctx, Session& target);
// How to read a database on `server`: without sluice's own tables (state and
// deferred indexes), with the dialect's own table options.
Result<SnapshotOptions> SnapshotOptionsFor(const CommandContext& ctx, const ServerInfo& server);
// The target database without sluice's own tables, nor the shadow tables of
// a migration holding the lock.
Result<SchemaSnapshot> TargetSnapshot(const CommandContext& ctx, Connection& conn);

}  // namespace sluice::cli
