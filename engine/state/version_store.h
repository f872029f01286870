// The version table: one row per applied head, as alembic_version.
#pragma once

#include <string>
#include <vector>

#include "engine/db/session.h"
#include "engine/state/state_tables.h"
#include "engine/status.h"

namespace sluice {

class VersionStore {
 public:
  VersionStore(Session& session, StateTables tables) : s_(session), t_(std::move(tables)) {}

  Status EnsureTable();
  // The applied heads (sorted); empty when the table does not exist yet.
  Result<std::vector<std::string>> Current();
  // Moves the rows from `from` to `to` (deletes the heads that went away,
  // inserts the new ones). Neither this nor Replace commits: the caller runs
  // them in one transaction (InTransaction) with the history row.
  Status Transition(const std::vector<std::string>& from, const std::vector<std::string>& to);
  // Replaces all rows with `heads` (stamp).
  Status Replace(const std::vector<std::string>& heads);

  // The SQL of the operations above, also for --sql offline mode.
  static std::string CreateTableSql(const StateTables& t);
  static std::vector<std::string> TransitionSql(const StateTables& t,
                                                const std::vector<std::string>& from,
                                                const std::vector<std::string>& to);
  static std::vector<std::string> ReplaceSql(const StateTables& t,
                                             const std::vector<std::string>& heads);

 private:
  Session& s_;
  StateTables t_;
};

}  // namespace sluice
