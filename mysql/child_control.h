// A RunControl of its own for one shadow copy, fed from the run's control:
// the operator's commands (pause, resume, set, cut-over, stop, abort) are
// relayed to it every 2 ms (a stop may let one more chunk start), and the concurrent-DDL guard can
// stop the copy through it without the run counting as stopped by the operator (which would mean
// exit 3 and a resumable copy; a changed table means a failed step, exit 1, and nothing left
// behind).
#pragma once

#include <atomic>
#include <thread>

#include "engine/exec/run_control.h"

namespace sluice::mysql {

class ChildControl {
 public:
  explicit ChildControl(RunControl& parent);
  ~ChildControl();
  ChildControl(const ChildControl&) = delete;
  ChildControl& operator=(const ChildControl&) = delete;

  RunControl& control() { return child_; }

 private:
  void Relay();

  RunControl& parent_;
  RunControl child_;
  std::atomic<bool> done_{false};
  std::thread relay_;
};

}  // namespace sluice::mysql
