// Picks the unique key a data step is chunked on: the one named by key=, or
// the primary key, or else the first unique key over NOT NULL columns.
// Shared by the dialects (TiDB adds _tidb_rowid for non-clustered tables).
#pragma once

#include <string>

#include "engine/dialect.h"
#include "engine/schema/table_info.h"
#include "engine/status.h"

namespace sluice::chunk {

// Input errors name the table and say what would work.
Result<ChunkKey> ChooseUniqueKey(const TableInfo& t, const std::string& requested);

}  // namespace sluice::chunk
