#include "mysql/capture_choice.h"

#include <fmt/format.h>

#include "engine/dialect.h"
#include "engine/log.h"
#include "engine/sql/quote.h"
#include "mysql/binlog_capture.h"

namespace sluice::mysql {
namespace {

using sql::QuoteString;
using sql::QuoteTable;

// An AUTO_INCREMENT column in the shadow and innodb_autoinc_lock_mode not 2.
bool AutoIncLockRisk(Session& s, const ShadowNames& n) {
  auto rs = s.Query(fmt::format(
      "SELECT @@GLOBAL.innodb_autoinc_lock_mode, (SELECT COUNT(*) FROM information_schema.COLUMNS "
      "WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {} AND EXTRA LIKE '%auto_increment%')",
      QuoteString(n.shadow.schema), QuoteString(n.shadow.name)));
  if (!rs.ok() || rs->rows.empty()) return false;
  return rs->rows[0][0].value_or("2") != "2" && rs->rows[0][1].value_or("0") != "0";
}

}  // namespace

Result<bool> ChooseBinlogCapture(Session& s, const std::string& mode, bool have_dsn,
                                 const CopyPlan& plan) {
  if (!IsCaptureMode(mode)) {
    return InputError(fmt::format("capture={} is not known (use auto, triggers or binlog)", mode));
  }
  const ShadowNames& n = plan.names;
  const bool risky = AutoIncLockRisk(s, n);
  if (mode == "triggers" || (mode == "auto" && !risky)) {
    if (risky) WarnAboutAutoIncLocks(n.table, "capture=triggers was asked for");
    return false;
  }
  std::string why;  // why the binary log cannot be used
  if (!have_dsn) why = "no connection settings for a binlog stream";
  if (why.empty() && s.server().flavor != Flavor::kMariaDB) {
    // MySQL 8 cannot run here; its compressed transaction payloads and
    // partial JSON row events are not decoded.
    why = "the binlog capture reads MariaDB's binary log only (not verified on MySQL)";
  }
  if (why.empty()) {
    SLUICE_ASSIGN(why, BinlogUnusable(s));
  }
  if (why.empty()) {
    auto key = BinlogKey(s, plan);
    if (!key.ok()) why = key.error().message;
  }
  if (mode == "binlog") {
    if (!why.empty()) return InputError("capture=binlog: " + why);
    return true;
  }
  if (!why.empty()) {
    WarnAboutAutoIncLocks(n.table, why);
    return false;
  }
  spdlog::info("{} has an AUTO_INCREMENT column and innodb_autoinc_lock_mode is not 2: its "
               "writes reach {} from the binary log, not through triggers",
               QuoteTable(n.table), QuoteTable(n.shadow));
  return true;
}

// With innodb_autoinc_lock_mode=1 (MariaDB's default; MySQL 8's is 2) each
// copy chunk's INSERT ... SELECT holds the shadow's table-level AUTO-INC
// lock to its end, and an application update whose trigger writes into the
// shadow waits for it. When that update also holds a gap lock the chunk must
// insert into (its REPLACE at REPEATABLE READ, next to where the copy
// writes), InnoDB breaks the cycle by rolling back the smaller transaction:
// the application's (ERROR 1213; seen in 3 of about 550 copies under 4
// update threads). Mode 2 takes no table-level AUTO-INC lock.
void WarnAboutAutoIncLocks(const TableRef& table, const std::string& why_not_binlog) {
  spdlog::warn("innodb_autoinc_lock_mode is not 2: while {} is copied through triggers, an "
               "application write to {} can, rarely, lose a deadlock to a copy chunk (ERROR 1213) "
               "and must be retried. The binlog capture, which rules it out, is not used: {}. "
               "innodb_autoinc_lock_mode=2 (MySQL 8's default, safe with the ROW binlog; set at "
               "server start) rules it out too",
               QuoteTable(table), QuoteTable(table), why_not_binlog);
}

}  // namespace sluice::mysql
