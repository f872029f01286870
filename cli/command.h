// The command registry: each `sluice COMMAND` lives in its own cli/cmd_*.cc
// and is listed once in cli/commands.cc.
#pragma once

#include <boost/program_options.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/db/connection.h"
#include "engine/dialect.h"
#include "engine/status.h"

namespace sluice::cli {

namespace po = boost::program_options;

// Options every command accepts (before or after the command name).
struct GlobalOptions {
  std::string config_path;        // -c: sluice.ini (default ./sluice.ini when present)
  std::string config_dir = ".";   // directory of the config file; relative paths resolve here
  std::string dsn;                // --dsn / SLUICE_DSN / `dsn =` in the config
  std::string dialect = "auto";   // auto|mysql|tidb
  std::string log_level = "info"; // --log-level
  bool log_json = false;          // --log-json
  int db_port = 3307;             // --db-port: the local development server's port
  std::string db_dir = ".sluice/db";  // --db-dir: the local server's directory
};

// A live database to migrate: its DSN, a connection, and its dialect.
struct Target {
  Dsn dsn;
  std::unique_ptr<Connection> conn;
  std::unique_ptr<Dialect> dialect;
};

struct CommandContext {
  GlobalOptions global;
  po::variables_map vm;               // the command's options, merged flag > env > file
  std::vector<std::string> args;      // positional arguments after the command name

  // The DSN to use: --dsn, SLUICE_DSN, the config file, else the local server.
  Result<Dsn> ResolveDsn() const;
  // Opens a connection with the resolved DSN.
  Result<std::unique_ptr<Connection>> Connect() const;
  // Resolves the DSN, connects and picks the dialect for that server.
  Result<Target> OpenTarget() const;
  // The dialect: --dialect, a tidb:// DSN, or the server's flavour.
  Result<std::unique_ptr<Dialect>> MakeDialect(const ServerInfo& server) const;
  // The dialect without a server (offline --sql): --dialect or the DSN scheme.
  Result<std::unique_ptr<Dialect>> MakeOfflineDialect() const;
  // A path from the config file, resolved against the config's directory.
  std::string ResolvePath(const std::string& p) const;
  // An option's value if set (flag, env or file), else `def`.
  template <typename T>
  T Get(const std::string& name, T def) const {
    auto it = vm.find(name);
    if (it == vm.end() || it->second.empty()) return def;
    return it->second.as<T>();
  }
  bool Has(const std::string& name) const { return vm.count(name) > 0 && !vm[name].empty(); }
};

struct Command {
  std::string name;
  std::string synopsis;  // "TARGET [--sql]"
  std::string summary;   // one line for `sluice --help`
  // Adds the command's own options (may be empty).
  std::function<void(po::options_description&)> add_options;
  // Runs the command; returns the process exit code.
  std::function<int(CommandContext&)> run;
  // Commands that have sub-commands or free-form args accept any positionals.
  size_t min_args = 0;
  size_t max_args = 0;
  // The log level when --log-level is not given (a report-style command
  // keeps the steps' info lines out of its report).
  std::string default_log_level = "info";
};

// Every command, in `--help` order (cli/commands.cc).
const std::vector<Command>& AllCommands();

// Prints an error (redacted) and returns its exit code.
int Fail(const Error& e);

}  // namespace sluice::cli
