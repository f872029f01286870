// Graceful SIGINT/SIGTERM for a run: the first signal asks the run to stop
// (RunControl::RequestStop: no new batches, running ones commit, checkpoints
// stay, exit code 3); a second one exits at once with code 3 (the committed
// checkpoints still make the run resumable).
#pragma once

#include <memory>

namespace sluice {

class RunControl;

// Installs the handlers for its lifetime and restores the previous ones on
// destruction. One at a time per process.
class StopSignalHandler {
 public:
  explicit StopSignalHandler(RunControl& control);
  ~StopSignalHandler();
  StopSignalHandler(const StopSignalHandler&) = delete;
  StopSignalHandler& operator=(const StopSignalHandler&) = delete;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice
