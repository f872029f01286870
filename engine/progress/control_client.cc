#include "engine/progress/control_client.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<nlohmann::json> SendControlCommand(const std::string& path, const std::string& line,
                                          double timeout_s) {
  sockaddr_un addr{};
  if (path.size() >= sizeof(addr.sun_path)) {
    return InputError(fmt::format("control socket path too long: {}", path));
  }
  Fd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
  if (fd.get() < 0) return RuntimeError(fmt::format("socket: {}", std::strerror(errno)));
  timeval tv{};
  tv.tv_sec = static_cast<long>(timeout_s);
  tv.tv_usec = static_cast<long>((timeout_s - static_cast<double>(tv.tv_sec)) * 1e6);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int err = errno;
    if (err == ENOENT || err == ECONNREFUSED) {
      return RuntimeError(
          fmt::format("no migration is running (nothing listens on control socket {})", path));
    }
    return RuntimeError(fmt::format("control socket {}: {}", path, std::strerror(err)));
  }
  std::string out = line + "\n";
  size_t sent = 0;
  while (sent < out.size()) {
    ssize_t n = ::send(fd.get(), out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return RuntimeError(fmt::format("control socket {}: send failed", path));
    sent += static_cast<size_t>(n);
  }
  std::string answer;
  char buf[4096];
  while (answer.find('\n') == std::string::npos) {
    ssize_t n = ::recv(fd.get(), buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return RuntimeError(fmt::format("control socket {}: no answer ({})", path,
                                      n == 0 ? "closed" : std::strerror(errno)));
    }
    answer.append(buf, static_cast<size_t>(n));
  }
  answer.resize(answer.find('\n'));
  auto j = nlohmann::json::parse(answer, nullptr, false);
  if (j.is_discarded()) {
    return RuntimeError(fmt::format("control socket {}: answer is not JSON: {}", path, answer));
  }
  return j;
}

}  // namespace sluice
