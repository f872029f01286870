// Lock-first transactions: how sluice's own writers make sure the
// application never waits in a cycle with them. The transaction (READ
// COMMITTED) first takes its source rows' locks with NOWAIT; while an
// application transaction holds one it rolls back and tries again a few
// jittered milliseconds later. Holding them, its writes wait for no
// application lock, so an application statement may wait for sluice (its
// latency), never deadlock with it. Used by the checksum's re-copy and the
// binlog capture's apply; the copy's chunks do the same in the data-step
// executor.
#pragma once

#include <functional>
#include <limits>
#include <string>

#include "engine/db/session.h"
#include "engine/exec/run_control.h"

namespace sluice::mysql {

// Runs `lock_sql` (empty: the server has no NOWAIT) and then `body` in one
// transaction, retrying while a row is busy; it never falls back to a read
// that waits while a lock is busy (warning every 30 s instead). After
// `budget_s` of busy rows it returns the lock error (NOWAIT's 1205/3572),
// for a caller that can split the work. `body` gets whether the rows' locks
// are held (else, without NOWAIT, its reads must lock). `what` names the
// work in the log.
Status RunLockFirst(Session& s, const std::string& lock_sql, RunControl& control,
                    const std::string& what, const std::function<Status(bool holding)>& body,
                    double budget_s = std::numeric_limits<double>::infinity());

}  // namespace sluice::mysql
