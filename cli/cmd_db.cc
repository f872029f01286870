// sluice db start | stop | status | dsn: the local development MariaDB.
#include <fmt/format.h>

#include <iostream>

#include "cli/command.h"
#include "cli/local_server.h"
#include "engine/log.h"

namespace sluice::cli {

LocalServerOptions LocalServerOptionsFrom(const GlobalOptions& g) {
  LocalServerOptions o;
  o.dir = g.db_dir;
  o.port = g.db_port;
  return o;
}

namespace {

int RunDb(CommandContext& ctx) {
  const std::string& action = ctx.args[0];
  LocalServer server(LocalServerOptionsFrom(ctx.global));
  if (action == "start") {
    Status st = server.Start();
    return st.ok() ? 0 : Fail(st.error());
  }
  if (action == "stop") {
    Status st = server.Stop();
    return st.ok() ? 0 : Fail(st.error());
  }
  if (action == "status") {
    if (server.Running()) {
      std::cout << fmt::format("running: pid {}, port {}, socket {}, data {}\n", server.Pid(),
                               ctx.global.db_port, server.socket_path(), server.data_dir());
      return 0;
    }
    std::cout << "not running\n";
    return 1;
  }
  if (action == "dsn") {
    std::cout << server.ServerDsn().ToString() << "\n";
    return 0;
  }
  return Fail(InputError(fmt::format(
      "unknown db action '{}': use sluice db start | stop | status | dsn", action)));
}

}  // namespace

Command MakeDbCommand() {
  Command c;
  c.name = "db";
  c.synopsis = "start | stop | status | dsn";
  c.summary = "run the local MariaDB for development (.sluice/db, port 3307)";
  c.add_options = [](po::options_description&) {};
  c.run = RunDb;
  c.min_args = 1;
  c.max_args = 1;
  return c;
}

}  // namespace sluice::cli
