// Index DDL for deferred secondary indexes on MySQL/MariaDB: re-created
// online with ALGORITHM=INPLACE, LOCK=NONE (FULLTEXT/SPATIAL cannot be added
// with LOCK=NONE, so they get their own statement with LOCK=SHARED).
#pragma once

#include <string>
#include <vector>

#include "engine/schema/table_info.h"

namespace sluice::mysql {

std::vector<std::string> OnlineAddIndexSql(const TableRef& t,
                                           const std::vector<std::string>& definitions);

}  // namespace sluice::mysql
