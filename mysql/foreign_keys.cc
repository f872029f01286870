#include "mysql/foreign_keys.h"

#include <fmt/format.h>

#include <sstream>

#include "engine/log.h"
#include "engine/sql/quote.h"

namespace sluice::mysql {
namespace {

using sql::QuoteIdent;
using sql::QuoteString;
using sql::QuoteTable;

constexpr size_t kMaxName = 64;

// Reads a backquoted identifier at `i` (which must be '`'); moves `i` past it.
std::string ReadIdent(const std::string& s, size_t& i) {
  std::string out;
  for (++i; i < s.size(); ++i) {
    if (s[i] == '`' && i + 1 < s.size() && s[i + 1] == '`') {
      out += '`';
      ++i;
    } else if (s[i] == '`') {
      ++i;
      break;
    } else {
      out += s[i];
    }
  }
  return out;
}

// `body` with the table after REFERENCES replaced by `to`.
std::string Repointed(const std::string& body, const TableRef& to) {
  size_t at = body.find("REFERENCES `");
  if (at == std::string::npos) return body;
  size_t i = at + 11;
  ReadIdent(body, i);
  if (i < body.size() && body[i] == '.' && i + 1 < body.size() && body[i + 1] == '`') {
    ++i;
    ReadIdent(body, i);  // schema.table
  }
  return body.substr(0, at) + "REFERENCES " + QuoteTable(to) + body.substr(i);
}

// Children in the same schema only: an information_schema lookup that does
// not name the schema opens every table of every schema (see
// engine/schema/inspector.cc); other schemas' children are refused earlier.
struct Reference {
  TableRef child;
  std::string name;
};

Result<std::vector<Reference>> References(Session& s, const TableRef& table) {
  SLUICE_ASSIGN(ResultSet rs, s.Query(fmt::format(
                                  "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME FROM "
                                  "information_schema.REFERENTIAL_CONSTRAINTS WHERE "
                                  "CONSTRAINT_SCHEMA = {0} AND UNIQUE_CONSTRAINT_SCHEMA = {0} AND "
                                  "REFERENCED_TABLE_NAME = {1} AND TABLE_NAME <> {1} ORDER BY "
                                  "2, 3",
                                  QuoteString(table.schema), QuoteString(table.name))));
  std::vector<Reference> out;
  for (const auto& r : rs.rows) {
    out.push_back({{r[0].value_or(""), r[1].value_or("")}, r[2].value_or("")});
  }
  return out;
}

}  // namespace

std::vector<ForeignKeyDef> ForeignKeysOf(const std::string& create_statement) {
  std::vector<ForeignKeyDef> out;
  std::istringstream in(create_statement);
  std::string line;
  while (std::getline(in, line)) {
    size_t b = line.find_first_not_of(' ');
    if (b == std::string::npos || line.compare(b, 12, "CONSTRAINT `") != 0) continue;
    size_t i = b + 11;
    ForeignKeyDef fk;
    fk.name = ReadIdent(line, i);
    size_t body = line.find("FOREIGN KEY (", i);
    if (body == std::string::npos) continue;  // a CHECK constraint
    fk.body = line.substr(body);
    while (!fk.body.empty() && (fk.body.back() == ',' || fk.body.back() == ' ')) fk.body.pop_back();
    for (size_t j = body + 13; j < line.size() && line[j] != ')';) {
      if (line[j] == '`') {
        fk.columns.push_back(ReadIdent(line, j));
      } else {
        ++j;
      }
    }
    out.push_back(std::move(fk));
  }
  return out;
}

std::string ToggledName(const std::string& name) {
  return !name.empty() && name[0] == '_' ? name.substr(1) : "_" + name;
}

Result<std::string> AddForeignKeysSql(const TableRef& shadow,
                                      const std::vector<ForeignKeyDef>& fks) {
  std::string clauses;
  for (const auto& fk : fks) {
    std::string name = ToggledName(fk.name);
    if (name.size() > kMaxName) {
      return InputError(fmt::format(
          "foreign key {} of {}: its name on the new table, {}, would exceed {} characters; "
          "rename the constraint first",
          QuoteIdent(fk.name), QuoteTable(shadow), QuoteIdent(name), kMaxName));
    }
    clauses += fmt::format("{}ADD CONSTRAINT {} {}", clauses.empty() ? "" : ", ", QuoteIdent(name),
                           fk.body);
  }
  if (clauses.empty()) return std::string();
  return fmt::format("ALTER TABLE {} {}", QuoteTable(shadow), clauses);
}

Result<int> RepointReferences(Session& s, const TableRef& from, const TableRef& to) {
  SLUICE_ASSIGN(std::vector<Reference> refs, References(s, from));
  int done = 0;
  for (size_t i = 0; i < refs.size();) {
    const TableRef child = refs[i].child;
    SLUICE_ASSIGN(ResultSet shown, s.Query("SHOW CREATE TABLE " + QuoteTable(child)));
    std::vector<ForeignKeyDef> defs = ForeignKeysOf(shown.rows.at(0).at(1).value_or(""));
    std::string clauses;
    for (; i < refs.size() && refs[i].child.schema == child.schema &&
           refs[i].child.name == child.name;
         ++i) {
      for (const auto& d : defs) {
        if (d.name != refs[i].name) continue;
        clauses +=
            fmt::format("{}DROP FOREIGN KEY {}, ADD CONSTRAINT {} {}", clauses.empty() ? "" : ", ",
                        QuoteIdent(d.name), QuoteIdent(ToggledName(d.name)), Repointed(d.body, to));
        ++done;
      }
    }
    if (clauses.empty()) continue;
    spdlog::info("re-pointing the foreign keys of {} at {}", QuoteTable(child), QuoteTable(to));
    Status st = s.Exec(fmt::format("ALTER TABLE {} {}", QuoteTable(child), clauses)).status();
    if (!st.ok()) {
      Error e = st.error();
      e.message = fmt::format("re-pointing the foreign keys of {} at {}: {}", QuoteTable(child),
                              QuoteTable(to), e.message);
      return e;
    }
  }
  return done;
}

Result<std::vector<std::string>> ReferencingKeys(Session& s, const TableRef& table) {
  SLUICE_ASSIGN(std::vector<Reference> refs, References(s, table));
  std::vector<std::string> out;
  for (const auto& r : refs) out.push_back(QuoteTable(r.child) + "." + QuoteIdent(r.name));
  return out;
}

}  // namespace sluice::mysql
