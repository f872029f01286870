// Connection: RAII over one MYSQL* from MariaDB Connector/C. The only place
// that includes the client library's headers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/db/dsn.h"
#include "engine/db/session.h"
#include "engine/db/session_factory.h"

struct st_mysql;

namespace sluice {

class Connection : public Session {
 public:
  // Connects; `setup` statements run after every (re)connect.
  static Result<std::unique_ptr<Connection>> Open(const Dsn& dsn,
                                                  std::vector<std::string> setup = {});
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Result<ResultSet> Query(std::string_view sql) override;
  Result<ExecResult> Exec(std::string_view sql) override;
  const ServerInfo& server() const override { return info_; }

  // Drops the socket and connects again (after 2006/2013 or a KILL).
  Status Reconnect();
  // The server's id for this session (CONNECTION_ID()), for KILL and tests.
  unsigned long ThreadId() const;
  const Dsn& dsn() const { return dsn_; }
  // The client library's handle, for engine/db's binlog reader only.
  st_mysql* handle() const { return mysql_; }

 private:
  Connection(Dsn dsn, std::vector<std::string> setup);
  Status Connect();
  Error LastError(std::string_view what) const;

  Dsn dsn_;
  std::vector<std::string> setup_;
  st_mysql* mysql_ = nullptr;
  ServerInfo info_;
};

// Opens Connections from one DSN, each with the same session set-up.
class ConnectionFactory : public SessionFactory {
 public:
  explicit ConnectionFactory(Dsn dsn, std::vector<std::string> setup = {})
      : dsn_(std::move(dsn)), setup_(std::move(setup)) {}
  Result<std::unique_ptr<Session>> Open() override;
  Result<std::unique_ptr<Connection>> OpenConnection();
  const Dsn& dsn() const { return dsn_; }

 private:
  Dsn dsn_;
  std::vector<std::string> setup_;
};

}  // namespace sluice
