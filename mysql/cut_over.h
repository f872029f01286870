// The swap and the clean-up. Every statement here needs an exclusive
// metadata lock on the live table; while one waits, every new query on the
// table queues behind it. So each runs under a short lock_wait_timeout and is
// retried with backoff instead of waiting long.
//
// The swap is made so that no DDL can slip in between the last look at the
// tables and the RENAME (MariaDB refuses RENAME TABLE under LOCK TABLES, and
// two ALTER ... RENAME would leave a moment without the table):
//   1. a sentry table takes the name `t_sluice_old`, so the RENAME fails while it
//      exists (also when sluice dies holding the lock: nothing is swapped);
//   2. session A: LOCK TABLES t, t_sluice_new, t_sluice_old WRITE; the check (the
//      concurrent-DDL guard's) runs with the tables locked;
//   3. session B: the RENAME, which queues behind A's lock;
//   4. A sees B waiting, and no other session's DDL waiting ahead of it;
//      drops the sentry and unlocks. B's RENAME is granted first (exclusive
//      requests go before the application's and queue in order), and a DDL
//      that arrives later applies to the new table.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/db/session.h"
#include "engine/db/session_factory.h"
#include "engine/exec/run_control.h"
#include "mysql/shadow_copy_plan.h"

namespace sluice::mysql {

struct CutOverOptions {
  int lock_wait_timeout_s = 2;  // per attempt: how long writers may queue behind us
  int attempts = 8;             // before giving up
  int backoff_ms = 250;         // first pause between attempts; doubles, capped at 4 s
};

// RENAME TABLE t TO t_sluice_old, t_sluice_new TO t
std::string CutOverSql(const ShadowNames& n);

// Runs `sql` under the short lock wait, retrying lock-wait timeouts (1205)
// and deadlocks. `what` names the operation in messages.
Status ExecWithShortLock(Session& s, const std::string& sql, const CutOverOptions& opts,
                         RunControl& control, const std::string& what);

// Retries `attempt` while it fails on a lock wait (1205) or a deadlock, with
// the backoff of `opts`; `what` names the operation in messages.
Status RetryLockWaits(const CutOverOptions& opts, RunControl& control, const std::string& what,
                      const std::function<Status()>& attempt);

// What the cut-over does with the tables locked. `check`: an error (kept as
// it is, not retried) when the swap must not happen. `prepare`: right before
// the swap is let through (moving the user's triggers to the shadow); `undo`
// reverses it when the swap does not happen after all.
struct CutOverHooks {
  std::function<Status(Session&)> check;
  std::function<Status(Session&)> prepare;
  std::function<Status(Session&)> undo;
};

// The atomic swap, as above. Either both renames happen or neither.
Status CutOver(SessionFactory& sessions, Session& s, const ShadowNames& n,
               const CutOverOptions& opts, RunControl& control, const CutOverHooks& hooks);

// --foreign-keys drop-swap (pt-online-schema-change's drop_swap), for a
// table other tables reference: with t and t_sluice_new locked, after the hooks'
// check and prepare, and with foreign_key_checks off for this one session,
// DROP TABLE t, then ALTER TABLE t_sluice_new RENAME TO t; the children's keys then
// resolve to the new table by its name. The risk: between the two statements
// no table t exists, and application statements on it fail (1146); if the
// rename fails, the original is gone and the error says how to rename the
// shadow by hand. No t_sluice_old is left.
Status DropSwapCutOver(Session& s, const ShadowNames& n, const CutOverOptions& opts,
                       RunControl& control, const CutOverHooks& hooks);

// The rename that finishes a drop-swap (also by a rerun after a kill left
// only t_sluice_new).
Status RenameShadowIntoPlace(Session& s, const ShadowNames& n);

// The sentry's CREATE TABLE, and whether `t_sluice_old` is a sentry (a run killed
// in its cut-over leaves one: nothing was swapped, drop it).
std::string CreateSentrySql(const ShadowNames& n);
Result<bool> IsSentry(Session& s, const ShadowNames& n);

// After the swap: drops the triggers (now on t_sluice_old) and, unless kept, t_sluice_old.
Status FinishCutOver(Session& s, const ShadowNames& n, bool keep_old_table,
                     const CutOverOptions& opts, RunControl& control);

// Removes what a shadow copy left before its swap: triggers first (writes to
// t would fail without their target), then t_sluice_new. On failure the message
// carries the SQL to finish by hand.
Status CleanUpShadow(Session& s, const ShadowNames& n, const CutOverOptions& opts);

// The statements CleanUpShadow runs, for messages and --sql.
std::vector<std::string> CleanUpSql(const ShadowNames& n);

}  // namespace sluice::mysql
