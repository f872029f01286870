// The harm sluice's own batches do: application statements waiting for a
// row lock that one of sluice's transactions holds (InnoDB's lock-wait
// views; the blocker is ours when its connection id is in OwnConnections).
// Over --lock-wait-budget the decision asks auto-sized batches to shrink;
// at five times the budget it also holds new batches. Re-read at most every
// kIntervalS, so it is cheap for the composite to ask before each batch; the
// views themselves only while Innodb_row_lock_current_waits is above 0.
#pragma once

#include <memory>
#include <mutex>

#include "engine/db/session_factory.h"
#include "engine/throttle/throttler.h"

namespace sluice::mysql {

class LockWaitSignal : public ThrottleSignal {
 public:
  static constexpr double kIntervalS = 0.1;
  static constexpr double kHoldFactor = 5;

  LockWaitSignal(SessionFactory& sessions, double budget_s);
  std::string Name() const override { return "lock-wait"; }
  bool Cheap() const override { return true; }
  Result<ThrottleDecision> Check() override;

  // The longest current wait of a foreground statement on one of our
  // transactions, in seconds (one query).
  Result<double> Read();

 private:
  SessionFactory& sessions_;
  const double budget_s_;
  std::unique_ptr<Session> session_;
  std::mutex mu_;
  double last_read_ = -1;
  ThrottleDecision last_;
};

}  // namespace sluice::mysql
