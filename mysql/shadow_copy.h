// The shadow-copy strategy: build `t_sluice_new` with the change applied, mirror
// writes into it (triggers, or the binary log: mysql/binlog_capture.h), copy the rows in parallel keyset chunks (the
// engine's data-step executor, with checkpoints), add the deferred secondary
// indexes, verify with a chunked checksum, then swap atomically.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "engine/dialect.h"
#include "mysql/alter_spec.h"
#include "mysql/binlog_capture.h"
#include "mysql/cut_over.h"
#include "mysql/ddl_guard.h"
#include "mysql/shadow_copy_plan.h"
#include "mysql/index_lines.h"
#include "mysql/table_checksum.h"

namespace sluice::mysql {

struct ShadowCopyOptions {
  int workers = 4;         // parallel copy workers
  int batch_size = 0;  // rows per copy chunk: N fixed, 0 auto (the data step engine's batch-size=auto)
  bool postpone_cut_over = false;
  bool keep_old_table = false;
  bool drop_swap = false;  // --foreign-keys drop-swap: DropSwapCutOver instead of CutOver
  bool resume = false;     // t_sluice_new and its capture exist from a stopped run
  // How the application's writes reach the shadow: "triggers", "binlog", or
  // "auto" (the binary log where triggers could cost the application a
  // deadlock: an AUTO_INCREMENT table under innodb_autoinc_lock_mode other
  // than 2, on MariaDB with a usable ROW binlog; else triggers).
  std::string capture = "auto";
  CutOverOptions cut_over;
  ChecksumOptions checksum;
  std::chrono::milliseconds ddl_check_interval{1000};  // the concurrent-DDL guard's period
};

class ShadowCopy : public SchemaChange {
 public:
  ShadowCopy(Dialect& dialect, SessionFactory& sessions, SchemaChangeRequest req, AlterSpec spec,
             TableInfo table, ShadowNames names, ShadowCopyOptions opts, std::string reason);

  std::string Strategy() const override { return "copy"; }
  std::string Reason() const override { return reason_; }
  std::vector<std::string> OfflineSql() const override;
  Status Run(RunControl& control, ProgressReporter& progress) override;

 private:
  Status RunSteps(RunControl& control, ProgressReporter& progress);
  Status TakeBaseline(Session& s);
  Status StartGuard(Session& s, RunControl& control);
  Status GuardedError(const Status& st);
  Status DdlFailure(const std::string& change);
  Status CreateShadow(Session& s);
  Status PlanCopy(Session& s);
  Status DeferIndexes(Session& s);
  Status EnsureCapture(Session& s, RunControl& control);
  Status StartBinlogCapture(Session& s, RunControl& control);
  Status CheckBinlogResume(Session& s);
  Status PickCheckpointKey(Session& s);
  Status CopyRows(const ServerInfo& server, RunControl& control, ProgressReporter& progress);
  Status AddDeferredIndexes(Session& s, RunControl& control, ProgressReporter& progress);
  Status Verify(Session& s, RunControl& control, ProgressReporter& progress);
  Status IndexAndVerify(Session& s, RunControl& control, ProgressReporter& progress);
  Status WaitForCutOver(RunControl& control, ProgressReporter& progress);
  Status DuplicatesError(Session& s, const Error& cause);
  // `rows_per_s` > 0 also gives the ETA against the row estimate.
  void Publish(ProgressReporter& progress, const std::string& phase, uint64_t rows_done = 0,
               double rows_per_s = 0);
  // The table's rows: the estimate, then the checksum's exact count.
  uint64_t Rows() const;

  Dialect& dialect_;
  SessionFactory& sessions_;
  SchemaChangeRequest req_;
  AlterSpec spec_;
  TableInfo table_;
  ShadowNames names_;
  ShadowCopyOptions opts_;
  std::string reason_;
  CopyPlan plan_;
  std::vector<IndexDefinition> deferred_;
  std::string checkpoint_key_;  // the copy's checkpoints: this shadow's own
  TableDefinition baseline_;    // the original's definition the shadow was made from
  std::unique_ptr<DdlGuard> guard_;
  bool binlog_ = false;                     // the binlog capture, not triggers
  std::unique_ptr<BinlogCapture> capture_;  // while binlog_
  std::string capture_token_;               // names this capture's checkpoints
  BinlogPosition resume_from_;              // a stopped binlog capture's applied position
  std::unique_ptr<SessionFactory> capture_sessions_;
  bool ddl_failed_ = false;  // the step fails: clean up, do not keep for a resume
  bool swapped_ = false;
  std::atomic<uint64_t> rows_checked_{0};  // set by the checksum (the index build reads it)
};

}  // namespace sluice::mysql
