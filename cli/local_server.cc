#include "cli/local_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "engine/db/connection.h"
#include "engine/log.h"
#include "engine/sql/quote.h"

namespace sluice::cli {
namespace fs = std::filesystem;
namespace {

std::string FindProgram(const std::string& name) {
  std::string path = getenv("PATH") ? getenv("PATH") : "";
  path += ":/usr/sbin:/usr/bin:/sbin:/bin";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string candidate = path.substr(start, end - start) + "/" + name;
    if (!candidate.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

bool ProcessAlive(int pid) {
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0) return false;
  // A zombie child of ours is not alive for our purposes.
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string token;
  for (int i = 0; i < 3 && stat >> token; ++i) {
  }
  return token != "Z";
}

bool PortInUse(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool busy = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0;
  close(fd);
  return busy;
}

std::string Tail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string l; std::getline(in, l);) all.push_back(l);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    out += "  " + all[i] + "\n";
  }
  return out;
}

// Runs argv to completion with output to `log`; returns the exit status.
int RunToLog(const std::vector<std::string>& argv, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

}  // namespace

LocalServer::LocalServer(LocalServerOptions opts) : opts_(std::move(opts)) {
  dir_ = fs::absolute(opts_.dir).lexically_normal().string();
}

std::string LocalServer::data_dir() const { return dir_ + "/data"; }
std::string LocalServer::pid_path() const { return dir_ + "/mariadbd.pid"; }
std::string LocalServer::log_path() const { return dir_ + "/mariadbd.log"; }
std::string LocalServer::tmp_dir() const { return dir_ + "/tmp"; }

std::string LocalServer::socket_path() const {
  // sun_path holds 108 bytes; deep working directories fall back to /tmp.
  std::string p = dir_ + "/mariadbd.sock";
  if (p.size() < 100) return p;
  return fmt::format("/tmp/sluice-{:x}.sock", std::hash<std::string>{}(dir_));
}

int LocalServer::Pid() const {
  std::ifstream in(pid_path());
  int pid = 0;
  if (!(in >> pid)) return 0;
  return ProcessAlive(pid) ? pid : 0;
}

Dsn LocalServer::ServerDsn() const {
  Dsn d;
  d.user = "root";
  d.host = "127.0.0.1";
  d.port = opts_.port;
  d.database = opts_.database;
  d.tls = "disabled";
  return d;
}

bool LocalServer::Running() const {
  if (Pid() == 0) return false;
  Dsn d = ServerDsn();
  d.database.clear();
  d.connect_timeout_s = 2;
  return Connection::Open(d).ok();
}

Status LocalServer::Install() {
  if (fs::exists(data_dir() + "/mysql")) return Status::Ok();
  std::string installer = FindProgram("mariadb-install-db");
  if (installer.empty()) {
    return RuntimeError(
        "mariadb-install-db not found: install Debian's mariadb-server "
        "(scripts/install-deps.sh does it)");
  }
  fs::create_directories(data_dir());
  fs::create_directories(tmp_dir());
  spdlog::info("initialising a new MariaDB data directory in {}", data_dir());
  std::vector<std::string> argv = {installer, "--no-defaults", "--datadir=" + data_dir(),
                                   "--auth-root-authentication-method=normal",
                                   "--skip-test-db",
                                   // Its bootstrap server is a MariaDB starting up too
                                   // (see Spawn): in /tmp, two installs at once broke
                                   // each other in CI.
                                   "--tmpdir=" + tmp_dir()};
  if (geteuid() == 0) argv.push_back("--user=root");
  if (RunToLog(argv, log_path()) != 0) {
    return RuntimeError(fmt::format("mariadb-install-db failed; the end of {}:\n{}", log_path(),
                                    Tail(log_path(), 15)));
  }
  return Status::Ok();
}

Status LocalServer::Spawn() {
  std::string server = FindProgram("mariadbd");
  if (server.empty()) server = FindProgram("mysqld");
  if (server.empty()) {
    return RuntimeError("mariadbd not found: install Debian's mariadb-server "
                        "(scripts/install-deps.sh does it)");
  }
  fs::create_directories(tmp_dir());
  std::vector<std::string> argv = {
      server,
      "--no-defaults",
      "--datadir=" + data_dir(),
      // Its own: a MariaDB starting up deletes every #sql* file in its
      // tmpdir, also another running server's temporary tables (seen in CI:
      // a fault test's server start failed a query of the suite's server
      // with "Error on delete of '/tmp/#sql-temptable-...MAI'").
      "--tmpdir=" + tmp_dir(),
      "--port=" + std::to_string(opts_.port),
      "--bind-address=127.0.0.1",
      "--socket=" + socket_path(),
      "--pid-file=" + pid_path(),
      "--log-error=" + log_path(),
      "--log-bin=" + data_dir() + "/binlog",
      "--binlog-format=ROW",
      // As production runs it (MySQL 8's default). With MariaDB's default 0,
      // rotating a 1 GB binlog flushed it all at once and stalled every
      // commit for 145-434 ms (bench/RESULTS.md); smaller files and an
      // expiry keep a bench sweep from filling the disk.
      "--sync-binlog=1",
      "--max-binlog-size=256M",
      "--binlog-expire-logs-seconds=900",
      // MySQL 8's default: no table-level AUTO-INC lock, which a shadow
      // copy's INSERT ... SELECT would hold against the application's
      // triggers (mysql/shadow_copy.cc, WarnAboutAutoIncLocks).
      "--innodb-autoinc-lock-mode=2",
      "--server-id=1",
      "--event-scheduler=ON",
      "--innodb-buffer-pool-size=" + opts_.buffer_pool,
      "--max-connections=500",
      "--skip-name-resolve",
  };
  if (geteuid() == 0) argv.push_back("--user=root");
  pid_t pid = fork();
  if (pid < 0) return RuntimeError("fork failed");
  if (pid == 0) {
    // Detach: own session, no terminal, so the server outlives `sluice db start`.
    setsid();
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, 0);
      dup2(devnull, 1);
      dup2(devnull, 2);
    }
    if (fork() != 0) _exit(0);  // double fork: init reaps the server
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return Status::Ok();
}

Status LocalServer::WaitReady(int /*unused*/) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(opts_.start_timeout_s);
  Dsn d = ServerDsn();
  d.database.clear();
  d.connect_timeout_s = 2;
  bool seen_pid = false;
  while (std::chrono::steady_clock::now() < deadline) {
    int pid = Pid();
    seen_pid |= pid != 0;
    if (pid != 0 && Connection::Open(d).ok()) return Status::Ok();
    if (seen_pid && pid == 0) break;  // it started and died
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return RuntimeError(fmt::format("MariaDB did not come up on port {}; the end of {}:\n{}",
                                  opts_.port, log_path(), Tail(log_path(), 20)));
}

Status LocalServer::CreateDatabase() {
  Dsn d = ServerDsn();
  d.database.clear();
  SLUICE_ASSIGN(auto conn, Connection::Open(d));
  auto r = conn->Exec("CREATE DATABASE IF NOT EXISTS " + sql::QuoteIdent(opts_.database));
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Status LocalServer::Start() {
  if (Running()) {
    spdlog::info("the local MariaDB is already running (pid {}, port {})", Pid(), opts_.port);
    return Status::Ok();
  }
  fs::create_directories(dir_);
  if (fs::exists(pid_path())) {
    int pid = Pid();
    if (pid != 0) {
      return RuntimeError(fmt::format(
          "pid file {} names a live process ({}) that does not answer on port {}; "
          "stop it with `sluice db stop` or remove the process",
          pid_path(), pid, opts_.port));
    }
    spdlog::warn("removing stale pid file {} (its process is gone)", pid_path());
    fs::remove(pid_path());
  }
  if (PortInUse(opts_.port)) {
    return RuntimeError(fmt::format(
        "port {} on 127.0.0.1 is already in use by another process; pick another with "
        "--db-port (or `db-port =` in sluice.ini)",
        opts_.port));
  }
  SLUICE_TRY(Install());
  if (fs::exists(socket_path())) fs::remove(socket_path());
  SLUICE_TRY(Spawn());
  SLUICE_TRY(WaitReady(0));
  SLUICE_TRY(CreateDatabase());
  spdlog::info("the local MariaDB is running (pid {}, port {}, socket {})", Pid(), opts_.port,
               socket_path());
  return Status::Ok();
}

Status LocalServer::Stop() {
  int pid = Pid();
  if (pid == 0) {
    if (fs::exists(pid_path())) fs::remove(pid_path());
    spdlog::info("the local MariaDB is not running");
    return Status::Ok();
  }
  kill(pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (ProcessAlive(pid) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (ProcessAlive(pid)) {
    spdlog::warn("MariaDB (pid {}) did not stop within 60 s; killing it", pid);
    kill(pid, SIGKILL);
    while (ProcessAlive(pid)) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (fs::exists(pid_path())) fs::remove(pid_path());
  spdlog::info("the local MariaDB (pid {}) has stopped", pid);
  return Status::Ok();
}

}  // namespace sluice::cli
