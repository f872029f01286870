#include "mysql/child_control.h"

#include <chrono>

namespace sluice::mysql {

ChildControl::ChildControl(RunControl& parent) : parent_(parent) {
  Relay();  // start in the parent's state
  relay_ = std::thread([this] {
    while (!done_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      Relay();
    }
  });
}

ChildControl::~ChildControl() {
  done_.store(true);
  relay_.join();
}

void ChildControl::Relay() {
  if (parent_.aborted() && !child_.aborted()) child_.RequestAbort(parent_.abort_reason());
  if (parent_.stopping() && !child_.stopping()) child_.RequestStop();
  if (parent_.paused() != child_.paused()) parent_.paused() ? child_.Pause() : child_.Resume();
  if (parent_.cut_over_requested() && !child_.cut_over_requested()) child_.RequestCutOver();
  child_.SetBatchSize(parent_.batch_size());
  child_.SetWorkers(parent_.workers());
  child_.SetMaxRate(parent_.max_rate());
}

}  // namespace sluice::mysql
