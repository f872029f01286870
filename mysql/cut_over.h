// The swap and the clean-up. Every statement here needs an exclusive
// metadata lock on the live table; while one waits, every new query on the
// table queues behind it. So each runs under a short lock_wait_timeout and is
// retried with backoff instead of waiting long.
#pragma once

#include <string>
#include <vector>

#include "engine/db/session.h"
#include "engine/exec/run_control.h"
#include "mysql/shadow_copy_plan.h"

namespace sluice::mysql {

struct CutOverOptions {
  int lock_wait_timeout_s = 2;  // per attempt: how long writers may queue behind us
  int attempts = 8;             // before giving up
  int backoff_ms = 250;         // first pause between attempts; doubles, capped at 4 s
};

// RENAME TABLE t TO _t_old, _t_new TO t
std::string CutOverSql(const ShadowNames& n);

// Runs `sql` under the short lock wait, retrying lock-wait timeouts (1205)
// and deadlocks. `what` names the operation in messages.
Status ExecWithShortLock(Session& s, const std::string& sql, const CutOverOptions& opts,
                         RunControl& control, const std::string& what);

// The atomic swap. Either both renames happen or neither.
Status CutOver(Session& s, const ShadowNames& n, const CutOverOptions& opts, RunControl& control);

// After the swap: drops the triggers (now on _t_old) and, unless kept, _t_old.
Status FinishCutOver(Session& s, const ShadowNames& n, bool keep_old_table,
                     const CutOverOptions& opts, RunControl& control);

// Removes what a shadow copy left before its swap: triggers first (writes to
// t would fail without their target), then _t_new. On failure the message
// carries the SQL to finish by hand.
Status CleanUpShadow(Session& s, const ShadowNames& n, const CutOverOptions& opts);

// The statements CleanUpShadow runs, for messages and --sql.
std::vector<std::string> CleanUpSql(const ShadowNames& n);

}  // namespace sluice::mysql
