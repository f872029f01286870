#include "engine/schema/inspector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "engine/schema/create_table_text.h"
#include "engine/sql/quote.h"

namespace sluice {
namespace {

std::string Get(const Row& r, int i) { return i >= 0 && r[i] ? *r[i] : std::string(); }

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Index definitions by name, from the key lines of SHOW CREATE TABLE:
// "  UNIQUE KEY `u` (`a`,`b`)," -> {"u", "UNIQUE KEY `u` (`a`,`b`)"}.
std::map<std::string, std::string> IndexDefinitions(const std::string& create) {
  std::map<std::string, std::string> out;
  for (const auto& line : SplitCreateTable(create).indexes) out[line.name] = line.text;
  return out;
}

// A definition built from information_schema.STATISTICS when SHOW CREATE
// TABLE did not give one.
std::string BuildDefinition(const IndexInfo& idx, const std::vector<std::string>& parts) {
  std::string out = idx.primary ? "PRIMARY KEY" : idx.unique ? "UNIQUE KEY" : "KEY";
  if (!idx.primary) out.append(" ").append(sql::QuoteIdent(idx.name));
  out.append(" (");
  for (size_t i = 0; i < parts.size(); ++i) out.append(i ? "," : "").append(parts[i]);
  out.append(")");
  return out;
}

}  // namespace


namespace {

// Foreign keys from and to the table. Only lookups that name the schema are
// sent to information_schema: a query that must open every table of every
// schema is slow on big servers, and MariaDB 10.11 crashed on one (signal 11
// in create_tmp_table_for_schema) while other sessions dropped databases.
// References from other schemas come from InnoDB's own dictionary.
Result<std::vector<ForeignKeyInfo>> ReadForeignKeys(Session& s, const std::string& schema,
                                                    const std::string& table) {
  const std::string qs = sql::QuoteString(schema);
  const std::string qt = sql::QuoteString(table);
  SLUICE_ASSIGN(ResultSet rows,
                s.Query(fmt::format(
                    "SELECT DISTINCT CONSTRAINT_NAME, TABLE_SCHEMA, TABLE_NAME, "
                    "REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME FROM "
                    "information_schema.KEY_COLUMN_USAGE WHERE REFERENCED_TABLE_NAME IS NOT NULL "
                    "AND TABLE_SCHEMA = {0} AND (TABLE_NAME = {1} OR "
                    "(REFERENCED_TABLE_SCHEMA = {0} AND REFERENCED_TABLE_NAME = {1})) "
                    "ORDER BY TABLE_NAME, CONSTRAINT_NAME",
                    qs, qt)));
  auto qualified = [&](const std::string& sch, const std::string& tbl) {
    return sch == schema ? tbl : sch + "." + tbl;
  };
  std::vector<ForeignKeyInfo> out;
  for (const Row& r : rows.rows) {
    ForeignKeyInfo fk;
    fk.name = Get(r, 0);
    fk.table = qualified(Get(r, 1), Get(r, 2));
    fk.referenced = qualified(Get(r, 3), Get(r, 4));
    out.push_back(std::move(fk));
  }
  // InnoDB names tables "schema/table"; names outside [0-9A-Za-z_] are
  // encoded there, so those fall back to the schema-wide scan below.
  auto plain = [](const std::string& n) {
    for (unsigned char c : n) {
      if (!std::isalnum(c) && c != '_') return false;
    }
    return true;
  };
  Result<ResultSet> other = RuntimeError("no InnoDB dictionary");
  if (plain(schema) && plain(table)) {
    for (const char* dict : {"INNODB_SYS_FOREIGN", "INNODB_FOREIGN"}) {  // MariaDB, MySQL 8
      other = s.Query(fmt::format("SELECT ID, FOR_NAME FROM information_schema.{} WHERE "
                                  "REF_NAME = {} AND FOR_NAME NOT LIKE {}",
                                  dict, sql::QuoteString(schema + "/" + table),
                                  sql::QuoteString(schema + "/%")));
      if (other.ok()) break;
    }
  }
  if (other.ok()) {
    for (const Row& r : other->rows) {
      ForeignKeyInfo fk;
      std::string id = Get(r, 0), for_name = Get(r, 1);
      fk.name = id.substr(id.find('/') + 1);
      auto slash = for_name.find('/');
      fk.table = for_name.substr(0, slash) + "." + for_name.substr(slash + 1);
      fk.referenced = table;
      out.push_back(std::move(fk));
    }
    return out;
  }
  // No InnoDB dictionary (TiDB: its information_schema is in memory).
  SLUICE_ASSIGN(ResultSet cross,
                s.Query(fmt::format(
                    "SELECT DISTINCT CONSTRAINT_NAME, TABLE_SCHEMA, TABLE_NAME FROM "
                    "information_schema.KEY_COLUMN_USAGE WHERE REFERENCED_TABLE_SCHEMA = {0} "
                    "AND REFERENCED_TABLE_NAME = {1} AND TABLE_SCHEMA <> {0} "
                    "ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME",
                    qs, qt)));
  for (const Row& r : cross.rows) {
    ForeignKeyInfo fk;
    fk.name = Get(r, 0);
    fk.table = qualified(Get(r, 1), Get(r, 2));
    fk.referenced = table;
    out.push_back(std::move(fk));
  }
  return out;
}

}  // namespace

Result<TableInfo> InspectTableFromInformationSchema(Session& s, const TableRef& t) {
  TableInfo info;
  info.ref = t;
  if (info.ref.schema.empty()) {
    SLUICE_ASSIGN(ResultSet db, s.Query("SELECT DATABASE()"));
    if (db.rows.empty() || !db.rows[0][0]) {
      return InputError(fmt::format("table {}: no database given and none selected", t.name));
    }
    info.ref.schema = *db.rows[0][0];
  }
  const std::string schema = sql::QuoteString(info.ref.schema);
  const std::string name = sql::QuoteString(info.ref.name);
  const std::string qualified = info.ref.schema + "." + info.ref.name;

  SLUICE_ASSIGN(ResultSet tables,
                s.Query(fmt::format("SELECT TABLE_NAME, TABLE_ROWS, ENGINE, TABLE_TYPE FROM "
                                    "information_schema.TABLES WHERE TABLE_SCHEMA = {} AND "
                                    "TABLE_NAME = {}",
                                    schema, name)));
  if (tables.rows.empty()) return InputError(fmt::format("table {} does not exist", qualified));
  {
    const Row& r = tables.rows[0];
    info.ref.name = Get(r, tables.Column("TABLE_NAME"));  // the server's spelling
    if (Lower(Get(r, tables.Column("TABLE_TYPE"))) == "view") {
      return InputError(fmt::format("{} is a view, not a table", qualified));
    }
    std::string rows = Get(r, tables.Column("TABLE_ROWS"));
    info.estimated_rows = rows.empty() ? 0 : std::stoull(rows);
    info.engine = Get(r, tables.Column("ENGINE"));
  }

  SLUICE_ASSIGN(ResultSet cols,
                s.Query(fmt::format("SELECT * FROM information_schema.COLUMNS WHERE "
                                    "TABLE_SCHEMA = {} AND TABLE_NAME = {} ORDER BY "
                                    "ORDINAL_POSITION",
                                    schema, name)));
  const int c_name = cols.Column("COLUMN_NAME"), c_data = cols.Column("DATA_TYPE"),
            c_type = cols.Column("COLUMN_TYPE"), c_null = cols.Column("IS_NULLABLE"),
            c_extra = cols.Column("EXTRA"), c_gen = cols.Column("GENERATION_EXPRESSION");
  for (const Row& r : cols.rows) {
    ColumnInfo c;
    c.name = Get(r, c_name);
    c.data_type = Lower(Get(r, c_data));
    c.column_type = Lower(Get(r, c_type));
    c.nullable = Get(r, c_null) == "YES";
    const std::string extra = Get(r, c_extra);
    c.generated = !Get(r, c_gen).empty() || extra.find("VIRTUAL") != std::string::npos ||
                  extra.find("STORED") != std::string::npos ||
                  extra.find("PERSISTENT") != std::string::npos;
    info.columns.push_back(std::move(c));
  }

  SLUICE_ASSIGN(ResultSet create, s.Query("SHOW CREATE TABLE " + sql::QuoteTable(info.ref)));
  if (!create.rows.empty() && create.rows[0].size() > 1) {
    info.create_statement = create.rows[0][1].value_or("");
  }
  const auto definitions = IndexDefinitions(info.create_statement);

  SLUICE_ASSIGN(ResultSet stats,
                s.Query(fmt::format("SELECT * FROM information_schema.STATISTICS WHERE "
                                    "TABLE_SCHEMA = {} AND TABLE_NAME = {} ORDER BY "
                                    "INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX",
                                    schema, name)));
  const int s_index = stats.Column("INDEX_NAME"), s_non_unique = stats.Column("NON_UNIQUE"),
            s_col = stats.Column("COLUMN_NAME"), s_sub = stats.Column("SUB_PART"),
            s_expr = stats.Column("EXPRESSION");
  std::map<std::string, std::vector<std::string>> parts;
  for (const Row& r : stats.rows) {
    const std::string index = Get(r, s_index);
    if (info.indexes.empty() || info.indexes.back().name != index) {
      IndexInfo idx;
      idx.name = index;
      idx.primary = index == "PRIMARY";
      idx.unique = Get(r, s_non_unique) == "0";
      info.indexes.push_back(std::move(idx));
    }
    const std::string col = Get(r, s_col);
    if (!col.empty()) {
      info.indexes.back().columns.push_back(col);
      std::string part = sql::QuoteIdent(col);
      const std::string sub = Get(r, s_sub);
      if (!sub.empty()) part.append("(").append(sub).append(")");
      parts[index].push_back(std::move(part));
    } else {
      std::string part = "(";  // MySQL functional key part
      part.append(Get(r, s_expr)).append(")");
      parts[index].push_back(std::move(part));
    }
  }
  for (IndexInfo& idx : info.indexes) {
    auto it = definitions.find(idx.name);
    idx.definition = it != definitions.end() ? it->second : BuildDefinition(idx, parts[idx.name]);
  }

  SLUICE_ASSIGN(std::vector<ForeignKeyInfo> fks, ReadForeignKeys(s, info.ref.schema, info.ref.name));
  info.foreign_keys = std::move(fks);
  return info;
}

}  // namespace sluice
