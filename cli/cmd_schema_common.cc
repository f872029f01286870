#include "cli/cmd_schema_common.h"

#include <fmt/format.h>
#include <signal.h>

#include <atomic>

#include "cli/cmd_revisions_common.h"
#include "engine/exec/data_step.h"
#include "engine/schema/desired_schema.h"
#include "engine/sql/quote.h"
#include "engine/state/migrator_lock.h"

namespace sluice::cli {
namespace {

std::atomic<bool> g_interrupted{false};

void OnInterrupt(int) { g_interrupted = true; }

// SIGINT / SIGTERM only set a flag while the schema loads, so that the
// scratch database is dropped on the way out instead of left behind.
class InterruptFlag {
 public:
  InterruptFlag() {
    g_interrupted = false;
    struct sigaction sa {};
    sa.sa_handler = OnInterrupt;
    sa.sa_flags = SA_RESTART;  // the running statement completes; the loader then stops
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~InterruptFlag() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  InterruptFlag(const InterruptFlag&) = delete;
  InterruptFlag& operator=(const InterruptFlag&) = delete;
  bool raised() const { return g_interrupted; }

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

}  // namespace

void AddSchemaOptions(po::options_description& o) {
  o.add_options()("schema", po::value<std::string>(),
                  "the desired schema: a .sql file or a folder of them (CREATE TABLE / INDEX / "
                  "VIEW), read in file-name order")(
      "dev-dsn", po::value<std::string>(),
      "development server for the scratch database (default: the target's server)");
}

std::string SchemaPath(const CommandContext& ctx) {
  return ctx.ResolvePath(ctx.Get<std::string>("schema", ""));
}

Result<Dsn> DevServerDsn(const CommandContext& ctx) {
  if (ctx.Has("dev-dsn")) return ParseDsn(ctx.Get<std::string>("dev-dsn", ""));
  return ctx.ResolveDsn();
}

Status CheckSameFlavor(const ServerInfo& target, const ServerInfo& dev) {
  if (target.flavor == dev.flavor) return Status::Ok();
  return InputError(fmt::format(
      "the development server is {} ({}) but the target is {} ({}): their defaults and types "
      "differ, so the comparison would be wrong; use a development server of the same flavour "
      "(--dev-dsn)",
      FlavorName(dev.flavor), dev.version_string, FlavorName(target.flavor),
      target.version_string));
}

Result<std::unique_ptr<ScratchDatabase>> OpenScratch(const CommandContext& ctx, Session& target) {
  SLUICE_ASSIGN(Dsn dev, DevServerDsn(ctx));
  SLUICE_ASSIGN(ResultSet collation,
                target.Query("SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA "
                             "WHERE SCHEMA_NAME = DATABASE()"));
  const std::string default_collation =
      collation.empty() ? "" : collation.rows[0][0].value_or("");
  SLUICE_ASSIGN(std::unique_ptr<ScratchDatabase> scratch,
                ScratchDatabase::Create(dev, default_collation));
  SLUICE_TRY(CheckSameFlavor(target.server(), scratch->conn().server()));
  return scratch;
}

Result<SchemaSnapshot> DesiredSnapshot(const CommandContext& ctx, Session& target) {
  const std::string path = SchemaPath(ctx);
  if (path.empty()) {
    return InputError("no desired schema: set `schema = schema` in sluice.ini or give --schema");
  }
  SLUICE_ASSIGN(std::vector<SchemaStatement> statements, ReadSchemaFiles(path));
  InterruptFlag interrupt;
  SLUICE_ASSIGN(std::unique_ptr<ScratchDatabase> scratch, OpenScratch(ctx, target));
  Status loaded = LoadSchema(scratch->conn(), statements, [&] { return interrupt.raised(); });
  Result<SchemaSnapshot> snap = RuntimeError("not read");
  if (loaded.ok()) {
    SLUICE_ASSIGN(SnapshotOptions opts, SnapshotOptionsFor(ctx, scratch->conn().server()));
    snap = ReadSchemaSnapshot(scratch->conn(), scratch->name(), opts);
  }
  SLUICE_TRY(scratch->Drop());
  if (interrupt.raised()) {
    Error e = RuntimeError("interrupted: the scratch database is dropped, nothing was written");
    e.exit = ExitCode::kAborted;
    return e;
  }
  if (!loaded.ok()) return loaded.error();
  return snap;
}

Result<SnapshotOptions> SnapshotOptionsFor(const CommandContext& ctx, const ServerInfo& server) {
  const StateTables t = StateTablesFrom(ctx);
  const DataStepRequest data_defaults;
  SnapshotOptions opts;
  opts.ignore_tables = {t.version_table, t.history_table, t.checkpoint_table, t.lock_table,
                        data_defaults.deferred_index_table};
  SLUICE_ASSIGN(std::unique_ptr<Dialect> made, ctx.MakeDialect(server));
  std::shared_ptr<Dialect> dialect = std::move(made);
  opts.own_table_options = [dialect](const std::string& text) {
    return dialect->OwnTableOptions(text);
  };
  return opts;
}

Result<SchemaSnapshot> TargetSnapshot(const CommandContext& ctx, Connection& conn) {
  SLUICE_ASSIGN(ResultSet db, conn.Query("SELECT DATABASE()"));
  if (db.rows.empty() || !db.rows[0][0]) {
    return InputError("no database selected: put the database in the DSN (mysql://.../DB)");
  }
  const std::string schema = *db.rows[0][0];
  SLUICE_ASSIGN(SnapshotOptions opts, SnapshotOptionsFor(ctx, conn.server()));
  SLUICE_ASSIGN(ResultSet free, conn.Query("SELECT IS_FREE_LOCK(" +
                                           sql::QuoteString(MigratorLock::LockName(schema)) + ")"));
  opts.ignore_shadow_tables = !free.rows.empty() && free.rows[0][0].value_or("1") == "0";
  return ReadSchemaSnapshot(conn, schema, opts);
}

}  // namespace sluice::cli
