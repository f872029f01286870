// Secondary indexes dropped for the duration of a data step (defer-indexes=),
// recorded in table sluice_deferred_index BEFORE they are dropped, so that a
// crash at any point leaves what is needed to re-create them: an index is
// never lost. Rows are deleted only after the index exists again.
#pragma once

#include <string>
#include <vector>

#include "engine/db/session.h"
#include "engine/schema/table_info.h"
#include "engine/status.h"

namespace sluice {

struct DeferredIndex {
  TableRef table;
  std::string name;
  std::string definition;  // as in SHOW CREATE TABLE: "KEY `idx_a` (`a`)"
};

class DeferredIndexStore {
 public:
  DeferredIndexStore(std::string table, std::string revision, int step);

  Status EnsureTable(Session& s) const;
  // The indexes this step recorded (and has not re-created yet).
  Result<std::vector<DeferredIndex>> Load(Session& s) const;
  // Records the definitions (one transaction; already recorded ones are kept).
  Status Record(Session& s, const std::vector<DeferredIndex>& indexes) const;
  // Forgets indexes that exist again.
  Status Forget(Session& s, const std::vector<DeferredIndex>& indexes) const;

 private:
  std::string table_;
  std::string revision_;
  int step_;
};

}  // namespace sluice
