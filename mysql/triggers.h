// The triggers that mirror writes on t into its shadow `t_sluice_new` while the
// copy runs: AFTER INSERT and UPDATE replace the row by key, AFTER DELETE
// deletes it; an UPDATE that changes the key first deletes the old key.
#pragma once

#include <string>
#include <vector>

#include "engine/db/session.h"
#include "engine/exec/run_control.h"
#include "mysql/shadow_copy_plan.h"

namespace sluice::mysql {

struct CutOverOptions;  // mysql/cut_over.h

// CREATE TRIGGER statements, insert / update / delete. They must be created
// under kCopySqlMode: a trigger runs with the sql_mode it was created with.
std::vector<std::string> CreateTriggerSql(const CopyPlan& p);
// DROP TRIGGER IF EXISTS for the three.
std::vector<std::string> DropTriggerSql(const ShadowNames& n);

// Names of the triggers on `table` (information_schema.TRIGGERS).
Result<std::vector<std::string>> ListTriggers(Session& s, const TableRef& table);

// Creates the three (dropping any half-created set on failure). Each needs
// the table's metadata lock: short waits, retried, as for the cut-over.
Status InstallTriggers(Session& s, const CopyPlan& p, const CutOverOptions& lock,
                       RunControl& control);

}  // namespace sluice::mysql
