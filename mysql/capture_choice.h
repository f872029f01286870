// Which capture a shadow copy uses (--capture / capture=): the copy
// triggers, or the binlog capture (mysql/binlog_capture.h). `auto` takes the
// binary log where triggers can cost the application a deadlock (a table
// with an AUTO_INCREMENT column under innodb_autoinc_lock_mode other than
// 2, on MariaDB) and the binary log can serve; elsewhere triggers, warning
// when that deadlock stays possible.
#pragma once

#include <string>

#include "engine/db/session.h"
#include "mysql/shadow_copy_plan.h"

namespace sluice::mysql {

// True for the binlog capture. `have_dsn`: the copy has connection settings
// for a stream of its own. capture=binlog where the binary log cannot serve
// is an input error saying why.
Result<bool> ChooseBinlogCapture(Session& s, const std::string& mode, bool have_dsn,
                                 const CopyPlan& plan);

// The warning that an application write can, rarely, lose a deadlock to the
// copy of `table` through triggers; `why_not_binlog` says why the binlog
// capture is not used.
void WarnAboutAutoIncLocks(const TableRef& table, const std::string& why_not_binlog);

}  // namespace sluice::mysql
