#include <utility>  // before Boost.Asio (Boost 1.74 + C++20 + GCC 12)

#include "engine/progress/control_server.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <filesystem>
#include <thread>

#include "engine/log.h"

namespace sluice {

namespace asio = boost::asio;
using Local = asio::local::stream_protocol;

namespace {

// Longest line a client may send; a control command is a few words.
constexpr size_t kMaxLine = 4096;

// True when something accepts connections on `path`.
bool SocketIsLive(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
  bool live = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return live;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Local::socket socket, const ControlServer::Handler& handler)
      : socket_(std::move(socket)), handler_(handler), buf_(kMaxLine) {}

  void Read() {
    auto self = shared_from_this();
    asio::async_read_until(socket_, buf_, '\n',
                           [self](const boost::system::error_code& ec, size_t n) {
                             self->OnLine(ec, n);
                           });
  }

 private:
  void OnLine(const boost::system::error_code& ec, size_t n) {
    nlohmann::json answer;
    bool close_after = false;
    if (ec == asio::error::not_found) {
      answer = {{"ok", false}, {"error", "line too long"}};
      close_after = true;
    } else if (ec) {
      return;  // client went away
    } else {
      std::string line(asio::buffers_begin(buf_.data()), asio::buffers_begin(buf_.data()) + n);
      buf_.consume(n);
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      try {
        answer = handler_(line);
      } catch (const std::exception& e) {
        answer = {{"ok", false}, {"error", e.what()}};
      }
    }
    out_ = answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(out_),
                      [self, close_after](const boost::system::error_code& wec, size_t) {
                        if (!wec && !close_after) self->Read();
                      });
  }

  Local::socket socket_;
  const ControlServer::Handler& handler_;
  asio::streambuf buf_;
  std::string out_;
};

}  // namespace

struct ControlServer::Impl {
  ControlServerOptions opts;
  Handler handler;
  asio::io_context io;
  Local::acceptor acceptor{io};
  std::thread thread;
  bool stopped = false;

  void Accept() {
    acceptor.async_accept([this](const boost::system::error_code& ec, Local::socket s) {
      if (ec) return;  // closed by Stop
      std::make_shared<Session>(std::move(s), handler)->Read();
      Accept();
    });
  }
};

Result<std::unique_ptr<ControlServer>> ControlServer::Start(ControlServerOptions opts,
                                                            Handler handler) {
  const std::string& path = opts.path;
  if (path.empty() || path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return InputError(fmt::format("--control-socket '{}': path must be 1..{} bytes", path,
                                  sizeof(sockaddr_un{}.sun_path) - 1));
  }
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !std::filesystem::exists(parent)) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return RuntimeError(fmt::format("control socket: cannot create {}: {}", parent.string(),
                                      ec.message()));
    }
    ::chmod(parent.c_str(), 0700);
  }
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return InputError(fmt::format("control socket {}: exists and is not a socket", path));
    }
    if (SocketIsLive(path)) {
      return RuntimeError(
          fmt::format("control socket {} is in use: is another migration running?", path));
    }
    ::unlink(path.c_str());  // left over from a killed run
  }

  auto impl = std::make_unique<Impl>();
  impl->opts = std::move(opts);
  impl->handler = std::move(handler);
  try {
    Local::endpoint ep(impl->opts.path);
    impl->acceptor.open(ep.protocol());
    impl->acceptor.bind(ep);
    // Only the owner may talk to the run.
    if (::chmod(impl->opts.path.c_str(), 0600) != 0) {
      ::unlink(impl->opts.path.c_str());
      return RuntimeError(fmt::format("control socket {}: chmod failed", impl->opts.path));
    }
    impl->acceptor.listen();
  } catch (const boost::system::system_error& e) {
    return RuntimeError(fmt::format("control socket {}: {}", impl->opts.path, e.what()));
  }
  impl->Accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  spdlog::debug("control socket listening on {}", raw->opts.path);
  return std::unique_ptr<ControlServer>(new ControlServer(std::move(impl)));
}

ControlServer::ControlServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ControlServer::~ControlServer() { Stop(); }

void ControlServer::Stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  asio::post(impl_->io, [this] {
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
  });
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  ::unlink(impl_->opts.path.c_str());
}

const std::string& ControlServer::path() const { return impl_->opts.path; }

}  // namespace sluice
