// The migrator lock: GET_LOCK('sluice:<schema>') on a session kept open for
// the whole run, plus a row in the lock table naming the holder (host/pid), so
// that a second migrator can say who holds it.
#pragma once

#include <memory>
#include <string>

#include "engine/db/session.h"
#include "engine/state/state_tables.h"
#include "engine/status.h"

namespace sluice {

class MigratorLock {
 public:
  // Takes the lock for the session's current database, waiting up to
  // `wait_seconds` (0: fail at once). When another migrator holds it the
  // error has ExitCode::kLockHeld and names the holder. The session must
  // stay open (and unused by others) while the lock is held.
  //
  // A holder that is gone (killed with kill -9 just before a rerun: its pid
  // no longer runs on this host, or its connection has left the processlist,
  // or it never wrote its row) but whose lock the server has not released yet
  // is waited for, up to `gone_holder_wait_seconds` more, and the log says
  // so. A live holder still fails at once.
  static Result<std::unique_ptr<MigratorLock>> Acquire(Session& session, const StateTables& tables,
                                                       double wait_seconds,
                                                       double gone_holder_wait_seconds = 10);
  ~MigratorLock();
  MigratorLock(const MigratorLock&) = delete;
  MigratorLock& operator=(const MigratorLock&) = delete;

  // Releases the lock (also done by the destructor).
  Status Release();
  const std::string& name() const { return name_; }

  // The lock name for a schema: "sluice:<schema>", shortened with a hash to
  // the server's 64-character limit.
  static std::string LockName(const std::string& schema);

 private:
  MigratorLock(Session& s, StateTables t, std::string name)
      : s_(s), t_(std::move(t)), name_(std::move(name)) {}

  Session& s_;
  StateTables t_;
  std::string name_;
  bool held_ = true;
};

}  // namespace sluice
