// Plans an online schema change on MySQL/MariaDB: refuses what cannot run
// safely, then picks the cheapest strategy the server accepts:
//   1. ALGORITHM=INSTANT, 2. ALGORITHM=INPLACE, LOCK=NONE, 3. a shadow copy.
// The server is asked, not guessed: the ALTER is tried with each explicit
// ALGORITHM on an empty scratch table of the same shape (`_<t>_probe`), where
// an unsupported one fails at once (1845/1846) and a supported one costs
// nothing. strategy=instant|inplace|copy skips the probe.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "engine/dialect.h"
#include "mysql/alter_spec.h"
#include "mysql/cut_over.h"
#include "mysql/table_checksum.h"

namespace sluice::mysql {

// The statement a direct (instant / inplace) strategy runs.
std::string DirectAlterSql(const TableRef& table, const AlterSpec& spec,
                           const std::string& strategy);

// Knobs with sensible defaults; tests tighten them.
struct OnlineAlterTuning {
  CutOverOptions cut_over;
  ChecksumOptions checksum;
  std::chrono::milliseconds ddl_check_interval{1000};
};

Result<std::unique_ptr<SchemaChange>> PlanOnlineAlter(Dialect& dialect, SessionFactory& sessions,
                                                      const SchemaChangeRequest& req, bool offline,
                                                      const OnlineAlterTuning& tuning = {});

}  // namespace sluice::mysql
