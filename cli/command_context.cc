#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "cli/local_server.h"
#include "engine/log.h"
#include "mysql/mysql_dialect.h"
#include "tidb/tidb_dialect.h"

namespace sluice::cli {

LocalServerOptions LocalServerOptionsFrom(const GlobalOptions& g);

int Fail(const Error& e) {
  spdlog::error("{}", RedactSecrets(e.ToString()));
  return static_cast<int>(e.exit);
}

std::string CommandContext::ResolvePath(const std::string& p) const {
  if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
  return (std::filesystem::path(global.config_dir) / p).lexically_normal().string();
}

Result<Dsn> CommandContext::ResolveDsn() const {
  if (!global.dsn.empty()) return ParseDsn(global.dsn);
  LocalServer local(LocalServerOptionsFrom(global));
  if (!local.Running()) {
    return InputError(fmt::format(
        "no DSN given (--dsn, SLUICE_DSN or `dsn =` in sluice.ini) and the local server is not "
        "running in {}: start it with `sluice db start`",
        global.db_dir));
  }
  return local.ServerDsn();
}

Result<std::unique_ptr<Connection>> CommandContext::Connect() const {
  SLUICE_ASSIGN(Dsn dsn, ResolveDsn());
  return Connection::Open(dsn);
}

Result<Target> CommandContext::OpenTarget() const {
  Target t;
  SLUICE_ASSIGN(t.dsn, ResolveDsn());
  SLUICE_ASSIGN(t.conn, Connection::Open(t.dsn));
  SLUICE_ASSIGN(t.dialect, MakeDialect(t.conn->server()));
  return t;
}

Result<std::unique_ptr<Dialect>> CommandContext::MakeDialect(const ServerInfo& server) const {
  std::string which = global.dialect;
  if (which == "auto") {
    auto dsn = ResolveDsn();
    bool tidb = (dsn.ok() && dsn->scheme == "tidb") || server.flavor == Flavor::kTiDB;
    which = tidb ? "tidb" : "mysql";
  }
  if (which == "mysql") return std::unique_ptr<Dialect>(new mysql::MysqlDialect());
  if (which == "tidb") return tidb::MakeTidbDialect(server);
  return InputError(fmt::format("unknown --dialect '{}': use auto, mysql or tidb", which));
}

Result<std::unique_ptr<Dialect>> CommandContext::MakeOfflineDialect() const {
  ServerInfo none;
  if (global.dialect == "auto" && !global.dsn.empty()) {
    auto dsn = ParseDsn(global.dsn);
    if (!dsn.ok()) return dsn.error();
    if (dsn->scheme == "tidb") none.flavor = Flavor::kTiDB;
  }
  GlobalOptions g = global;
  CommandContext offline{g, vm, args};
  offline.global.dsn.clear();  // never connect
  if (offline.global.dialect == "auto") {
    offline.global.dialect = none.flavor == Flavor::kTiDB ? "tidb" : "mysql";
  }
  if (offline.global.dialect == "tidb") {
    // No server to ask: plan for the release the compose cluster pins.
    none = ServerInfo::FromVersionString("8.0.11-TiDB-v8.5.1");
  }
  return offline.MakeDialect(none);
}

}  // namespace sluice::cli
