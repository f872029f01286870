#include "engine/exec/signal_handler.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "engine/exec/run_control.h"
#include "engine/log.h"

namespace sluice {
namespace {

constexpr int kAbortedExit = 3;  // ExitCode::kAborted
constexpr char kQuit = 'q';      // tells the watcher thread to end

std::atomic<int> g_signals{0};
std::atomic<int> g_pipe_write{-1};

// Async-signal-safe: count, then either wake the watcher or leave at once.
void OnSignal(int sig) {
  if (g_signals.fetch_add(1) >= 1) {
    static const char kMsg[] = "\nsecond signal: exiting now (checkpoints keep the run resumable)\n";
    ssize_t ignored = ::write(STDERR_FILENO, kMsg, sizeof(kMsg) - 1);
    (void)ignored;
    ::_exit(kAbortedExit);
  }
  char c = static_cast<char>(sig);
  int fd = g_pipe_write.load();
  if (fd >= 0) {
    ssize_t ignored = ::write(fd, &c, 1);
    (void)ignored;
  }
}

}  // namespace

struct StopSignalHandler::Impl {
  RunControl& control;
  int pipe_fd[2] = {-1, -1};
  struct sigaction old_int {}, old_term {};
  std::thread watcher;

  explicit Impl(RunControl& c) : control(c) {}

  void Watch() {
    char c = 0;
    while (true) {
      ssize_t n = ::read(pipe_fd[0], &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || c == kQuit) return;
      // Logging and locking are not allowed in a signal handler; here they are.
      spdlog::warn("received {}: no new batches; running batches finish and commit, then the run "
                   "stops (exit 3, resumable). Send it again to exit at once.",
                   c == SIGINT ? "SIGINT" : "SIGTERM");
      control.RequestStop();
    }
  }
};

StopSignalHandler::StopSignalHandler(RunControl& control) : impl_(std::make_unique<Impl>(control)) {
  if (::pipe2(impl_->pipe_fd, O_CLOEXEC) != 0) {
    spdlog::error("signal handler: pipe failed: {}", std::strerror(errno));
    return;
  }
  g_signals.store(0);
  g_pipe_write.store(impl_->pipe_fd[1]);
  impl_->watcher = std::thread([this] { impl_->Watch(); });
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &sa, &impl_->old_int);
  ::sigaction(SIGTERM, &sa, &impl_->old_term);
}

StopSignalHandler::~StopSignalHandler() {
  if (impl_->pipe_fd[1] < 0) return;
  ::sigaction(SIGINT, &impl_->old_int, nullptr);
  ::sigaction(SIGTERM, &impl_->old_term, nullptr);
  g_pipe_write.store(-1);
  char c = kQuit;
  ssize_t ignored = ::write(impl_->pipe_fd[1], &c, 1);
  (void)ignored;
  if (impl_->watcher.joinable()) impl_->watcher.join();
  ::close(impl_->pipe_fd[0]);
  ::close(impl_->pipe_fd[1]);
}

}  // namespace sluice
