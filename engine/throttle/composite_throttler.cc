#include "engine/throttle/composite_throttler.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "engine/log.h"

namespace sluice {
namespace {

std::vector<std::string> SplitLabels(const std::string& labels) {
  std::vector<std::string> out;
  std::stringstream in(labels);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

CompositeThrottler::CompositeThrottler(double check_interval_s, double critical_grace_s,
                                       MonotonicClock& clock)
    : check_interval_s_(check_interval_s), critical_grace_s_(critical_grace_s), clock_(clock) {}

void CompositeThrottler::Add(std::unique_ptr<ThrottleSignal> signal) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.push_back(Entry{std::move(signal), {}, -1});
  last_slow_read_ = -1;  // read the new signal on the next check
}

void CompositeThrottler::SetListener(Listener listener) {
  std::lock_guard<std::mutex> lock(mu_);
  listener_ = std::move(listener);
}

double CompositeThrottler::BatchTimeCeiling() const {
  std::lock_guard<std::mutex> lock(mu_);
  double ceiling = 0;
  for (const Entry& e : entries_) {
    const double c = e.signal->BatchTimeCeiling();
    if (c > 0 && (ceiling == 0 || c < ceiling)) ceiling = c;
  }
  return ceiling;
}

size_t CompositeThrottler::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

ThrottleDecision CompositeThrottler::Read(Entry& e, double now) {
  const std::string name = e.signal->Name();
  auto r = e.signal->Check();
  ThrottleDecision d;
  if (!r.ok()) {
    // An unreadable signal holds batches back: we cannot tell the server is fine.
    e.critical_since = -1;
    d.throttle = true;
    d.signal = name;
    d.reason = fmt::format("{}: cannot read: {}", name, r.error().message);
    return d;
  }
  d = *r;
  if (d.signal.empty()) d.signal = name;
  if (!d.abort) {
    e.critical_since = -1;
    return d;
  }
  if (e.critical_since < 0) e.critical_since = now;
  double held = now - e.critical_since;
  d.throttle = true;
  if (held >= critical_grace_s_) {
    d.reason += fmt::format(" (critical for {:.0f}s)", held);
  } else {
    d.abort = false;
    d.reason += fmt::format(" (critical: aborting in {:.0f}s if it stays)", critical_grace_s_ - held);
  }
  return d;
}

ThrottleDecision CompositeThrottler::Check() {
  Listener listener;
  std::map<std::string, double> added;
  ThrottleDecision next;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const double now = clock_.Now();
    const bool read_slow = last_slow_read_ < 0 || now - last_slow_read_ >= check_interval_s_;
    if (read_slow) last_slow_read_ = now;
    std::string reasons, labels;
    for (auto& e : entries_) {
      if (read_slow || e.signal->Cheap()) e.last = Read(e, now);
      next.lock_wait_s = std::max(next.lock_wait_s, e.last.lock_wait_s);
      if (e.last.shrink) {
        next.shrink = true;
        next.shrink_factor = std::min(next.shrink_factor, e.last.shrink_factor);
        next.shrink_reason = e.last.shrink_reason;
      }
      if (!e.last.throttle && !e.last.abort) continue;
      next.throttle = true;
      next.abort = next.abort || e.last.abort;
      reasons += (reasons.empty() ? "" : "; ") + e.last.reason;
      labels += (labels.empty() ? "" : ",") + e.last.signal;
    }
    next.reason = reasons;
    next.signal = labels;

    if (last_account_ >= 0 && decision_.throttle) {
      double dt = now - last_account_;
      for (const auto& label : SplitLabels(decision_.signal)) {
        throttled_s_[label] += dt;
        added[label] += dt;
      }
    }
    last_account_ = now;

    if (next.abort && !decision_.abort) {
      spdlog::error("critical load, aborting: {}", next.reason);
    } else if (next.throttle && (!decision_.throttle || next.signal != decision_.signal)) {
      spdlog::warn("throttling: {}", next.reason);
    } else if (!next.throttle && decision_.throttle) {
      spdlog::info("throttle released (was: {})", decision_.reason);
    }
    if (next.throttle || decision_.throttle) listener = listener_;
    decision_ = next;
  }
  if (listener) listener(next, added);
  return next;
}

ThrottleDecision CompositeThrottler::Last() const {
  std::lock_guard<std::mutex> lock(mu_);
  return decision_;
}

std::map<std::string, double> CompositeThrottler::ThrottledSeconds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return throttled_s_;
}

void CompositeThrottler::AddThrottledTime(const std::string& label, double seconds) {
  Listener listener;
  ThrottleDecision now;
  {
    std::lock_guard<std::mutex> lock(mu_);
    throttled_s_[label] += seconds;
    listener = listener_;
    now = decision_;
  }
  if (listener) listener(now, {{label, seconds}});
}

}  // namespace sluice
