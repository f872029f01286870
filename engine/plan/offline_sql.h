// --sql offline mode: the exact SQL an upgrade or downgrade would run, the
// version-table writes included, rendered without a database connection.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/dialect.h"
#include "engine/plan/plan.h"
#include "engine/revision/revision_graph.h"
#include "engine/state/state_tables.h"
#include "engine/status.h"

namespace sluice::plan {

struct OfflineRequest {
  Direction direction = Direction::kUp;
  // "TARGET" or "FROM:TO". Upgrades start at base unless FROM is given; a
  // downgrade needs FROM (there is no database to ask where it is).
  std::string range;
  RunDefaults defaults;
  StateTables tables;
};

// A script the mariadb / mysql client can run as is (statements containing
// ';' are wrapped in DELIMITER lines).
Result<std::string> RenderOfflineSql(const revision::RevisionGraph& graph, Dialect& dialect,
                                     const OfflineRequest& req);

}  // namespace sluice::plan
