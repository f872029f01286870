// The harm sluice's own batches do: application statements waiting for a
// row lock that one of sluice's transactions holds (InnoDB's lock-wait
// views; the blocker is ours when its connection id is in OwnConnections).
// Over --lock-wait-budget the decision asks auto-sized batches to shrink;
// at five times the budget it also holds new batches.
//
// Workers ask between their batches, when their own locks are gone, so the
// views are sampled by a thread of the signal's own every kIntervalS while
// the batches run, and a check reports the worst wait seen since the last
// one. The views themselves are read only while Innodb_row_lock_current_waits
// is above 0 (reading them latches InnoDB's lock system).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/db/session_factory.h"
#include "engine/throttle/throttler.h"

namespace sluice::mysql {

class LockWaitSignal : public ThrottleSignal {
 public:
  static constexpr double kIntervalS = 0.05;
  static constexpr double kHoldFactor = 5;

  LockWaitSignal(SessionFactory& sessions, double budget_s);
  ~LockWaitSignal() override;
  std::string Name() const override { return "lock-wait"; }
  bool Cheap() const override { return true; }
  // Batches no longer than the budget: a wait on one lasts at most that.
  double BatchTimeCeiling() const override { return budget_s_; }
  // The worst wait sampled since the previous Check (the first one starts
  // the sampling and reads once itself). A failed sample counts as no wait.
  Result<ThrottleDecision> Check() override;

  // The longest current wait of a foreground statement on one of our
  // transactions, in seconds (one query, on the caller's thread).
  Result<double> Read();

 private:
  void Sample();
  ThrottleDecision Decide(double wait) const;

  SessionFactory& sessions_;
  const double budget_s_;
  std::unique_ptr<Session> session_;  // Read's; the sampler's once it runs
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  double worst_ = 0;            // since the last Check
  std::optional<Error> error_;  // the sampler's last failure, logged once
  bool unreadable_ = false;     // no privilege to read the views: only the ceiling
  std::thread sampler_;
};

}  // namespace sluice::mysql
