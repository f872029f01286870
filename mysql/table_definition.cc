#include "mysql/table_definition.h"

#include <fmt/format.h>

#include <regex>
#include <sstream>
#include <vector>

#include "engine/sql/quote.h"
#include "engine/state/checksum.h"

namespace sluice::mysql {
namespace {

using sql::QuoteString;
using sql::QuoteTable;

constexpr int kNoSuchTable = 1146;

struct Item {
  std::string what;  // "column `a`", "index `k`", "the primary key", "table options"
  std::string text;  // the line as the server writes it
};

std::string Trim(std::string line) {
  size_t b = line.find_first_not_of(' ');
  line = b == std::string::npos ? "" : line.substr(b);
  while (!line.empty() && (line.back() == ',' || line.back() == ' ')) line.pop_back();
  return line;
}

// The first backquoted name of `line` with its quotes, or "".
std::string FirstName(const std::string& line) {
  size_t b = line.find('`');
  if (b == std::string::npos) return "";
  size_t e = b + 1;
  while (e < line.size()) {
    if (line[e] == '`' && e + 1 < line.size() && line[e + 1] == '`') {
      e += 2;
    } else if (line[e] == '`') {
      break;
    } else {
      ++e;
    }
  }
  return line.substr(b, e - b + 1);
}

std::vector<Item> Items(const std::string& body) {
  std::vector<Item> out;
  std::istringstream in(body);
  std::string raw;
  while (std::getline(in, raw)) {
    std::string l = Trim(raw);
    if (l.empty()) continue;
    Item it;
    it.text = l;
    if (l[0] == '`') {
      it.what = "column " + FirstName(l);
    } else if (l.rfind("PRIMARY KEY", 0) == 0) {
      it.what = "the primary key";
    } else if (l.rfind("CONSTRAINT", 0) == 0) {
      it.what = "constraint " + FirstName(l);
    } else if (l[0] == ')') {
      it.what = "table options";
    } else if (l.find("KEY ") != std::string::npos) {
      it.what = "index " + FirstName(l);
    } else {
      it.what = "definition line";
    }
    out.push_back(std::move(it));
  }
  return out;
}

const Item* Find(const std::vector<Item>& items, const std::string& what) {
  for (const auto& i : items) {
    if (i.what == what) return &i;
  }
  return nullptr;
}

}  // namespace

std::string DefinitionBody(const std::string& create_statement) {
  size_t nl = create_statement.find('\n');
  std::string body = nl == std::string::npos ? "" : create_statement.substr(nl + 1);
  return std::regex_replace(body, std::regex(" AUTO_INCREMENT=[0-9]+"), "");
}

Result<std::optional<TableDefinition>> ReadTableDefinition(Session& s, const TableRef& t) {
  auto shown = s.Query("SHOW CREATE TABLE " + QuoteTable(t));
  if (!shown.ok()) {
    if (shown.error().code == kNoSuchTable) return std::optional<TableDefinition>();
    return shown.error();
  }
  if (shown->rows.empty() || shown->rows[0].size() < 2)
    return RuntimeError("SHOW CREATE TABLE: no row");
  TableDefinition d;
  d.body = DefinitionBody(shown->rows[0][1].value_or(""));
  // MariaDB: INNODB_SYS_TABLES, MySQL 8: INNODB_TABLES; both need PROCESS.
  // Without it the id stays unknown and only the text is compared.
  const bool mariadb = s.server().flavor == Flavor::kMariaDB;
  auto id = s.Query(fmt::format("SELECT TABLE_ID FROM information_schema.{} WHERE NAME = {}",
                                mariadb ? "INNODB_SYS_TABLES" : "INNODB_TABLES",
                                QuoteString(t.schema + "/" + t.name)));
  if (id.ok() && !id->rows.empty()) d.table_id = id->rows[0][0].value_or("");
  return std::optional<TableDefinition>(std::move(d));
}

std::string DefinitionDigest(const TableDefinition& d) {
  return Sha256Hex(d.body) + "/" + d.table_id;
}

std::string DescribeDefinitionChange(const TableDefinition& before, const TableDefinition& after) {
  std::vector<std::string> changes;
  if (before.body != after.body) {
    std::vector<Item> was = Items(before.body), is = Items(after.body);
    for (const auto& i : is) {
      const Item* old = Find(was, i.what);
      if (old == nullptr) {
        changes.push_back(fmt::format("{} added ({})", i.what, i.text));
      } else if (old->text != i.text) {
        changes.push_back(fmt::format("{} changed from ({}) to ({})", i.what, old->text, i.text));
      }
    }
    for (const auto& i : was) {
      if (Find(is, i.what) == nullptr) changes.push_back(fmt::format("{} dropped", i.what));
    }
    if (changes.empty()) changes.push_back("the column or index order changed");
  }
  if (!before.table_id.empty() && !after.table_id.empty() && before.table_id != after.table_id &&
      changes.empty()) {
    changes.push_back(
        "the table was truncated or rebuilt (TRUNCATE, OPTIMIZE or a null ALTER: its InnoDB "
        "table id changed)");
  }
  std::string out;
  for (const auto& c : changes) out += (out.empty() ? "" : "; ") + c;
  return out;
}

}  // namespace sluice::mysql
