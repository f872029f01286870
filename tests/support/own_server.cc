#include "tests/support/own_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "engine/db/connection.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

std::string OwnServer::Start(const std::string& name, const std::vector<std::string>& options) {
  port_ = std::getenv("SLUICE_TEST_REPLICA_PORT") ? std::atoi(std::getenv("SLUICE_TEST_REPLICA_PORT"))
                                                   : FreePort();
  dir_ = std::filesystem::temp_directory_path() /
         ("sluice-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(port_));
  std::filesystem::remove_all(dir_);
  // A tmpdir of its own: a MariaDB starting up deletes every #sql* file in
  // its tmpdir, also those of other tests' servers and installs.
  std::filesystem::create_directories(dir_ / "tmp");
  const std::string tmpdir = "--tmpdir=" + (dir_ / "tmp").string();
  const std::string user = ::geteuid() == 0 ? " --user=root" : "";
  std::string install = "mariadb-install-db --no-defaults --datadir=" + (dir_ / "data").string() +
                        " --auth-root-authentication-method=normal --skip-test-db " + tmpdir + user +
                        " >" + (dir_ / "install.log").string() + " 2>&1";
  if (std::system(install.c_str()) != 0) return "mariadb-install-db failed: see " + install;
  std::vector<std::string> args = {
      "mariadbd",
      "--no-defaults",
      "--datadir=" + (dir_ / "data").string(),
      tmpdir,
      "--port=" + std::to_string(port_),
      "--bind-address=127.0.0.1",
      "--socket=" + (dir_ / "sock").string(),
      "--pid-file=" + (dir_ / "mariadbd.pid").string(),
      "--server-id=" + std::to_string(1000 + ::getpid() % 1000),
      "--innodb-buffer-pool-size=32M",
      "--log-error=" + (dir_ / "err.log").string(),
  };
  args.insert(args.end(), options.begin(), options.end());
  if (::geteuid() == 0) args.push_back("--user=root");
  pid_ = ::fork();
  if (pid_ == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  if (pid_ < 0) return "fork failed";
  Dsn d;
  d.host = "127.0.0.1";
  d.port = port_;
  d.user = "root";
  d.connect_timeout_s = 2;
  for (int i = 0; i < 150; ++i) {
    auto c = Connection::Open(d);
    if (c.ok()) {
      dsn_ = d;
      return "";
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return "mariadbd exited at start: see " + (dir_ / "err.log").string();
    }
    std::this_thread::sleep_for(100ms);
  }
  return "the server did not accept connections within 15s";
}

void OwnServer::Stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 200; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(50ms);
    }
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

}  // namespace sluice::testing
