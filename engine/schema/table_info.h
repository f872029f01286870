// What the engine knows about a table: columns, keys, indexes, size.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice {

struct TableRef {
  std::string schema;  // empty: the connection's database
  std::string name;
};

struct ColumnInfo {
  std::string name;
  std::string data_type;    // information_schema DATA_TYPE, lower case: "bigint", "varchar"
  std::string column_type;  // full type: "bigint(20) unsigned", "enum('a','b')"
  bool nullable = true;
  bool generated = false;   // virtual or stored generated column: never written directly
  bool IsInteger() const;
  bool IsUnsigned() const;
};

struct IndexInfo {
  std::string name;                  // "PRIMARY" for the primary key
  std::vector<std::string> columns;  // in index order
  bool unique = false;
  bool primary = false;
  std::string definition;            // "UNIQUE KEY `u` (`a`,`b`)": re-creatable text
};

struct ForeignKeyInfo {
  std::string name;
  std::string table;         // the referencing table
  std::string referenced;    // the referenced table
};

struct TableInfo {
  TableRef ref;
  std::vector<ColumnInfo> columns;
  std::vector<IndexInfo> indexes;          // primary first when present
  std::vector<ForeignKeyInfo> foreign_keys;  // to and from this table
  uint64_t estimated_rows = 0;             // information_schema TABLE_ROWS
  std::string engine;
  std::string create_statement;            // SHOW CREATE TABLE
  // TiDB: the primary key is the clustered row key. False for non-clustered
  // tables, which have the hidden _tidb_rowid handle instead.
  bool clustered_pk = true;

  const ColumnInfo* FindColumn(const std::string& name) const;
  const IndexInfo* FindIndex(const std::string& name) const;
  const IndexInfo* PrimaryKey() const;
  // The primary key, else the first unique index over NOT NULL columns.
  const IndexInfo* ChunkableKey() const;
};

}  // namespace sluice
