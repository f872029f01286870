#include "engine/schema/schema_snapshot.h"

#include <fmt/format.h>

#include <regex>

#include "engine/schema/create_table_text.h"
#include "engine/sql/quote.h"

namespace sluice {
namespace {

std::string Get(const Row& r, int i) { return i >= 0 && r[i] ? *r[i] : std::string(); }

// The shadow copy's t_sluice_new and t_sluice_old (mysql/shadow_copy_plan.cc).
bool IsShadowName(const std::string& name) {
  auto ends = [&](const char* suffix) {
    const std::string s = suffix;
    return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends("_sluice_new") || ends("_sluice_old");
}

// Removes " CHARACTER SET x" and " COLLATE y" that follow the type, then
// writes both out from information_schema.
std::string ExplicitCharset(const std::string& line, const std::string& name,
                            const std::string& column_type, const std::string& charset,
                            const std::string& collation) {
  const std::string prefix = sql::QuoteIdent(name) + " " + column_type;
  if (line.compare(0, prefix.size(), prefix) != 0) return line;  // not the expected shape
  std::string rest = line.substr(prefix.size());
  for (const std::string kw : {" CHARACTER SET ", " COLLATE "}) {
    if (rest.compare(0, kw.size(), kw) == 0) {
      size_t end = rest.find(' ', kw.size());
      rest = end == std::string::npos ? "" : rest.substr(end);
    }
  }
  std::string spelled;
  if (!charset.empty()) spelled = " CHARACTER SET " + charset;
  if (!collation.empty()) spelled += " COLLATE " + collation;
  return prefix + spelled + rest;
}

// A view's CREATE text without the definer and without the qualifier naming
// its own database, so that the same view in two databases compares equal.
std::string NormaliseView(std::string create, const std::string& schema) {
  static const std::regex kDefiner(R"( DEFINER=`(?:[^`]|``)*`@`(?:[^`]|``)*`)");
  create = std::regex_replace(create, kDefiner, "");
  const std::string own = sql::QuoteIdent(schema) + ".";
  for (size_t p = create.find(own); p != std::string::npos; p = create.find(own, p)) {
    create.erase(p, own.size());
  }
  if (create.compare(0, 7, "CREATE ") == 0) create.erase(0, 7);
  return create;
}

Status ReadColumns(Session& s, const std::string& schema,
                   std::map<std::string, TableSnapshot>& tables) {
  SLUICE_ASSIGN(ResultSet cols,
                s.Query(fmt::format("SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, "
                                    "COLUMN_DEFAULT, CHARACTER_SET_NAME, COLLATION_NAME, EXTRA, "
                                    "GENERATION_EXPRESSION FROM information_schema.COLUMNS WHERE "
                                    "TABLE_SCHEMA = {} ORDER BY TABLE_NAME, ORDINAL_POSITION",
                                    sql::QuoteString(schema))));
  std::map<std::string, std::map<std::string, std::string>> lines;
  for (auto& [name, t] : tables) {
    for (const auto& l : SplitCreateTable(t.create_statement).columns) {
      lines[name][l.name] = l.text;
    }
  }
  for (const Row& r : cols.rows) {
    auto it = tables.find(Get(r, 0));
    if (it == tables.end()) continue;
    ColumnSnapshot c;
    c.name = Get(r, 1);
    c.column_type = Get(r, 2);
    c.nullable = Get(r, 3) == "YES";
    c.has_default = r[4].has_value();
    const std::string extra = Get(r, 7);
    c.generated = !Get(r, 8).empty() || extra.find("GENERATED") != std::string::npos ||
                  extra.find("VIRTUAL") != std::string::npos ||
                  extra.find("STORED") != std::string::npos ||
                  extra.find("PERSISTENT") != std::string::npos;
    c.definition = ExplicitCharset(lines[it->first][c.name], c.name, c.column_type, Get(r, 5),
                                   Get(r, 6));
    it->second.columns.push_back(std::move(c));
  }
  return Status::Ok();
}

}  // namespace

const ColumnSnapshot* TableSnapshot::FindColumn(const std::string& n) const {
  for (const auto& c : columns) {
    if (c.name == n) return &c;
  }
  return nullptr;
}

Result<SchemaSnapshot> ReadSchemaSnapshot(Session& s, const std::string& schema,
                                          const SnapshotOptions& options) {
  SchemaSnapshot snap;
  SLUICE_ASSIGN(
      ResultSet tables,
      s.Query(fmt::format(
          "SELECT t.TABLE_NAME, t.TABLE_TYPE, t.ENGINE, t.TABLE_COLLATION, t.CREATE_OPTIONS, "
          "t.TABLE_COMMENT, c.CHARACTER_SET_NAME FROM information_schema.TABLES t LEFT JOIN "
          "information_schema.COLLATIONS c ON c.COLLATION_NAME = t.TABLE_COLLATION WHERE "
          "t.TABLE_SCHEMA = {} ORDER BY t.TABLE_NAME",
          sql::QuoteString(schema))));
  for (const Row& r : tables.rows) {
    const std::string name = Get(r, 0), type = Get(r, 1);
    if (options.ignore_tables.count(name)) continue;
    if (options.ignore_shadow_tables && IsShadowName(name)) continue;
    const std::string quoted = sql::QuoteIdent(schema) + "." + sql::QuoteIdent(name);
    if (type == "VIEW") {
      SLUICE_ASSIGN(ResultSet create, s.Query("SHOW CREATE VIEW " + quoted));
      if (create.rows.empty()) continue;
      snap.views[name] = {name, NormaliseView(Get(create.rows[0], 1), schema)};
      continue;
    }
    if (type != "BASE TABLE" && type != "SYSTEM VERSIONED") continue;  // sequences, temporary
    TableSnapshot t;
    t.name = name;
    SLUICE_ASSIGN(ResultSet create, s.Query("SHOW CREATE TABLE " + quoted));
    if (!create.rows.empty()) t.create_statement = Get(create.rows[0], 1);
    const CreateTableParts parts = SplitCreateTable(t.create_statement);
    for (const auto& l : parts.indexes) t.indexes[l.name] = l.text;
    for (const auto& l : parts.foreign_keys) t.foreign_keys[l.name] = l.text;
    for (const auto& l : parts.checks) t.checks[l.name] = l.text;
    t.options["engine"] = "ENGINE=" + Get(r, 2);
    t.options["charset"] = fmt::format("DEFAULT CHARSET={} COLLATE={}", Get(r, 6), Get(r, 3));
    static const std::regex kRowFormat(R"((?:^| )row_format=(\w+))", std::regex::icase);
    std::smatch m;
    const std::string create_options = Get(r, 4);
    t.options["row_format"] =
        "ROW_FORMAT=" + (std::regex_search(create_options, m, kRowFormat) ? m[1].str()
                                                                          : std::string("DEFAULT"));
    t.options["comment"] = "COMMENT=" + sql::QuoteString(Get(r, 5));
    if (options.own_table_options) {
      for (auto& [key, clause] : options.own_table_options(parts.options)) t.options[key] = clause;
    }
    snap.tables[name] = std::move(t);
  }
  SLUICE_TRY(ReadColumns(s, schema, snap.tables));
  return snap;
}

}  // namespace sluice
