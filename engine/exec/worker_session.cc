#include "engine/exec/worker_session.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "engine/db/error_classifier.h"
#include "engine/exec/own_connections.h"
#include "engine/exec/run_control.h"
#include "engine/log.h"

namespace sluice {

Result<Session*> WorkerSession::Get() {
  if (session_) return session_.get();
  SLUICE_ASSIGN(std::unique_ptr<Session> s, factory_.Open());
  for (const std::string& stmt : setup_) SLUICE_TRY(s->Exec(stmt));
  SLUICE_ASSIGN(ResultSet id, s->Query("SELECT CONNECTION_ID()"));
  if (!id.rows.empty() && id.rows[0][0]) {
    connection_id_ = std::stoull(*id.rows[0][0]);
    OwnConnections::Add(connection_id_);
  }
  session_ = std::move(s);
  return session_.get();
}

void WorkerSession::Drop() {
  if (connection_id_ != 0) OwnConnections::Remove(connection_id_);
  connection_id_ = 0;
  session_.reset();
}

ErrorClass ClassOf(const Dialect& d, const Error& e) {
  return e.code != 0 ? d.Classify(e.code) : e.cls;
}

Error StoppedError(const RunControl& control) {
  Error e;
  e.exit = ExitCode::kAborted;
  e.message = control.aborted() ? "aborted: " + control.abort_reason()
                                : "stopped by the operator; the step resumes from its checkpoint";
  return e;
}

namespace {

double Jitter() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.5, 1.5)(rng);
}

}  // namespace

Status RunWithRetry(WorkerSession& ws, const Dialect& dialect, const RetryPolicy& policy,
                    RunControl& control, const std::function<Status(Session&, int)>& op,
                    const std::function<void(ErrorClass, const Error&)>& on_retry) {
  const auto start = std::chrono::steady_clock::now();
  for (int attempt = 0;; ++attempt) {
    Status st;
    auto s = ws.Get();
    st = s.ok() ? op(**s, attempt) : Status(s.error());
    if (st.ok()) return st;
    const Error& e = st.error();
    if (IsConnectionLost(e.code) || !s.ok()) ws.Drop();
    const ErrorClass cls = ClassOf(dialect, e);
    if (cls != ErrorClass::kRetry) return st;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (attempt + 1 >= policy.max_attempts || elapsed >= policy.max_seconds) {
      Error out = e;
      out.cls = ErrorClass::kFatal;
      out.message =
          fmt::format("{} (gave up after {} attempts in {:.1f}s)", e.message, attempt + 1, elapsed);
      return out;
    }
    if (on_retry) on_retry(cls, e);
    const double backoff =
        std::min(policy.max_backoff_s, policy.base_backoff_s * (1 << std::min(attempt, 20))) *
        Jitter();
    spdlog::warn("retrying in {:.2f}s (attempt {} of {}): {}", backoff, attempt + 2,
                 policy.max_attempts, e.ToString());
    if (!control.SleepFor(std::chrono::milliseconds(static_cast<int>(backoff * 1000)))) {
      return StoppedError(control);
    }
  }
}

}  // namespace sluice
