#include "engine/schema/scratch_database.h"

#include <fmt/format.h>

#include <random>

#include "engine/log.h"
#include "engine/sql/quote.h"

namespace sluice {
namespace {

constexpr int kAccessDenied = 1044;  // ER_DBACCESS_DENIED_ERROR

std::string RandomSuffix() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  return fmt::format("{:012x}", gen() & 0xffffffffffffULL);
}

}  // namespace

// Not "sluice:<database>": that is the migrator lock `sluice test` takes in it.
std::string ScratchDatabase::LockName(const std::string& database) {
  return "sluice-scratch:" + database;
}

Result<int> ScratchDatabase::DropStale(Session& s) {
  SLUICE_ASSIGN(ResultSet dbs, s.Query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE "
                                       "SCHEMA_NAME LIKE '\\_sluice\\_ws\\_%'"));
  int dropped = 0;
  for (const Row& r : dbs.rows) {
    if (!r[0]) continue;
    SLUICE_ASSIGN(ResultSet free,
                  s.Query("SELECT IS_FREE_LOCK(" + sql::QuoteString(LockName(*r[0])) + ")"));
    if (free.rows.empty() || free.rows[0][0].value_or("0") != "1") continue;  // its run is alive
    spdlog::info("dropping scratch database {} left by a run that is gone", *r[0]);
    SLUICE_TRY(s.Exec("DROP DATABASE IF EXISTS " + sql::QuoteIdent(*r[0])));
    ++dropped;
  }
  return dropped;
}

Result<std::unique_ptr<ScratchDatabase>> ScratchDatabase::Create(const Dsn& server,
                                                                 const std::string& collation) {
  Dsn admin = server;
  admin.database.clear();
  SLUICE_ASSIGN(std::unique_ptr<Connection> conn, Connection::Open(admin));
  SLUICE_TRY(DropStale(*conn));
  const std::string name = kPrefix + RandomSuffix();
  // The lock first: from here on no other run takes this database for stale.
  SLUICE_ASSIGN(ResultSet got,
                conn->Query("SELECT GET_LOCK(" + sql::QuoteString(LockName(name)) + ", 0)"));
  if (got.rows.empty() || got.rows[0][0].value_or("0") != "1") {
    return RuntimeError(fmt::format("cannot take the lock for scratch database {}", name));
  }
  std::string create = "CREATE DATABASE " + sql::QuoteIdent(name);
  if (!collation.empty()) create += " COLLATE " + sql::QuoteString(collation);
  auto created = conn->Exec(create);
  if (!created.ok()) {
    Error e = created.error();
    if (e.code == kAccessDenied || e.code == 1142 || e.code == 1227) {
      e.message = fmt::format(
          "the development server refuses to create the scratch database {} for {} ({}); grant "
          "CREATE and DROP on `\\_sluice\\_ws\\_%`.* or name another server with --dev-dsn",
          name, admin.user, e.message);
      e.exit = ExitCode::kUsage;
    }
    return e;
  }
  std::unique_ptr<ScratchDatabase> db(new ScratchDatabase(std::move(conn), name, admin));
  SLUICE_TRY(db->conn_->Exec("USE " + sql::QuoteIdent(name)));
  spdlog::debug("created scratch database {}", name);
  return db;
}

Dsn ScratchDatabase::dsn() const {
  Dsn d = server_;
  d.database = name_;
  return d;
}

Status ScratchDatabase::Drop() {
  if (dropped_) return Status::Ok();
  dropped_ = true;
  auto st = conn_->Exec("DROP DATABASE IF EXISTS " + sql::QuoteIdent(name_));
  if (!st.ok()) {
    // Our session may have died (a KILL, a lost server): a fresh one will do.
    auto fresh = Connection::Open(server_);
    if (!fresh.ok()) return fresh.error();
    SLUICE_TRY((*fresh)->Exec("DROP DATABASE IF EXISTS " + sql::QuoteIdent(name_)));
  }
  (void)conn_->Exec("DO RELEASE_LOCK(" + sql::QuoteString(LockName(name_)) + ")");
  return Status::Ok();
}

ScratchDatabase::~ScratchDatabase() {
  auto st = Drop();
  if (!st.ok()) {
    spdlog::warn("could not drop scratch database {} ({}); the next run drops it", name_,
                 st.error().ToString());
  }
}

}  // namespace sluice
