// The application's own triggers on a table being shadow-copied. They stay on
// the live table during the copy (the copy triggers are AFTER triggers added
// after them, so they run last and mirror each row as the user's BEFORE
// triggers left it; the copy's INSERT ... SELECT into the shadow fires none of
// the user's). At the cut-over, with the tables locked, they move to the
// shadow that is about to become the table: same names, timing, event,
// order, body, definer, sql_mode and character set.
#pragma once

#include <string>
#include <vector>

#include "engine/db/session.h"
#include "mysql/shadow_copy_plan.h"

namespace sluice::mysql {

struct UserTrigger {
  std::string name;
  std::string timing;   // BEFORE | AFTER
  std::string event;    // INSERT | UPDATE | DELETE
  std::string body;     // ACTION_STATEMENT
  std::string definer;  // user@host
  std::string sql_mode;
  std::string charset_client;
  std::string collation_connection;
};

// The user's triggers on `table`, in firing order (copy triggers left out).
// Fails, naming it, for a user trigger that has a copy trigger's name.
Result<std::vector<UserTrigger>> ListUserTriggers(Session& s, const TableRef& table,
                                                  const ShadowNames& n);

// CREATE DEFINER=... TRIGGER ... ON `on` FOR EACH ROW body
std::string CreateUserTriggerSql(const UserTrigger& t, const TableRef& on);

// Drops each of `triggers` from its table and creates it on `to`, in order,
// under its own sql_mode and character set; the session's are restored. On a
// failure the ones already moved go back, so each trigger ends on one table.
Status MoveUserTriggers(Session& s, const std::vector<UserTrigger>& triggers, const TableRef& to,
                        const TableRef& back);

// The move drops each trigger before creating it again, and names are unique
// per schema, so a kill in between would lose it. Before the move, their
// definitions are journaled in `checkpoint_table` under the step's key (seq
// -100, -101, ...; hex-encoded: names may not fit the column's charset);
// RestoreJournaledTriggers re-creates on `on` each journaled trigger that
// exists nowhere, and ClearJournal forgets them.
Status JournalUserTriggers(Session& s, const std::string& checkpoint_table,
                           const std::string& revision, int step,
                           const std::vector<UserTrigger>& triggers);
Status RestoreJournaledTriggers(Session& s, const std::string& checkpoint_table,
                                const std::string& revision, int step, const TableRef& on);

}  // namespace sluice::mysql
