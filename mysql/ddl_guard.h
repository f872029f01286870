// The concurrent-DDL guard of one shadow copy. From the moment the copy
// triggers exist until the RENAME, another session may ALTER, TRUNCATE or
// RENAME the original, or drop the shadow or a trigger; a swap after that
// would silently lose the change (or bring back a dropped column), and
// triggers naming a dropped column make every application write fail.
//
// The guard knows the original's definition from before the shadow was made
// of it, and the shadow's shape. Check() compares them with what the server
// has now (cheap: two SHOW CREATE TABLE and two information_schema reads).
// Watch() runs Check() about once a second on its own session; on a change
// it drops the copy triggers at once (so application writes work again) and
// stops the copy through `control`. The cut-over makes the last Check()
// while it holds the tables locked (mysql/cut_over.h), so nothing slips in
// between the last check and the RENAME.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "engine/db/session_factory.h"
#include "engine/exec/run_control.h"
#include "mysql/cut_over.h"
#include "mysql/table_definition.h"

namespace sluice::mysql {

class DdlGuard {
 public:
  // `triggers`: the copy triggers are part of what is watched (not with
  // the binlog capture, which has none).
  DdlGuard(ShadowNames names, TableDefinition original, std::string shadow_shape,
           CutOverOptions lock_opts, bool triggers = true);
  ~DdlGuard();
  DdlGuard(const DdlGuard&) = delete;
  DdlGuard& operator=(const DdlGuard&) = delete;

  // What changed, naming the table and the column / index / trigger; empty
  // when nothing did.
  Result<std::string> Check(Session& s) const;

  // Checks every `interval` until Unwatch(); see above.
  void Watch(SessionFactory& sessions, RunControl& control, std::chrono::milliseconds interval);
  void Unwatch();

  // The change Watch() found (empty: none), and when it dropped the triggers.
  std::string change() const;
  std::chrono::steady_clock::time_point detected_at() const;

  // The error a found change ends the step with (exit 1).
  Error ChangeError(const std::string& change) const;

 private:
  void Loop(SessionFactory& sessions, RunControl& control, std::chrono::milliseconds interval);

  ShadowNames names_;
  TableDefinition original_;
  std::string shadow_shape_;
  CutOverOptions lock_opts_;
  bool triggers_ = true;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::string change_;
  std::chrono::steady_clock::time_point detected_at_{};
  std::thread thread_;
};

}  // namespace sluice::mysql
