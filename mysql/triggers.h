// The triggers that mirror writes on t into its shadow `_t_new` while the
// copy runs: AFTER INSERT and UPDATE replace the row by key, AFTER DELETE
// deletes it; an UPDATE that changes the key first deletes the old key.
#pragma once

#include <string>
#include <vector>

#include "engine/db/session.h"
#include "mysql/shadow_copy_plan.h"

namespace sluice::mysql {

// CREATE TRIGGER statements, insert / update / delete. They must be created
// under kCopySqlMode: a trigger runs with the sql_mode it was created with.
std::vector<std::string> CreateTriggerSql(const CopyPlan& p);
// DROP TRIGGER IF EXISTS for the three.
std::vector<std::string> DropTriggerSql(const ShadowNames& n);

// Names of the triggers on `table` (information_schema.TRIGGERS).
Result<std::vector<std::string>> ListTriggers(Session& s, const TableRef& table);

// Creates the three (dropping any half-created set first on failure).
Status InstallTriggers(Session& s, const CopyPlan& p);

}  // namespace sluice::mysql
