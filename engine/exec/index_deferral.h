// Index deferral for data steps (defer-indexes=all | idx_a,idx_b): secondary
// indexes are recorded (DeferredIndexStore), then dropped, the step runs,
// and they are re-created online through the dialect. Meant for tables that
// do not serve reads yet (the target of a load): queries that use a dropped
// index get slow until it is back. Re-creation checks what exists, so it is
// safe to repeat after a crash at any point.
#pragma once

#include <string>
#include <vector>

#include "engine/dialect.h"
#include "engine/state/deferred_indexes.h"

namespace sluice {

// The indexes of `t` that `spec` names. "all": every secondary index except
// unique ones (they enforce constraints the load relies on) and `keep` (the
// chunk key's index). A named index must exist and be neither PRIMARY,
// unique, nor in `keep`; names already recorded by an earlier run (dropped
// then) are skipped here and picked up from the store.
Result<std::vector<DeferredIndex>> SelectDeferredIndexes(
    const TableInfo& t, const std::string& spec, const std::vector<std::string>& keep,
    const std::vector<DeferredIndex>& recorded);

class IndexDeferral {
 public:
  IndexDeferral(Dialect& dialect, DeferredIndexStore store)
      : dialect_(dialect), store_(std::move(store)) {}

  Status EnsureTable(Session& s) { return store_.EnsureTable(s); }
  Result<std::vector<DeferredIndex>> Recorded(Session& s) { return store_.Load(s); }

  // Records `indexes` (before anything is dropped), then drops every recorded
  // index that still exists on `t`.
  Status DropRecorded(Session& s, const TableInfo& t, const std::vector<DeferredIndex>& indexes);

  // Re-creates every recorded index that is missing, then forgets them.
  Status Restore(Session& s);

 private:
  Dialect& dialect_;
  DeferredIndexStore store_;
};

}  // namespace sluice
