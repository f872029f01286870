#include "engine/state/migrator_lock.h"

#include <fmt/format.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <thread>
#include <cstdlib>

#include "engine/log.h"
#include "engine/sql/quote.h"
#include "engine/state/checksum.h"
#include "engine/state/history_store.h"

namespace sluice {
namespace {

constexpr size_t kMaxLockName = 64;

std::string CreateLockTableSql(const StateTables& t) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (lock_name VARCHAR(64) NOT NULL, "
      "holder VARCHAR(255) NOT NULL, connection_id BIGINT NOT NULL, "
      "acquired_at DATETIME(6) NOT NULL, PRIMARY KEY (lock_name))",
      sql::QuoteIdent(t.lock_table));
}

// "host/pid since ..." from the lock table, if the row belongs to the
// connection that holds the lock now.
std::string DescribeHolder(Session& s, const StateTables& t, const std::string& name) {
  auto rs = s.Query(fmt::format(
      "SELECT IS_USED_LOCK({0}), l.holder, l.acquired_at, l.connection_id FROM (SELECT 1) AS x "
      "LEFT JOIN {1} AS l ON l.lock_name = {0}",
      sql::QuoteString(name), sql::QuoteIdent(t.lock_table)));
  if (!rs.ok() || rs->rows.empty()) return "another session";
  const Row& r = rs->rows[0];
  if (!r[0]) return "nobody any more (try again)";
  if (r[1] && r[3] && *r[3] == *r[0]) {
    return fmt::format("{} (connection {}, since {})", *r[1], *r[0], r[2] ? *r[2] : "?");
  }
  return fmt::format("connection {}", *r[0]);
}

// The lock's holder and the lock row: IS_USED_LOCK, holder, connection_id,
// whether the holder is in the processlist.
Result<Row> HolderRow(Session& s, const StateTables& t, const std::string& name) {
  SLUICE_ASSIGN(ResultSet rs,
                s.Query(fmt::format(
                    "SELECT IS_USED_LOCK({0}), l.holder, l.connection_id, (SELECT COUNT(*) FROM "
                    "information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK({0})) FROM "
                    "(SELECT 1) AS x LEFT JOIN {1} AS l ON l.lock_name = {0}",
                    sql::QuoteString(name), sql::QuoteIdent(t.lock_table))));
  if (rs.rows.empty()) return RuntimeError("no row");
  return rs.rows[0];
}

// Why the connection holding `name` belongs to a process that is gone, or ""
// when it may still be alive.
std::string GoneHolder(Session& s, const StateTables& t, const std::string& name) {
  auto row = HolderRow(s, t, name);
  if (!row.ok()) return "";
  const Row* r = &*row;
  if (!(*r)[0]) return "released meanwhile";  // the next GET_LOCK takes it
  if ((*r)[3].value_or("1") == "0") {
    return fmt::format("its connection {} is no longer in the processlist", *(*r)[0]);
  }
  if (!(*r)[1] || !(*r)[2] || *(*r)[2] != *(*r)[0]) {
    // A live sluice writes its row right after GET_LOCK; one killed in
    // between never does.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    row = HolderRow(s, t, name);
    if (!row.ok()) return "";
    if (!(*row)[0]) return "released meanwhile";
    r = &*row;
    if (!(*r)[1] || !(*r)[2] || *(*r)[2] != *(*r)[0]) {
      return fmt::format("its connection {} never recorded itself in {} (killed right after "
                         "taking the lock?)",
                         *(*r)[0], t.lock_table);
    }
  }
  // "host/pid" as HistoryStore::HostAndPid() writes it.
  std::string here = HistoryStore::HostAndPid();
  std::string host = here.substr(0, here.rfind('/'));
  const std::string& holder = *(*r)[1];
  auto slash = holder.rfind('/');
  if (slash == std::string::npos || holder.substr(0, slash) != host) return "";
  pid_t pid = static_cast<pid_t>(std::strtol(holder.c_str() + slash + 1, nullptr, 10));
  if (pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) return "";
  return fmt::format("its process {} no longer runs on this host", holder);
}

Result<bool> GetLock(Session& s, const std::string& name, double wait_seconds) {
  SLUICE_ASSIGN(ResultSet got, s.Query(fmt::format("SELECT GET_LOCK({}, {})",
                                                   sql::QuoteString(name), wait_seconds)));
  return !got.rows.empty() && got.rows[0][0] && *got.rows[0][0] == "1";
}

}  // namespace

std::string MigratorLock::LockName(const std::string& schema) {
  std::string name = "sluice:" + schema;
  if (name.size() <= kMaxLockName) return name;
  return name.substr(0, kMaxLockName - 17) + "~" + Sha256Hex(schema).substr(0, 16);
}

Result<std::unique_ptr<MigratorLock>> MigratorLock::Acquire(Session& s, const StateTables& t,
                                                            double wait_seconds,
                                                            double gone_holder_wait_seconds) {
  SLUICE_ASSIGN(ResultSet db, s.Query("SELECT DATABASE()"));
  if (db.rows.empty() || !db.rows[0][0]) {
    return InputError("no database selected: put the database in the DSN (mysql://.../DB)");
  }
  std::string name = LockName(*db.rows[0][0]);
  SLUICE_TRY(s.Exec(CreateLockTableSql(t)));
  SLUICE_ASSIGN(bool got, GetLock(s, name, wait_seconds));
  if (!got) {
    std::string gone = GoneHolder(s, t, name);
    if (gone == "released meanwhile") {
      // The holder finished between our GET_LOCK and the look at its row:
      // not a run that is gone, just one that ended; try once more.
      spdlog::debug("the migrator lock {} was released meanwhile", name);
      SLUICE_ASSIGN(got, GetLock(s, name, 0));
    } else if (!gone.empty()) {
      spdlog::warn(
          "the migrator lock {} is held by a run that is gone ({}); waiting up to {} s for the "
          "server to release it",
          name, gone, gone_holder_wait_seconds);
      SLUICE_ASSIGN(got, GetLock(s, name, gone_holder_wait_seconds));
    }
  }
  if (!got) {
    Error e = RuntimeError(fmt::format(
        "another migrator holds the lock {}: held by {}. Wait for it to finish, or pass "
        "--lock-wait SECONDS",
        name, DescribeHolder(s, t, name)));
    e.exit = ExitCode::kLockHeld;
    return e;
  }
  auto row = s.Exec(
      fmt::format("REPLACE INTO {} (lock_name, holder, connection_id, acquired_at) VALUES ({}, {}, "
                  "CONNECTION_ID(), NOW(6))",
                  sql::QuoteIdent(t.lock_table), sql::QuoteString(name),
                  sql::QuoteString(HistoryStore::HostAndPid())));
  if (!row.ok()) {
    (void)s.Query(fmt::format("SELECT RELEASE_LOCK({})", sql::QuoteString(name)));
    return row.error();
  }
  spdlog::debug("took the migrator lock {}", name);
  return std::unique_ptr<MigratorLock>(new MigratorLock(s, t, std::move(name)));
}

MigratorLock::~MigratorLock() {
  Status s = Release();
  if (!s.ok()) spdlog::warn("releasing the migrator lock {}: {}", name_, s.error().ToString());
}

Status MigratorLock::Release() {
  if (!held_) return Status::Ok();
  held_ = false;
  (void)s_.Exec(
      fmt::format("DELETE FROM {} WHERE lock_name = {} AND connection_id = "
                  "CONNECTION_ID()",
                  sql::QuoteIdent(t_.lock_table), sql::QuoteString(name_)));
  return s_.Query(fmt::format("SELECT RELEASE_LOCK({})", sql::QuoteString(name_))).status();
}

}  // namespace sluice
