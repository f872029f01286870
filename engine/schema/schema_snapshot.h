// A whole schema as the server describes it (information_schema and SHOW
// CREATE TABLE / VIEW), in a form two schemas can be compared in: the
// server's own normalised text for every column, key and constraint.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/db/session.h"
#include "engine/status.h"

namespace sluice {

struct ColumnSnapshot {
  std::string name;
  // The server's definition, re-usable in ADD / MODIFY COLUMN, with the
  // character set and collation always spelled out (SHOW CREATE TABLE omits
  // them when they equal the table default, which would hide a change).
  std::string definition;
  std::string column_type;  // information_schema COLUMN_TYPE, for lint
  bool nullable = true;
  bool has_default = false;
  bool generated = false;
  bool operator==(const ColumnSnapshot&) const = default;
};

struct TableSnapshot {
  std::string name;
  std::vector<ColumnSnapshot> columns;              // in table order
  std::map<std::string, std::string> indexes;       // name ("PRIMARY") -> definition
  std::map<std::string, std::string> foreign_keys;  // name -> "CONSTRAINT `n` FOREIGN KEY ..."
  std::map<std::string, std::string> checks;        // name -> "CONSTRAINT `n` CHECK (...)"
  // Table options by name ("engine", "charset", "row_format", "comment"), each
  // as the clause that sets it ("ENGINE=InnoDB"); a dialect may add its own.
  std::map<std::string, std::string> options;
  std::string create_statement;  // SHOW CREATE TABLE, for reports only (not compared)

  bool operator==(const TableSnapshot& o) const {
    return name == o.name && columns == o.columns && indexes == o.indexes &&
           foreign_keys == o.foreign_keys && checks == o.checks && options == o.options;
  }
  const ColumnSnapshot* FindColumn(const std::string& name) const;
};

struct ViewSnapshot {
  std::string name;
  // "ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select ..." without
  // the definer and without qualifiers naming the view's own database.
  std::string definition;
  bool operator==(const ViewSnapshot&) const = default;
};

struct SchemaSnapshot {
  std::map<std::string, TableSnapshot> tables;
  std::map<std::string, ViewSnapshot> views;
  bool operator==(const SchemaSnapshot&) const = default;
};

struct SnapshotOptions {
  std::set<std::string> ignore_tables;  // sluice's own state tables
  bool ignore_shadow_tables = false;    // `<t>_sluice_new` / `<t>_sluice_old` of a running migration
  // The dialect's own table options from the text after SHOW CREATE TABLE's
  // column list (Dialect::OwnTableOptions); none when empty.
  std::function<std::map<std::string, std::string>(const std::string&)> own_table_options;
};

// Reads every table and view of `schema`.
Result<SchemaSnapshot> ReadSchemaSnapshot(Session& s, const std::string& schema,
                                          const SnapshotOptions& options = {});

}  // namespace sluice
