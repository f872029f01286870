// DSN parsing: mysql://user:pass@host:port/db?socket=PATH&tls=required
// and tidb://... Passwords never leave this struct unredacted except to the
// client library.
#pragma once

#include <string>
#include <string_view>

#include "engine/status.h"

namespace sluice {

struct Dsn {
  std::string scheme = "mysql";  // "mysql" or "tidb" (forces the TiDB dialect)
  std::string user = "root";
  std::string password;
  bool has_password = false;
  std::string host = "127.0.0.1";
  int port = 3306;               // 4000 for tidb:// when not given
  std::string database;
  std::string socket;            // unix socket path; wins over host:port
  std::string tls = "preferred"; // disabled|preferred|required|verify-ca|verify-identity
  std::string tls_ca;            // CA file for verify-ca / verify-identity
  int connect_timeout_s = 10;    // connect-timeout=
  int read_timeout_s = 0;        // read-timeout= (0: none; long DDL needs none)
  int write_timeout_s = 60;      // write-timeout=

  // The DSN with the password replaced by "***".
  std::string Redacted() const;
  // The DSN with the password, for handing to a child process or the env.
  std::string ToString() const;
};

// Errors are input errors (exit 2) that name the part that is wrong and never
// echo the password.
Result<Dsn> ParseDsn(std::string_view text);

// Replaces the password of every DSN-looking substring ("scheme://user:pw@")
// in free text by "***". Used on anything that may be logged.
std::string RedactSecrets(std::string_view text);

}  // namespace sluice
