#include "engine/state/history_store.h"

#include <fmt/format.h>
#include <unistd.h>

#include <map>

#include "engine/sql/quote.h"

namespace sluice {
namespace {

constexpr int kNoSuchTable = 1146;
constexpr size_t kMaxErrorBytes = 60000;  // TEXT holds 65535

std::string Str(const Cell& c) { return c ? *c : std::string(); }
int Int(const Cell& c) { return c ? std::stoi(*c) : 0; }

}  // namespace

std::string HistoryStore::HostAndPid() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return fmt::format("{}/{}", host[0] ? host : "unknown", getpid());
}

std::string HistoryStore::CreateTableSql(const StateTables& t) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} ("
      "id BIGINT NOT NULL AUTO_INCREMENT, "
      "revision VARCHAR(64) NOT NULL, "
      "direction VARCHAR(8) NOT NULL, "
      "checksum CHAR(64) NOT NULL DEFAULT '', "
      "started_at DATETIME(6) NOT NULL, "
      "finished_at DATETIME(6) NULL, "
      "status VARCHAR(16) NOT NULL, "
      "steps_done INT NOT NULL DEFAULT 0, "
      "steps_total INT NOT NULL DEFAULT 0, "
      "host VARCHAR(255) NOT NULL DEFAULT '', "
      "sluice_version VARCHAR(32) NOT NULL DEFAULT '', "
      "error TEXT NULL, "
      "PRIMARY KEY (id), KEY revision_idx (revision, id))",
      sql::QuoteIdent(t.history_table));
}

Status HistoryStore::EnsureTable() { return s_.Exec(CreateTableSql(t_)).status(); }

Result<int64_t> HistoryStore::Start(const std::string& revision, const std::string& direction,
                                    const std::string& checksum, int steps_total, int steps_done) {
  SLUICE_ASSIGN(
      ExecResult r,
      s_.Exec(fmt::format("INSERT INTO {} (revision, direction, checksum, started_at, status, "
                          "steps_done, steps_total, host, sluice_version) VALUES ({}, {}, {}, "
                          "NOW(6), 'running', {}, {}, {}, {})",
                          sql::QuoteIdent(t_.history_table), sql::QuoteString(revision),
                          sql::QuoteString(direction), sql::QuoteString(checksum), steps_done,
                          steps_total, sql::QuoteString(HostAndPid()),
                          sql::QuoteString(SLUICE_VERSION))));
  return static_cast<int64_t>(r.last_insert_id);
}

Status HistoryStore::SetStepsDone(int64_t id, int steps_done) {
  return s_
      .Exec(fmt::format("UPDATE {} SET steps_done = {} WHERE id = {}",
                        sql::QuoteIdent(t_.history_table), steps_done, id))
      .status();
}

Status HistoryStore::Finish(int64_t id, int steps_done) {
  return s_
      .Exec(fmt::format(
          "UPDATE {} SET status = 'done', steps_done = {}, finished_at = NOW(6) WHERE id = {}",
          sql::QuoteIdent(t_.history_table), steps_done, id))
      .status();
}

Status HistoryStore::Fail(int64_t id, int steps_done, const std::string& error) {
  std::string e = error.size() > kMaxErrorBytes ? error.substr(0, kMaxErrorBytes) : error;
  return s_
      .Exec(fmt::format("UPDATE {} SET status = 'failed', steps_done = {}, finished_at = NOW(6), "
                        "error = {} WHERE id = {}",
                        sql::QuoteIdent(t_.history_table), steps_done, sql::QuoteString(e), id))
      .status();
}

Status HistoryStore::RecordStamp(const std::string& revision) {
  SLUICE_ASSIGN(int64_t id, Start(revision, "stamp", "", 0, 0));
  return Finish(id, 0);
}

Result<std::vector<HistoryEntry>> HistoryStore::All() {
  auto rs = s_.Query(fmt::format(
      "SELECT id, revision, direction, checksum, started_at, finished_at, status, steps_done, "
      "steps_total, host, sluice_version, error FROM {} ORDER BY id",
      sql::QuoteIdent(t_.history_table)));
  if (!rs.ok()) {
    if (rs.error().code == kNoSuchTable) return std::vector<HistoryEntry>{};
    return rs.error();
  }
  std::vector<HistoryEntry> out;
  for (const Row& r : rs->rows) {
    HistoryEntry e;
    e.id = r[0] ? std::stoll(*r[0]) : 0;
    e.revision = Str(r[1]);
    e.direction = Str(r[2]);
    e.checksum = Str(r[3]);
    e.started_at = Str(r[4]);
    e.finished_at = Str(r[5]);
    e.status = Str(r[6]);
    e.steps_done = Int(r[7]);
    e.steps_total = Int(r[8]);
    e.host = Str(r[9]);
    e.sluice_version = Str(r[10]);
    e.error = Str(r[11]);
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::optional<ResumePoint>> HistoryStore::PendingResume(const std::string& revision,
                                                               const std::string& direction) {
  SLUICE_ASSIGN(std::vector<HistoryEntry> all, All());
  std::optional<ResumePoint> pending;
  for (const HistoryEntry& e : all) {
    if (e.direction == "stamp") {
      pending.reset();  // a stamp overrides whatever was half done
      continue;
    }
    if (e.revision != revision) continue;
    // Even at step 1: a data step keeps chunk checkpoints of the failed run.
    if (e.direction == direction && (e.status == "failed" || e.status == "running")) {
      pending = ResumePoint{e.id, e.steps_done, e.status, e.error};
    } else {
      pending.reset();
    }
  }
  return pending;
}

Result<std::vector<std::pair<std::string, std::string>>> HistoryStore::AppliedChecksums() {
  SLUICE_ASSIGN(std::vector<HistoryEntry> all, All());
  std::map<std::string, std::string> last;
  for (const HistoryEntry& e : all) {
    if (e.direction == "up" && e.status == "done") last[e.revision] = e.checksum;
  }
  return std::vector<std::pair<std::string, std::string>>(last.begin(), last.end());
}

}  // namespace sluice
