// Reads a table's shape from information_schema and SHOW CREATE TABLE.
// Shared by both dialects (TiDB's information_schema is MySQL-compatible);
// each dialect adds what is its own (TiDB: clustered or not).
#pragma once

#include "engine/db/session.h"
#include "engine/schema/table_info.h"
#include "engine/status.h"

namespace sluice {

// An unknown table is an input error naming `schema.table`.
Result<TableInfo> InspectTableFromInformationSchema(Session& s, const TableRef& t);

}  // namespace sluice
