#include "tests/integration/progress_batch_loop.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/sql/quote.h"
#include "engine/throttle/clock.h"
#include "engine/throttle/throttle_wait.h"

namespace sluice::testing {

ProgressSnapshot BatchLoop::Snap(const BatchLoopOptions& opts, int batch_size) const {
  ProgressSnapshot s;
  s.revision = opts.revision;
  s.step = 1;
  s.step_kind = "data";
  s.table = opts.table;
  s.rows_done = rows_done_.load();
  s.rows_estimated = opts.wrap ? 0 : opts.rows;
  double elapsed = RealClock::Instance().Now() - start_;
  s.rows_per_s = elapsed > 0 ? static_cast<double>(s.rows_done) / elapsed : 0;
  if (s.rows_per_s > 0 && s.rows_estimated > s.rows_done) {
    s.eta_s = static_cast<double>(s.rows_estimated - s.rows_done) / s.rows_per_s;
  }
  s.batch_size = batch_size;
  s.workers = opts.workers;
  s.paused = control_.paused();
  if (throttler_ != nullptr) {
    ThrottleDecision d = throttler_->Check();
    s.throttled = d.throttle;
    s.throttle_reason = d.reason;
  }
  return s;
}

Status BatchLoop::Worker(const BatchLoopOptions& opts) {
  SLUICE_ASSIGN(auto session, sessions_.Open());
  while (!control_.stopping()) {
    if (throttler_ != nullptr && !WaitUntilClear(*throttler_, control_)) break;
    if (!control_.WaitWhilePaused()) break;
    const int size = control_.batch_size() > 0 ? control_.batch_size() : opts.batch_size;
    uint64_t lo = next_id_.fetch_add(size);
    if (lo > opts.rows) {
      if (!opts.wrap) break;
      next_id_.store(1);  // approximate wrap-around is fine for a test load
      continue;
    }
    uint64_t hi = std::min<uint64_t>(lo + size - 1, opts.rows);
    if (bucket_ != nullptr) bucket_->Acquire(hi - lo + 1);
    if (control_.stopping()) break;
    const double t0 = RealClock::Instance().Now();
    SLUICE_ASSIGN(auto r, session->Exec(fmt::format(
                               "UPDATE {} SET v = v + 1 WHERE id BETWEEN {} AND {}",
                               sql::QuoteIdent(opts.table), lo, hi)));
    const double seconds = RealClock::Instance().Now() - t0;
    rows_done_ += r.affected_rows;
    ++batches_;
    last_batch_size_.store(size);
    BatchEvent e;
    e.seconds = seconds;
    e.rows = r.affected_rows;
    e.batch_size = size;
    progress_.Batch(Snap(opts, size), e);
    if (opts.pause_between_s > 0) {
      control_.SleepFor(std::chrono::milliseconds(static_cast<long>(opts.pause_between_s * 1000)));
    }
  }
  return Status::Ok();
}

Status BatchLoop::Run(const BatchLoopOptions& opts) {
  start_ = RealClock::Instance().Now();
  progress_.Snapshot(Snap(opts, opts.batch_size));
  std::mutex mu;
  Status first;
  std::vector<std::thread> threads;
  for (int i = 0; i < opts.workers; ++i) {
    threads.emplace_back([&] {
      Status st = Worker(opts);
      std::lock_guard<std::mutex> lock(mu);
      if (!st.ok() && first.ok()) first = st;
    });
  }
  for (auto& t : threads) t.join();
  Status end = first;
  if (end.ok() && control_.aborted()) end = RuntimeError(control_.abort_reason());
  progress_.Finish(Snap(opts, opts.batch_size), end);
  return first;
}

}  // namespace sluice::testing
