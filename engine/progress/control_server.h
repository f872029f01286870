// The control socket: a unix stream socket (mode 0600, removed on Stop) that
// reads one command per line and answers each with one JSON line.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/status.h"

namespace sluice {

struct ControlServerOptions {
  std::string path = ".sluice/run.sock";  // socket path; parent dirs are created (0700)
};

class ControlServer {
 public:
  using Handler = std::function<nlohmann::json(const std::string& line)>;

  // Binds and starts serving on a background thread. Fails when the path is
  // in use by a live run (a stale socket file is replaced).
  static Result<std::unique_ptr<ControlServer>> Start(ControlServerOptions opts, Handler handler);
  ~ControlServer();  // Stop()
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Closes the socket, joins the thread and removes the socket file. Idempotent.
  void Stop();
  const std::string& path() const;

  struct Impl;  // Boost.Asio state, kept out of this header

 private:
  explicit ControlServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice
