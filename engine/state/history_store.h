// The history table: one row per revision run (up, down or stamp), with the
// file's checksum, times, status, the steps done and the server's error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/db/session.h"
#include "engine/state/state_tables.h"
#include "engine/status.h"

namespace sluice {

struct HistoryEntry {
  int64_t id = 0;
  std::string revision;
  std::string direction;    // up | down | stamp
  std::string checksum;     // SHA-256 of the revision file
  std::string started_at;   // server time, "YYYY-MM-DD HH:MM:SS.ffffff"
  std::string finished_at;  // empty while running
  std::string status;       // running | done | failed
  int steps_done = 0;       // statements finished (the next to run is steps_done + 1)
  int steps_total = 0;
  std::string host;  // host/pid of the migrator
  std::string sluice_version;
  std::string error;  // the server's error when failed
};

// A revision run to resume: it failed (or crashed) after `steps_done` steps.
struct ResumePoint {
  int64_t history_id = 0;
  int steps_done = 0;
  std::string status;  // failed | running
  std::string error;
};

class HistoryStore {
 public:
  HistoryStore(Session& session, StateTables tables) : s_(session), t_(std::move(tables)) {}

  Status EnsureTable();
  // Inserts a `running` row; returns its id.
  Result<int64_t> Start(const std::string& revision, const std::string& direction,
                        const std::string& checksum, int steps_total, int steps_done);
  Status SetStepsDone(int64_t id, int steps_done);
  Status Finish(int64_t id, int steps_done);
  Status Fail(int64_t id, int steps_done, const std::string& error);
  // A finished `stamp` row: it also cancels any pending resume before it.
  Status RecordStamp(const std::string& revision);

  // Rows in run order (oldest first); empty when the table does not exist.
  Result<std::vector<HistoryEntry>> All();
  // Where a failed or interrupted `direction` run of `revision` stopped,
  // unless a later run of it finished or a stamp came after it.
  Result<std::optional<ResumePoint>> PendingResume(const std::string& revision,
                                                   const std::string& direction);
  // Checksum of the last successful up-run of each revision.
  Result<std::vector<std::pair<std::string, std::string>>> AppliedChecksums();

  static std::string CreateTableSql(const StateTables& t);
  // "host/pid" of this process.
  static std::string HostAndPid();

 private:
  Session& s_;
  StateTables t_;
};

}  // namespace sluice
