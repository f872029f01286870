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
#include <string>

#include "engine/db/session.h"
#include "engine/exec/run_control.h"

namespace sluice::mysql {

// Runs `lock_sql` (empty: the server has no NOWAIT) and then `body` in one
// transaction, retrying while a row is busy for up to 30 s; then (or without
// NOWAIT) `body` runs alone in a plain transaction that may wait. `body`
// gets whether the rows' locks are held (else its reads must lock). `what`
// names the work in the debug log.
Status RunLockFirst(Session& s, const std::string& lock_sql, RunControl& control,
                    const std::string& what, const std::function<Status(bool holding)>& body);

}  // namespace sluice::mysql
