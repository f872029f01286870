// What a shadow copy moves and the SQL that moves it: the table names, which
// old column (or expression) feeds each new column, the chunk key in both
// tables, and the statements for copying and re-copying a key range. Pure
// functions of the two table shapes, so every statement has a golden test.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/chunk/key_range.h"
#include "engine/dialect.h"
#include "engine/schema/table_info.h"
#include "engine/status.h"

namespace sluice::mysql {

// sql_mode for the copy, the re-copy and the triggers: zero dates and
// auto-increment zeros copy as they are (NO_AUTO_VALUE_ON_ZERO), whatever
// mode the application wrote them under.
inline constexpr const char* kCopySqlMode = "NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION";
// The same, strict: for the re-copy of a mismatching chunk, so that a value
// that does not fit the new column is an error, not a warning.
inline constexpr const char* kStrictCopySqlMode =
    "STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION";

// The tables and triggers of one shadow copy of `table`.
struct ShadowNames {
  TableRef table;              // t (schema always filled in)
  TableRef shadow;             // t_sluice_new
  TableRef old;                // t_sluice_old
  std::string insert_trigger;  // _t_ins
  std::string update_trigger;  // _t_upd
  std::string delete_trigger;  // _t_del
};
// Fails when a derived name would exceed MySQL's 64-character limit.
Result<ShadowNames> MakeShadowNames(const TableRef& table);

// One new column filled from the old table.
struct CopyColumn {
  std::string target;     // column in the new table
  std::string source;     // column in the old table (differs after CHANGE/RENAME COLUMN)
  std::string fill;       // NULL -> NOT NULL: the new column's DEFAULT expression, else empty
  bool same_type = true;  // identical column type: compared raw by the checksum
  std::string cast_as;    // else: the CAST target both sides are compared as
  bool text = false;      // text whose charset the ALTER changes: compared as utf8mb4
};

struct CopyPlan {
  ShadowNames names;
  std::vector<CopyColumn> columns;
  std::vector<std::string> old_key;  // chunk key columns in the old table
  std::vector<std::string> new_key;  // the same columns in the new table
  std::string key_index;             // index name of the key in the old table
  std::string new_key_index;         // the index that serves it in the new table (never deferred)
  bool delete_by_key = false;        // not unique in the new table: triggers delete by it first
  chunk::KeySpec old_spec;           // the key in the old table, for range predicates
  chunk::KeySpec new_spec;           // the same key in the new table

  // `source`, or COALESCE(`prefix.source`, default): the value for `c`.
  std::string SourceExpr(const CopyColumn& c, const std::string& prefix) const;
};

// The new column's default expression (information_schema COLUMN_DEFAULT as
// MariaDB writes it) for columns that become NOT NULL; keyed by new name.
using DefaultExprs = std::map<std::string, std::string>;

// Maps old onto new. `renamed`: old -> new from the ALTER. Never writes a
// generated column. Chooses the key (see ChooseKey in the .cc: a key unique
// in both tables, else the old key where it stays NOT NULL and indexed);
// fails, naming the key, when none can identify a row in both.
Result<CopyPlan> MakeCopyPlan(const ShadowNames& names, const TableInfo& old_table,
                              const TableInfo& new_table,
                              const std::map<std::string, std::string>& renamed,
                              const DefaultExprs& defaults);

// The WHERE condition selecting `range` of `spec` ("1=1" for the whole table).
std::string RangeWhere(const chunk::KeySpec& spec, const chunk::KeyRange& range);

// INSERT IGNORE INTO new (...) SELECT ... FROM old WHERE range LOCK IN SHARE MODE
std::string CopyChunkSql(const CopyPlan& p, const chunk::KeyRange& range);
// The same without IGNORE: for the strict re-copy of a mismatching chunk.
// `locking_read` false: without LOCK IN SHARE MODE, for a re-copy that holds
// its source rows' locks already (lock-first).
std::string StrictCopyChunkSql(const CopyPlan& p, const chunk::KeyRange& range,
                               bool locking_read = true);
// DELETE FROM new WHERE range: first half of a re-copy.
std::string DeleteShadowChunkSql(const CopyPlan& p, const chunk::KeyRange& range);
// SELECT 1 FROM old WHERE range ORDER BY key <clause>: a re-copy's lock-first
// read of its source rows (`clause`: the dialect's NOWAIT shared lock).
std::string LockSourceChunkSql(const CopyPlan& p, const chunk::KeyRange& range,
                               const std::string& clause);

// The same by key, for the binlog capture's apply: `keys` are SQL literals
// of `columns`, one tuple per row. "`k` IN (...)" for one column, else an OR
// of equalities (MariaDB's range optimizer reads both).
std::string KeysWhere(const std::vector<std::string>& columns,
                      const std::vector<std::vector<std::string>>& keys);
// REPLACE INTO new (...) SELECT ... FROM old WHERE <old keys>: the rows as
// they are now (REPLACE: a stale shadow row holding a unique value the row
// took meanwhile goes too; that row's own change brings it back).
std::string ReplaceKeysSql(const CopyPlan& p, const std::vector<std::vector<std::string>>& keys,
                           bool locking_read);
// DELETE FROM new WHERE <new keys>: rows gone from the old table stay gone.
std::string DeleteShadowKeysSql(const CopyPlan& p,
                                const std::vector<std::vector<std::string>>& keys);
// SELECT 1 FROM old WHERE <old keys> ORDER BY key <clause>: the lock-first read.
std::string LockSourceKeysSql(const CopyPlan& p, const std::vector<std::vector<std::string>>& keys,
                              const std::string& clause);

}  // namespace sluice::mysql
