// The local MariaDB for development and tests (`sluice db ...`): Debian's
// mariadbd with its data under .sluice/db/, on 127.0.0.1:PORT and a socket.
#pragma once

#include <string>

#include "engine/db/dsn.h"
#include "engine/status.h"

namespace sluice::cli {

struct LocalServerOptions {
  std::string dir = ".sluice/db";  // holds data/, the socket, pid and log files
  int port = 3307;                 // TCP port on 127.0.0.1
  std::string database = "sluice"; // created at first start; the default DSN's database
  int start_timeout_s = 60;        // how long start waits for connections
  std::string buffer_pool = "256M";// innodb_buffer_pool_size: modest on purpose
};

class LocalServer {
 public:
  explicit LocalServer(LocalServerOptions opts);

  // Idempotent: returns at once when already running; waits until the server
  // accepts connections. A busy port or a stale pid file gets a clear error.
  Status Start();
  // Stops the server and waits until the process is gone (SIGTERM, then SIGKILL).
  Status Stop();
  // Running and accepting connections?
  bool Running() const;
  // The server's pid, or 0.
  int Pid() const;
  // The DSN of the local server (TCP; the socket path in its `socket=`).
  Dsn ServerDsn() const;

  std::string data_dir() const;
  std::string socket_path() const;
  std::string pid_path() const;
  std::string log_path() const;
  std::string tmp_dir() const;  // its own: see Spawn

 private:
  Status Install();
  Status Spawn();
  Status WaitReady(int pid);
  Status CreateDatabase();

  LocalServerOptions opts_;
  std::string dir_;  // absolute
};

}  // namespace sluice::cli
