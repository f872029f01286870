// A monotonic clock in seconds, behind an interface so that throttling and
// rate limiting can be tested with a fake one.
#pragma once

#include <atomic>
#include <chrono>
#include <thread>

namespace sluice {

class MonotonicClock {
 public:
  virtual ~MonotonicClock() = default;
  virtual double Now() = 0;               // seconds since an arbitrary epoch
  virtual void Sleep(double seconds) = 0;
};

class RealClock : public MonotonicClock {
 public:
  double Now() override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  void Sleep(double seconds) override {
    if (seconds > 0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  }
  static RealClock& Instance() {
    static RealClock clock;
    return clock;
  }
};

// Time only moves when told to (Sleep moves it too). For tests.
class FakeClock : public MonotonicClock {
 public:
  double Now() override { return now_.load(); }
  void Sleep(double seconds) override { Advance(seconds); }
  void Advance(double seconds) { now_.store(now_.load() + seconds); }

 private:
  std::atomic<double> now_{1000};
};

}  // namespace sluice
