#include "engine/exec/batch_executor.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <condition_variable>
#include <random>
#include <utility>  // before Boost.Asio (Boost 1.74 + C++20 + GCC 12)

#include "engine/exec/run_control.h"
#include "engine/log.h"
#include "engine/throttle/throttler.h"
#include "engine/throttle/token_bucket.h"

namespace sluice {
namespace {

using TimePoint = std::chrono::steady_clock::time_point;
TimePoint SteadyNow() { return std::chrono::steady_clock::now(); }

double Since(TimePoint t) { return std::chrono::duration<double>(SteadyNow() - t).count(); }

struct BatchResult {
  bool already_done = false;  // an earlier attempt had committed it
  uint64_t rows = 0;          // rows changed
};

// Lock-first: how long a batch keeps trying to take its range's row locks
// without waiting before it hands the error to the ordinary retry.
constexpr double kLockFirstBudgetS = 30;

// How a batch takes its row locks first (BatchSql::lock), retrying itself.
struct LockFirstPolicy {
  const Dialect* dialect = nullptr;
  RunControl* control = nullptr;
};

// One batch: the statement and the chunk's checkpoint in one transaction.
// A retry (attempt > 0) first locks the chunk's checkpoint row: if the
// earlier attempt's COMMIT went through (or is still in flight and then
// goes through), the batch is not applied again. With a lock statement the
// batch then locks its key range without waiting; when a row is locked (by
// the application) it rolls back, pauses a few jittered milliseconds and
// tries again, so it is never the one that makes the application wait in a
// cycle.
Status BatchTransaction(Session& s, const CheckpointStore& store, int attempt,
                        const BatchSql& sql, int64_t seq,
                        const std::function<uint64_t(uint64_t)>& keys_of,
                        const LockFirstPolicy& lock_first, BatchResult* out) {
  bool busy = false;  // the lock statement found a locked row
  auto body = [&]() -> Status {
    SLUICE_TRY(s.Exec("START TRANSACTION"));
    if (attempt > 0) {
      SLUICE_ASSIGN(bool done, store.LockAndCheckDone(s, seq));
      if (done) {
        out->already_done = true;
        return Status::Ok();
      }
    }
    if (!sql.lock.empty()) {
      auto locked = s.Query(sql.lock);
      if (!locked.ok()) {
        busy = ClassOf(*lock_first.dialect, locked.error()) == ErrorClass::kRetry;
        return locked.error();
      }
    }
    SLUICE_ASSIGN(ExecResult r, s.Exec(sql.statement));
    SLUICE_ASSIGN(ExecResult mark,
                  s.Exec(store.MarkDoneSql(seq, r.affected_rows, keys_of(r.affected_rows))));
    if (mark.affected_rows == 0) {
      out->already_done = true;
      return Status::Ok();
    }
    out->rows = r.affected_rows;
    return s.Exec("COMMIT").status();
  };
  const auto t0 = SteadyNow();
  thread_local std::mt19937 rng(std::random_device{}());
  Status st;
  for (int tries = 0;; ++tries) {
    *out = BatchResult{};
    busy = false;
    st = body();
    if (!busy || Since(t0) > kLockFirstBudgetS || lock_first.control->stopping()) break;
    SLUICE_TRY(s.Exec("ROLLBACK"));
    // 1, 2, 4 ... 32 ms, jittered: application statements are short.
    const int cap = 1 << std::min(tries, 5);
    const int ms = std::uniform_int_distribution<int>(1, cap)(rng);
    spdlog::debug("chunk {}: a row of its range is locked by another transaction ({}); "
                  "retrying in {} ms", seq, st.error().ToString(), ms);
    lock_first.control->SleepFor(std::chrono::milliseconds(ms));
  }
  if (!st.ok() || out->already_done) {
    auto rb = s.Exec("ROLLBACK");
    if (!st.ok()) return st;
    SLUICE_TRY(rb);
    SLUICE_ASSIGN(out->rows, store.DoneRows(s, seq));
  }
  return Status::Ok();
}

// The rate limit's burst after idle time: half a second of rows keeps every
// 5-second window within 10% of the rate, and covers a batch's own time.
constexpr double kRateBurstS = 0.5;

// State shared by the workers of one Run.
struct SharedRun {
  ChunkSource* source = nullptr;
  const BatchExecutor::Render* render = nullptr;
  chunk::AdaptiveBatchSize sizer;
  TokenBucket bucket;
  std::mutex mu;
  std::optional<Error> first_error;
  std::atomic<bool> failed{false};
  std::string throttle_reason;  // last logged, to log each change once
  // Workers parked by `set workers=N` wait here; a worker that ends (the
  // walk is over, or the run failed or stops) wakes them, so that the step
  // ends with its last batch and not up to a poll later.
  std::condition_variable parked;
  int workers_ended = 0;

  void WorkerEnded() {
    {
      std::lock_guard<std::mutex> lock(mu);
      ++workers_ended;
    }
    parked.notify_all();
  }
  // Until another worker ends after `*seen` had, or `d` (to see a new `set
  // workers`) passes.
  void Park(std::chrono::milliseconds d, int* seen) {
    std::unique_lock<std::mutex> lock(mu);
    parked.wait_for(lock, d, [&] { return workers_ended > *seen; });
    *seen = workers_ended;
  }

  SharedRun(const chunk::AdaptiveBatchOptions& sizing, double max_rate, RunControl* control)
      : sizer(sizing), bucket(TokenBucketOptions{max_rate, kRateBurstS}, control) {}

  void Fail(const Error& e) {
    std::lock_guard<std::mutex> lock(mu);
    if (!first_error) first_error = e;
    failed.store(true);
  }
};

}  // namespace

class BatchExecutor::Worker {
 public:
  Worker(BatchExecutor& ex, SharedRun& sh, int index)
      : ex_(ex), sh_(sh), index_(index), ws_(ex.sessions_, ex.opts_.session_setup) {}

  void Run() {
    Loop();
    sh_.WorkerEnded();
  }

 private:
  void Loop() {
    while (!sh_.failed.load() && !ex_.control_.stopping()) {
      const int active = ex_.ActiveWorkers();
      if (index_ >= active) {  // parked by `set workers=N`
        if (sh_.source->Walked()) return;
        sh_.Park(std::chrono::milliseconds(200), &ends_seen_);
        continue;
      }
      if (!WaitForTurn()) return;
      const int rows = sh_.sizer.Next(Overrides());
      const double waited = sh_.bucket.Acquire(static_cast<uint64_t>(rows));
      if (waited > 0) {
        ex_.progress_.Throttle("rate", fmt::format("max-rate {:.0f} rows/s", sh_.bucket.rate()),
                               waited / active);
      }
      // A pause or stop during the rate wait: the paid rows wait for the
      // resume (WaitForTurn returns at once when not paused).
      if (!WaitForTurn()) return;

      InFlight running(ex_.control_, ex_.progress_);
      std::optional<WorkItem> item;
      Status st = Retry([&](Session& s, int) -> Status {
        SLUICE_ASSIGN(item, sh_.source->Next(s, index_, active, rows));
        return Status::Ok();
      });
      if (!st.ok()) return Fail(st);
      if (!item) return;  // every interval is walked
      st = RunChunk(*item, active);
      if (!st.ok()) return Fail(st);
    }
  }

  // Brackets one batch for RunControl::State ("pausing" until the batches
  // in flight end); the last one to end publishes the settled state.
  class InFlight {
   public:
    InFlight(RunControl& c, StepProgress& p) : c_(c), p_(p) { c_.BatchStarted(); }
    ~InFlight() {
      c_.BatchEnded();
      if (c_.paused() || c_.stopping()) p_.RunState(c_.State());
    }

   private:
    RunControl& c_;
    StepProgress& p_;
  };

  // The size and mode the next batch will have, for the progress.
  BatchSizeNow NowSize() const {
    const chunk::BatchOverrides o = Overrides();
    return {sh_.sizer.Next(o), chunk::BatchModeName(sh_.sizer.Mode(o.batch_size))};
  }

  chunk::BatchOverrides Overrides() const {
    const RunControl& c = ex_.control_;
    return {c.batch_size(), c.min_batch_size(), c.max_batch_size(), sh_.bucket.rate()};
  }

  Status Retry(const std::function<Status(Session&, int)>& op) {
    return RunWithRetry(ws_, ex_.dialect_, ex_.opts_.retry, ex_.control_, op,
                        [&](ErrorClass c, const Error& e) { ex_.progress_.Retry(c, e); });
  }

  void Fail(const Status& st) {
    if (ex_.control_.stopping() && st.error().exit == ExitCode::kAborted) return;
    sh_.Fail(st.error());
  }

  // Waits while paused or throttled; false when the run must stop.
  bool WaitForTurn() {
    RunControl& control = ex_.control_;
    if (control.paused()) {
      ex_.progress_.RunState(control.State());
      if (!control.WaitWhilePaused()) return false;
      ex_.progress_.RunState(control.State());
    }
    while (true) {
      if (sh_.failed.load()) return false;  // another worker's error ends the run
      ThrottleDecision d = ex_.throttler_.Check();
      // The application waits on our batches beyond its budget: smaller ones.
      if (d.shrink) sh_.sizer.Pressure(d.shrink_factor);
      ex_.progress_.LockWait(d.lock_wait_s, d.shrink ? d.shrink_reason : "");
      if (d.abort) {
        spdlog::error("aborting the data step: {}", d.reason);
        control.RequestAbort(d.reason);
        return false;
      }
      if (!d.throttle) {
        ex_.progress_.Unthrottle();
        return true;
      }
      LogThrottle(d.reason);
      if (!control.SleepFor(std::chrono::milliseconds(250))) return false;
      // The throttler itself accounts the time per reason (sluice_throttle_
      // seconds_total); here only the snapshot's state changes.
      ex_.progress_.Throttle(d.signal.empty() ? "throttle" : d.signal, d.reason, 0);
    }
  }

  void LogThrottle(const std::string& reason) {
    std::lock_guard<std::mutex> lock(sh_.mu);
    if (sh_.throttle_reason == reason) return;
    sh_.throttle_reason = reason;
    spdlog::info("throttled: {}", reason);
  }

  Status RunChunk(const WorkItem& item, int active) {
    const chunk::Chunk& c = item.chunk;
    const BatchSql sql = (*sh_.render)(c.range);
    // A last chunk has at most c.rows keys; what it changed is the best guess.
    auto keys_of = [&c](uint64_t changed) -> uint64_t {
      return c.last ? std::min<uint64_t>(changed, c.rows) : static_cast<uint64_t>(c.rows);
    };
    BatchResult res;
    int attempts = 0;
    const auto t0 = SteadyNow();
    Status st = Retry([&](Session& s, int attempt) {
      attempts = attempt + 1;
      return BatchTransaction(s, ex_.store_, attempt, sql, item.seq, keys_of,
                              {&ex_.dialect_, &ex_.control_}, &res);
    });
    const double secs = Since(t0);
    BatchEvent ev;
    ev.seconds = secs;
    ev.batch_size = c.rows;
    if (st.ok()) {
      if (res.already_done) {
        spdlog::info(
            "chunk {} had already committed before the connection was lost; "
            "not applying it again",
            item.seq);
      } else if (!c.last && attempts == 1) {  // backoffs would distort the timing
        sh_.sizer.Observe(c.rows, secs);
      }
      ev.rows = res.rows;
      ex_.progress_.Batch(ev, keys_of(res.rows), NowSize(), active);
      return Status::Ok();
    }
    if (ClassOf(ex_.dialect_, st.error()) != ErrorClass::kShrinkBatch) {
      ev.outcome = BatchOutcome::kFailed;
      ex_.progress_.Batch(ev, 0, NowSize(), active);
      return st;
    }
    ev.outcome = BatchOutcome::kShrink;
    ex_.progress_.Batch(ev, 0, NowSize(), active);
    if (c.rows <= 1) {
      Error e = st.error();
      e.cls = ErrorClass::kFatal;
      e.message = "a batch of one row is still too large for the server: " + e.message;
      return e;
    }
    sh_.sizer.Shrink(c.rows);
    spdlog::warn("batch of {} rows too large ({}); splitting it", c.rows, st.error().ToString());
    const int64_t seq = sh_.source->AllocateSeq();
    return Retry([&](Session& s, int) { return sh_.source->Requeue(s, item, seq, c.rows / 2); });
  }

  BatchExecutor& ex_;
  SharedRun& sh_;
  const int index_;
  int ends_seen_ = 0;  // SharedRun::workers_ended when this worker last parked
  WorkerSession ws_;
};

BatchExecutor::BatchExecutor(const Dialect& dialect, SessionFactory& sessions, RunControl& control,
                             Throttler& throttler, const CheckpointStore& store,
                             StepProgress& progress, BatchExecutorOptions opts)
    : dialect_(dialect),
      sessions_(sessions),
      control_(control),
      throttler_(throttler),
      store_(store),
      progress_(progress),
      opts_(std::move(opts)) {
  opts_.workers = std::max(1, opts_.workers);
}

int BatchExecutor::ActiveWorkers() const {
  const int requested = control_.workers();
  return requested > 0 ? requested : opts_.workers;
}

Status BatchExecutor::Run(ChunkSource& source, const Render& render) {
  SharedRun sh(opts_.sizing, opts_.max_rate, &control_);
  sh.source = &source;
  sh.render = &render;
  // Room for `set workers=N` up to twice the configured count.
  const int pool_size = std::clamp(2 * opts_.workers, opts_.workers, 64);
  {
    boost::asio::thread_pool pool(static_cast<size_t>(pool_size));
    for (int i = 0; i < pool_size; ++i) {
      boost::asio::post(pool, [this, &sh, i] { Worker(*this, sh, i).Run(); });
    }
    pool.join();
  }
  if (sh.first_error) return *sh.first_error;
  if (control_.stopping()) return StoppedError(control_);
  if (!source.Walked()) return RuntimeError("batch workers ended with key ranges left to walk");
  return Status::Ok();
}

Status BatchExecutor::RunSingle(const std::string& sql) {
  WorkerSession ws(sessions_, opts_.session_setup);
  if (control_.paused() && !control_.WaitWhilePaused()) return StoppedError(control_);
  BatchResult res;
  const auto t0 = SteadyNow();
  Status st = RunWithRetry(
      ws, dialect_, opts_.retry, control_,
      [&](Session& s, int attempt) {
        return BatchTransaction(
            s, store_, attempt, BatchSql{"", sql}, /*seq=*/0, [](uint64_t rows) { return rows; },
            {&dialect_, &control_}, &res);
      },
      [&](ErrorClass c, const Error& e) { progress_.Retry(c, e); });
  BatchEvent ev;
  ev.seconds = Since(t0);
  ev.rows = res.rows;
  ev.outcome = st.ok() ? BatchOutcome::kOk : BatchOutcome::kFailed;
  progress_.Batch(ev, res.rows, {0, ""}, 1);
  return st;
}

}  // namespace sluice
