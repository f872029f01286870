// Refuses, before anything runs, the ALTER TABLE specs TiDB would reject
// (docs: mysql-compatibility, ddl-introduction, sql-statement-alter-table):
//  - adding or dropping a clustered primary key;
//  - touching the same column or index twice in one ALTER;
//  - FULLTEXT / SPATIAL indexes;
//  - type changes on primary-key columns of a clustered table (error 8200)
//    and on generated columns;
//  - several changes in one ALTER before v6.2.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/schema/table_info.h"
#include "engine/status.h"
#include "tidb/tidb_features.h"

namespace sluice::tidb {

// One comma-separated clause of an ALTER spec, as far as the checks need it.
struct AlterClause {
  std::string text;                  // the clause as written
  std::string action;                // ADD, DROP, MODIFY, CHANGE, RENAME, ALTER, other (upper)
  std::string object;                // COLUMN, INDEX, PRIMARY KEY, FULLTEXT, OPTION...
  std::vector<std::string> columns;  // columns it defines, changes or drops (lower case)
  std::vector<std::string> indexes;  // indexes it adds, drops or renames (lower case)
  std::vector<std::string> index_columns;  // ADD INDEX (a, b): the indexed columns
  std::string new_type;              // MODIFY/CHANGE: the new column type text
  bool clustered = false;            // ... PRIMARY KEY ... CLUSTERED
};

// Splits on top-level commas; never fails on clauses it does not know.
Result<std::vector<AlterClause>> ParseAlterSpec(std::string_view spec);

// `table` may be null (offline --sql): the checks that need the table's
// shape are then skipped. Refusals are input errors (exit 2).
Status CheckAlterSupported(std::string_view spec, const TableInfo* table,
                           const TidbFeatures& features);

}  // namespace sluice::tidb
