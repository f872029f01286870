// The binlog capture of a shadow copy: the changes the application commits
// to `t` while it is copied reach `t_sluice_new` from the binary log, as
// gh-ost and Spirit take them, instead of through triggers. The application
// never touches the shadow: its statements take no lock of the shadow's
// (under innodb_autoinc_lock_mode=1 a trigger's write takes the shadow's
// table-level AUTO-INC lock, and can lose a deadlock to a copy chunk).
//
// A reader thread streams the binary log from where the copy started and
// collects the keys of `t`'s changed rows, transaction by transaction. An
// apply thread re-copies those rows as they are now, lock-first
// (mysql/lock_first.h): DELETE them from the shadow, REPLACE ... SELECT them
// from `t`. Re-reading the row, not replaying the event, makes every apply
// idempotent: a key applied twice, or late, ends as `t` has it.
//
// CatchUp() waits until every change committed before it was called is in
// the shadow (the checksum calls it before each chunk). At the cut-over,
// Hold() parks the apply thread, and Drain() applies the rest through the
// session that holds the tables locked, up to the end of the binary log:
// with the writers locked out, nothing is missed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "engine/db/binlog_reader.h"
#include "engine/db/session_factory.h"
#include "engine/exec/run_control.h"
#include "mysql/binlog_rows.h"
#include "mysql/shadow_copy_plan.h"

namespace sluice::mysql {

// Why this server cannot feed a binlog capture, or "" when it can: the
// binary log off, not ROW, images not FULL, compressed.
Result<std::string> BinlogUnusable(Session& s);
// The end of the binary log now (SHOW MASTER STATUS).
Result<BinlogPosition> BinlogEnd(Session& s);
// Whether the file of `pos` is still on the server.
Result<bool> BinlogAvailable(Session& s, const BinlogPosition& pos);
// How the copy's key columns appear in the binlog, or why they cannot be
// decoded (naming the column).
Result<std::vector<BinlogKeyColumn>> BinlogKey(Session& s, const CopyPlan& p);

class BinlogCapture {
 public:
  // `record` saves the applied position (for a resume after a kill); called
  // on the apply thread's session about once a second.
  using Record = std::function<Status(Session&, const BinlogPosition&)>;
  BinlogCapture(Dsn dsn, SessionFactory& sessions, CopyPlan plan, std::vector<BinlogKeyColumn> key,
                std::string lock_clause, Record record);
  ~BinlogCapture();
  BinlogCapture(const BinlogCapture&) = delete;
  BinlogCapture& operator=(const BinlogCapture&) = delete;

  // Streams from `from` and applies until Stop(). A failure of either thread
  // stops the copy through `control` and is returned by the next call.
  Status Start(const BinlogPosition& from, RunControl& control);
  // Waits until every change committed before now is in the shadow; after
  // `max_wait_s` (0: no limit) fails with a lock-wait timeout (1205), for a
  // caller that holds locks the application may be waiting for.
  Status CatchUp(Session& s, RunControl& control, double max_wait_s = 0);
  // Parks the apply thread (between two rounds) / lets it go on.
  void Hold();
  void Release();
  // With the tables locked by `locked` (LOCK TABLES; no transaction may
  // start there): applies everything up to the end of the binary log. The
  // application waits meanwhile: after `max_wait_s` of reading the stream it
  // fails with a lock-wait timeout (1205), which the cut-over retries.
  Status Drain(Session& locked, RunControl& control, double max_wait_s);
  void Stop();

  Status failure() const;
  uint64_t rows_applied() const { return keys_applied_.load(); }

 private:
  void ReadLoop(RunControl& control);
  void ApplyLoop(RunControl& control);
  void Fail(const Error& e, RunControl& control);
  Status Apply(Session& s, const std::vector<KeyLiterals>& keys, bool locked, RunControl& control);
  Status WaitApplied(const BinlogPosition& to, RunControl& control, bool read_only,
                     double max_wait_s);
  // The table map names the copied table (case-folded where the server
  // folds table names).
  bool IsTable(const std::string& schema, const std::string& table) const;
  // A statement-logged change (a session's binlog_format=STATEMENT) that
  // names the table: the row capture cannot follow it.
  bool NamesTable(const std::string& statement) const;

  Dsn dsn_;
  SessionFactory& sessions_;
  CopyPlan plan_;
  std::vector<BinlogKeyColumn> key_;
  std::string lock_clause_;
  Record record_;
  // Replica ids, one per stream; used by Start, then by the reader thread.
  uint32_t NewServerId();
  std::mt19937 ids_;
  bool fold_names_ = false;  // lower_case_table_names is not 0

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::set<KeyLiterals> pending_;  // committed, not yet applied
  BinlogPosition read_;            // everything before it is in pending_ or applied
  BinlogPosition applied_;         // everything before it is in the shadow
  bool stop_ = false;
  bool hold_ = false;
  bool applying_ = false;
  std::optional<Error> failure_;
  std::atomic<uint64_t> keys_applied_{0};
  std::thread reader_, applier_;
};

}  // namespace sluice::mysql
