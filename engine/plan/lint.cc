#include "engine/plan/lint.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/sql/classifier.h"
#include "engine/sql/lexer.h"

namespace sluice::plan {
namespace {

using sql::IsWord;
using sql::Token;
using sql::TokenKind;

bool SameName(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool IsName(const Token& t) {
  return t.kind == TokenKind::kWord || t.kind == TokenKind::kQuotedIdent;
}

// The depth-0 comma-separated clauses of an ALTER spec, as token lists.
std::vector<std::vector<Token>> Clauses(const std::string& spec) {
  std::vector<std::vector<Token>> out(1);
  auto toks = sql::Tokenize(spec);
  if (!toks.ok()) return {};
  for (const Token& t : *toks) {
    if (t.depth == 0 && t.kind == TokenKind::kSymbol && t.text == ",") {
      out.emplace_back();
    } else {
      out.back().push_back(t);
    }
  }
  return out;
}

bool IsKeywordAfterDrop(const Token& t) {
  for (const char* k : {"INDEX", "KEY", "PRIMARY", "FOREIGN", "CONSTRAINT", "CHECK", "PARTITION",
                        "SYSTEM", "PERIOD"}) {
    if (IsWord(t, k)) return true;
  }
  return false;
}

// "ADD [COLUMN] [IF NOT EXISTS] name ..." / "DROP [COLUMN] [IF EXISTS] name": the
// column name, or "" when the clause is about something else.
std::string ColumnOf(const std::vector<Token>& c, const char* verb, size_t* after = nullptr) {
  if (c.empty() || !IsWord(c[0], verb)) return "";
  size_t i = 1;
  if (i < c.size() && IsWord(c[i], "COLUMN")) ++i;
  while (i < c.size() && (IsWord(c[i], "IF") || IsWord(c[i], "NOT") || IsWord(c[i], "EXISTS"))) ++i;
  if (i >= c.size() || !IsName(c[i]) || IsKeywordAfterDrop(c[i])) return "";
  if (IsWord(c[i], "UNIQUE") || IsWord(c[i], "FULLTEXT") || IsWord(c[i], "SPATIAL") ||
      IsWord(c[i], "COLUMN")) {
    return "";
  }
  if (after) *after = i + 1;
  return c[i].text;
}

struct Alter {
  TableRef table;
  std::vector<std::vector<Token>> clauses;
};

std::vector<Alter> AltersOf(const std::vector<revision::RevisionStatement>& stmts) {
  std::vector<Alter> out;
  for (const auto& s : stmts) {
    auto c = sql::Classify(s.sql);
    if (c.ok() && c->verb == sql::Verb::kAlterTable)
      out.push_back({c->target, Clauses(c->alter_spec)});
  }
  return out;
}

bool DownAddsColumn(const std::vector<Alter>& down, const TableRef& t, const std::string& col) {
  for (const Alter& a : down) {
    if (!SameName(a.table.name, t.name)) continue;
    for (const auto& clause : a.clauses) {
      if (SameName(ColumnOf(clause, "ADD"), col)) return true;
    }
  }
  return false;
}

bool DownCreatesTable(const std::vector<revision::RevisionStatement>& down, const TableRef& t) {
  for (const auto& s : down) {
    auto c = sql::Classify(s.sql);
    if (c.ok() && (c->verb == sql::Verb::kCreateTable || c->verb == sql::Verb::kRenameTable) &&
        SameName(c->target.name, t.name)) {
      return true;
    }
    // RENAME TABLE x TO t also brings it back.
    if (c.ok() && c->verb == sql::Verb::kRenameTable) {
      auto toks = sql::Tokenize(s.sql);
      if (toks.ok()) {
        for (size_t i = 0; i + 1 < toks->size(); ++i) {
          if (IsWord((*toks)[i], "TO") && SameName((*toks)[i + 1].text, t.name)) return true;
        }
      }
    }
  }
  return false;
}

// The column definition after ADD name: NOT NULL without DEFAULT (and not
// auto-increment or generated, which fill themselves).
bool NotNullWithoutDefault(const std::vector<Token>& c, size_t from) {
  bool not_null = false, fills = false;
  for (size_t i = from; i < c.size(); ++i) {
    if (c[i].depth != 0) continue;
    if (IsWord(c[i], "NOT") && i + 1 < c.size() && IsWord(c[i + 1], "NULL")) not_null = true;
    if (IsWord(c[i], "DEFAULT") || IsWord(c[i], "AUTO_INCREMENT") || IsWord(c[i], "AS") ||
        IsWord(c[i], "GENERATED") || IsWord(c[i], "SERIAL")) {
      fills = true;
    }
  }
  return not_null && !fills;
}

bool HasTopLevelWhere(const std::string& sql) {
  auto toks = sql::Tokenize(sql);
  if (!toks.ok()) return true;
  return std::any_of(toks->begin(), toks->end(),
                     [](const Token& t) { return t.depth == 0 && IsWord(t, "WHERE"); });
}

}  // namespace

std::vector<LintFinding> LintRevision(const revision::RevisionFile& f) {
  std::vector<LintFinding> out;
  auto add = [&](const std::string& rule, int line, const std::string& what) {
    out.push_back({rule, f.path, line, fmt::format("{}:{}: [{}] {}", f.path, line, rule, what)});
  };
  const std::vector<Alter> down_alters = AltersOf(f.down);
  for (const auto& s : f.up) {
    if (s.sql == "DO 0") {
      add("placeholder", s.line, "the `DO 0` placeholder of `sluice revision` is still there");
    }
  }
  for (bool up : {true, false}) {
    for (const auto& s : up ? f.up : f.down) {
      auto c = sql::Classify(s.sql);
      if (!c.ok()) continue;
      const std::string table = c->target.name;
      switch (c->verb) {
        case sql::Verb::kDropTable:
          if (up && !DownCreatesTable(f.down, c->target)) {
            add("drop-without-down", s.line,
                fmt::format("DROP TABLE {}: the down section does not re-create it", table));
          }
          break;
        case sql::Verb::kRenameTable:
          add("rename", s.line,
              fmt::format("RENAME TABLE {}: running application code still uses the old name",
                          table));
          break;
        case sql::Verb::kUpdate:
        case sql::Verb::kDelete:
          if ((c->multi_table && !HasTopLevelWhere(s.sql)) || (!c->multi_table && !c->where)) {
            add("no-where", s.line,
                fmt::format("{} {} has no WHERE: it changes every row",
                            c->verb == sql::Verb::kUpdate ? "UPDATE" : "DELETE", table));
          }
          break;
        case sql::Verb::kAlterTable:
          for (const auto& clause : Clauses(c->alter_spec)) {
            std::string dropped = ColumnOf(clause, "DROP");
            if (up && !dropped.empty() && !DownAddsColumn(down_alters, c->target, dropped)) {
              add("drop-without-down", s.line,
                  fmt::format("DROP COLUMN {}.{}: the down section does not add it back", table,
                              dropped));
            }
            size_t def = 0;
            std::string added = ColumnOf(clause, "ADD", &def);
            if (!added.empty() && NotNullWithoutDefault(clause, def)) {
              add("not-null-without-default", s.line,
                  fmt::format("ADD COLUMN {}.{} is NOT NULL without a DEFAULT: existing rows "
                              "get an implicit value, and inserts that omit it fail",
                              table, added));
            }
            if (!clause.empty() && IsWord(clause[0], "RENAME") &&
                !(clause.size() > 1 && (IsWord(clause[1], "INDEX") || IsWord(clause[1], "KEY")))) {
              add("rename", s.line,
                  fmt::format("ALTER TABLE {} RENAME: running application code still uses the "
                              "old name",
                              table));
            }
            if (!clause.empty() && IsWord(clause[0], "CHANGE")) {
              size_t i = 1;
              if (i < clause.size() && IsWord(clause[i], "COLUMN")) ++i;
              while (i < clause.size() && (IsWord(clause[i], "IF") || IsWord(clause[i], "EXISTS")))
                ++i;
              if (i + 1 < clause.size() && !SameName(clause[i].text, clause[i + 1].text)) {
                add("rename", s.line,
                    fmt::format("ALTER TABLE {} CHANGE {} {}: renames a column that running "
                                "code still uses",
                                table, clause[i].text, clause[i + 1].text));
              }
            }
          }
          break;
        default:
          break;
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const LintFinding& a, const LintFinding& b) { return a.line < b.line; });
  return out;
}

}  // namespace sluice::plan
