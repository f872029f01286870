// A worker's own connection, reopened after it is lost, and the retry loop
// every batch-engine operation runs in: retryable errors back off with
// jitter (bounded attempts and time), a lost connection is reopened before
// the next attempt. Operations must be safe to repeat (idempotent, or
// checking their own earlier commit).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/db/session_factory.h"
#include "engine/dialect.h"
#include "engine/status.h"

namespace sluice {

class RunControl;

struct RetryPolicy {
  int max_attempts = 12;         // attempts per operation (first one included)
  double max_seconds = 120;      // give up once an operation has been retried this long
  double base_backoff_s = 0.05;  // first backoff; doubles per attempt
  double max_backoff_s = 2.0;    // backoff ceiling (before jitter)
};

class WorkerSession {
 public:
  WorkerSession(SessionFactory& factory, std::vector<std::string> setup)
      : factory_(factory), setup_(std::move(setup)) {}
  ~WorkerSession() { Drop(); }
  WorkerSession(const WorkerSession&) = delete;
  WorkerSession& operator=(const WorkerSession&) = delete;
  // The open session, connecting (and running the set-up) when needed. Its
  // connection id is in OwnConnections while it is open.
  Result<Session*> Get();
  // Forgets the connection (lost, or in an unknown state).
  void Drop();

 private:
  uint64_t connection_id_ = 0;  // 0: not known
  SessionFactory& factory_;
  std::vector<std::string> setup_;
  std::unique_ptr<Session> session_;
};

// The class of an error as the dialect sees it.
ErrorClass ClassOf(const Dialect& d, const Error& e);

// The error returned when the operator stopped or aborted the run.
Error StoppedError(const RunControl& control);

// Runs `op(session, attempt)` until it succeeds or fails for good. Retryable
// errors call `on_retry` and back off; shrink-batch and fatal errors are
// returned at once, as is StoppedError when the run stops during a backoff.
Status RunWithRetry(WorkerSession& ws, const Dialect& dialect, const RetryPolicy& policy,
                    RunControl& control, const std::function<Status(Session&, int)>& op,
                    const std::function<void(ErrorClass, const Error&)>& on_retry = {});

}  // namespace sluice
