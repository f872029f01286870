// A throw-away database on a development server, named `_sluice_ws_<random>`,
// where the desired schema is loaded so that the server parses and
// normalises it (and `sluice test` runs revisions). Its creator holds a
// server lock named after it for its whole life: a database whose lock is
// free belongs to a run that died (kill -9, lost connection) and is dropped
// by the next one. It is dropped on destruction, after an error too.
#pragma once

#include <memory>
#include <string>

#include "engine/db/connection.h"
#include "engine/db/dsn.h"
#include "engine/status.h"

namespace sluice {

class ScratchDatabase {
 public:
  static constexpr const char* kPrefix = "_sluice_ws_";

  // Drops stale scratch databases, then creates a new one. `server` names
  // the development server; its database part is ignored. A server that
  // refuses CREATE DATABASE is an input error saying what to grant.
  // `collation`: the database default, so that tables without their own
  // charset get the target database's (empty: the server's default).
  static Result<std::unique_ptr<ScratchDatabase>> Create(const Dsn& server,
                                                         const std::string& collation = "");
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& name() const { return name_; }
  // The development server's DSN with the scratch database selected.
  Dsn dsn() const;
  // The session holding the lock, with the scratch database selected.
  Connection& conn() { return *conn_; }
  // Drops the database and releases the lock (also done by the destructor).
  Status Drop();

  // Drops every `_sluice_ws_` database whose holder is gone; how many.
  static Result<int> DropStale(Session& s);
  // The server lock held for a scratch database.
  static std::string LockName(const std::string& database);

 private:
  ScratchDatabase(std::unique_ptr<Connection> conn, std::string name, Dsn server)
      : conn_(std::move(conn)), name_(std::move(name)), server_(std::move(server)) {}

  std::unique_ptr<Connection> conn_;
  std::string name_;
  Dsn server_;
  bool dropped_ = false;
};

}  // namespace sluice
