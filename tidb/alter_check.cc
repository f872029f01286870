#include "tidb/alter_check.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <set>

namespace sluice::tidb {

namespace {

struct Token {
  enum Kind { kWord, kIdent, kString, kPunct } kind;
  std::string text;  // words upper-cased; identifiers unquoted
};

std::string Upper(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return o;
}

std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

// Lexes one ALTER spec. Quotes and comments are honoured; anything else
// that is not a word is a one-character punctuation token.
Result<std::vector<Token>> Lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '`' || c == '\'' || c == '"') {
      std::string text;
      size_t j = i + 1;
      bool closed = false;
      while (j < s.size()) {
        if (s[j] == '\\' && c != '`' && j + 1 < s.size()) {
          text += s[j + 1];
          j += 2;
          continue;
        }
        if (s[j] == c) {
          if (j + 1 < s.size() && s[j + 1] == c) {
            text += c;
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        text += s[j++];
      }
      if (!closed) return InputError("unterminated quote in ALTER spec");
      out.push_back({c == '`' ? Token::kIdent : Token::kString, text});
      i = j + 1;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      size_t e = s.find("*/", i + 2);
      if (e == std::string_view::npos) return InputError("unterminated comment in ALTER spec");
      i = e + 2;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' ||
                              s[j] == '$' || s[j] == '.')) {
        ++j;
      }
      out.push_back({Token::kWord, std::string(s.substr(i, j - i))});
      i = j;
    } else {
      out.push_back({Token::kPunct, std::string(1, c)});
      ++i;
    }
  }
  return out;
}

bool Is(const std::vector<Token>& t, size_t i, std::string_view word) {
  return i < t.size() && t[i].kind == Token::kWord && Upper(t[i].text) == word;
}

bool IsPunct(const std::vector<Token>& t, size_t i, char p) {
  return i < t.size() && t[i].kind == Token::kPunct && t[i].text[0] == p;
}

// A name token (bare word or `quoted`), lower-cased.
std::string NameAt(const std::vector<Token>& t, size_t i) {
  if (i >= t.size() || (t[i].kind != Token::kWord && t[i].kind != Token::kIdent)) return "";
  return Lower(t[i].text);
}

// The column names inside the parenthesised list starting at t[i] == '('.
std::vector<std::string> ParenNames(const std::vector<Token>& t, size_t i) {
  std::vector<std::string> names;
  if (!IsPunct(t, i, '(')) return names;
  int depth = 0;
  bool expect = true;
  for (size_t j = i; j < t.size(); ++j) {
    if (IsPunct(t, j, '(')) {
      ++depth;
      if (depth == 1) expect = true;
      continue;
    }
    if (IsPunct(t, j, ')')) {
      if (--depth == 0) break;
      continue;
    }
    if (depth == 1 && IsPunct(t, j, ',')) {
      expect = true;
      continue;
    }
    if (depth == 1 && expect) {
      names.push_back(NameAt(t, j));
      expect = false;
    }
  }
  return names;
}

// Column definitions inside ADD COLUMN (a INT, b INT): their first names.
std::vector<std::string> ColumnDefNames(const std::vector<Token>& t, size_t i) {
  return ParenNames(t, i);
}

std::string TextFrom(const std::vector<Token>& t, size_t i) {
  std::string s;
  for (size_t j = i; j < t.size(); ++j) {
    if (!s.empty() && t[j].kind != Token::kPunct && !(s.back() == '(')) s += ' ';
    s += t[j].kind == Token::kWord ? Upper(t[j].text) : t[j].text;
  }
  return s;
}

// The type part of a column definition: tokens up to the first column option.
std::string TypeText(const std::vector<Token>& t, size_t i) {
  static const std::set<std::string> kOptions = {
      "NOT", "NULL", "DEFAULT", "COMMENT", "AUTO_INCREMENT", "PRIMARY", "UNIQUE", "KEY",
      "COLLATE", "CHARACTER", "CHARSET", "FIRST", "AFTER", "GENERATED", "AS", "ON",
      "REFERENCES", "CHECK", "CONSTRAINT", "AUTO_RANDOM", "VISIBLE", "INVISIBLE", "SERIAL",
      "STORAGE", "COLUMN_FORMAT"};
  std::string s;
  int depth = 0;
  for (size_t j = i; j < t.size(); ++j) {
    if (depth == 0 && t[j].kind == Token::kWord && kOptions.count(Upper(t[j].text))) break;
    if (IsPunct(t, j, '(')) ++depth;
    if (IsPunct(t, j, ')')) --depth;
    s += t[j].kind == Token::kWord ? Lower(t[j].text) : t[j].text;
    if (t[j].kind == Token::kWord && j + 1 < t.size() && t[j + 1].kind == Token::kWord) s += ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

AlterClause Analyse(const std::vector<Token>& t) {
  AlterClause c;
  c.text = TextFrom(t, 0);
  if (t.empty()) return c;
  c.action = t[0].kind == Token::kWord ? Upper(t[0].text) : "OTHER";
  size_t i = 1;
  if (c.action == "ADD") {
    if (Is(t, i, "CONSTRAINT")) {
      i += (Is(t, i + 1, "PRIMARY") || Is(t, i + 1, "UNIQUE") || Is(t, i + 1, "FOREIGN") ||
            Is(t, i + 1, "CHECK"))
               ? 1
               : 2;
    }
    if (Is(t, i, "PRIMARY")) {
      c.object = "PRIMARY KEY";
      c.indexes.push_back("primary");
      size_t j = i + 2;
      while (j < t.size() && !IsPunct(t, j, '(')) ++j;
      c.index_columns = ParenNames(t, j);
      for (const Token& tok : t) c.clustered |= tok.kind == Token::kWord && Upper(tok.text) == "CLUSTERED";
    } else if (Is(t, i, "FULLTEXT") || Is(t, i, "SPATIAL")) {
      c.object = Upper(t[i].text);
    } else if (Is(t, i, "UNIQUE") || Is(t, i, "INDEX") || Is(t, i, "KEY")) {
      c.object = "INDEX";
      if (Is(t, i, "UNIQUE")) ++i;
      if (Is(t, i, "INDEX") || Is(t, i, "KEY")) ++i;
      if (i < t.size() && !IsPunct(t, i, '(') && !Is(t, i, "USING")) {
        c.indexes.push_back(NameAt(t, i));
        ++i;
      }
      while (i < t.size() && !IsPunct(t, i, '(')) ++i;
      c.index_columns = ParenNames(t, i);
    } else if (Is(t, i, "FOREIGN") || Is(t, i, "CHECK") || Is(t, i, "PARTITION")) {
      c.object = Upper(t[i].text);
    } else {
      c.object = "COLUMN";
      if (Is(t, i, "COLUMN")) ++i;
      if (Is(t, i, "IF")) i += 2;  // IF NOT EXISTS
      if (Is(t, i, "EXISTS")) ++i;
      if (IsPunct(t, i, '(')) {
        c.columns = ColumnDefNames(t, i);
      } else {
        c.columns.push_back(NameAt(t, i));
        c.new_type = TypeText(t, i + 1);
        for (size_t j = i + 1; j < t.size(); ++j) {
          if (Is(t, j, "PRIMARY")) c.clustered = true;  // a new column as the primary key
        }
      }
    }
  } else if (c.action == "DROP") {
    if (Is(t, i, "PRIMARY")) {
      c.object = "PRIMARY KEY";
      c.indexes.push_back("primary");
    } else if (Is(t, i, "INDEX") || Is(t, i, "KEY")) {
      c.object = "INDEX";
      size_t j = i + 1;
      if (Is(t, j, "IF")) j += 2;
      c.indexes.push_back(NameAt(t, j));
    } else if (Is(t, i, "FOREIGN") || Is(t, i, "CHECK") || Is(t, i, "PARTITION") ||
               Is(t, i, "CONSTRAINT")) {
      c.object = Upper(t[i].text);
    } else {
      c.object = "COLUMN";
      if (Is(t, i, "COLUMN")) ++i;
      if (Is(t, i, "IF")) i += 2;
      c.columns.push_back(NameAt(t, i));
    }
  } else if (c.action == "MODIFY") {
    c.object = "COLUMN";
    if (Is(t, i, "COLUMN")) ++i;
    c.columns.push_back(NameAt(t, i));
    c.new_type = TypeText(t, i + 1);
  } else if (c.action == "CHANGE") {
    c.object = "COLUMN";
    if (Is(t, i, "COLUMN")) ++i;
    c.columns.push_back(NameAt(t, i));
    std::string renamed = NameAt(t, i + 1);
    if (!renamed.empty() && renamed != c.columns[0]) c.columns.push_back(renamed);
    c.new_type = TypeText(t, i + 2);
  } else if (c.action == "RENAME") {
    if (Is(t, i, "COLUMN")) {
      c.object = "COLUMN";
      c.columns = {NameAt(t, i + 1), NameAt(t, i + 3)};
    } else if (Is(t, i, "INDEX") || Is(t, i, "KEY")) {
      c.object = "INDEX";
      c.indexes = {NameAt(t, i + 1), NameAt(t, i + 3)};
    } else {
      c.object = "TABLE";
    }
  } else if (c.action == "ALTER") {
    if (Is(t, i, "INDEX")) {
      c.object = "INDEX";
      c.indexes.push_back(NameAt(t, i + 1));
    } else if (Is(t, i, "CHECK") || Is(t, i, "CONSTRAINT")) {
      c.object = Upper(t[i].text);
    } else {
      c.object = "COLUMN";
      if (Is(t, i, "COLUMN")) ++i;
      c.columns.push_back(NameAt(t, i));
    }
  } else {
    c.object = "OPTION";
  }
  return c;
}

// "bigint(20) unsigned" -> {"bigint", 0, true}; "varchar(64)" -> {"varchar", 64, false}.
struct TypeShape {
  std::string base;
  long length = 0;
  bool is_unsigned = false;
  std::string rest;  // everything else, for an exact comparison
};

TypeShape Shape(std::string_view type) {
  TypeShape s;
  std::string t = Lower(type);
  size_t i = 0;
  while (i < t.size() && (std::isalpha(static_cast<unsigned char>(t[i])) || t[i] == '_')) ++i;
  s.base = t.substr(0, i);
  if (i < t.size() && t[i] == '(') {
    size_t e = t.find(')', i);
    std::string inner = t.substr(i + 1, e == std::string::npos ? std::string::npos : e - i - 1);
    if (!inner.empty() && std::all_of(inner.begin(), inner.end(), ::isdigit)) {
      s.length = std::stol(inner);
    } else {
      s.rest += "(" + inner + ")";
    }
    i = e == std::string::npos ? t.size() : e + 1;
  }
  std::string tail = t.substr(i);
  s.is_unsigned = tail.find("unsigned") != std::string::npos;
  for (const char* drop : {"unsigned", "zerofill", "signed"}) {
    if (auto p = tail.find(drop); p != std::string::npos) tail.erase(p, std::strlen(drop));
  }
  tail.erase(std::remove(tail.begin(), tail.end(), ' '), tail.end());
  s.rest += tail;
  return s;
}

int IntegerRank(const std::string& base) {
  static const std::map<std::string, int> kRank = {
      {"tinyint", 1}, {"smallint", 2}, {"mediumint", 3}, {"int", 4}, {"integer", 4},
      {"bigint", 5}};
  auto it = kRank.find(base);
  return it == kRank.end() ? 0 : it->second;
}

// True when `to` needs no data reorganization from `from` (metadata only):
// the same type, a wider integer of the same signedness, or a longer
// (var)char/varbinary.
bool MetadataOnlyChange(std::string_view from, std::string_view to) {
  TypeShape a = Shape(from);
  TypeShape b = Shape(to);
  int ra = IntegerRank(a.base);
  int rb = IntegerRank(b.base);
  if (ra && rb) return a.is_unsigned == b.is_unsigned && rb >= ra && a.rest == b.rest;
  if (a.base != b.base || a.is_unsigned != b.is_unsigned || a.rest != b.rest) return false;
  if (a.base == "varchar" || a.base == "char" || a.base == "varbinary") {
    return b.length >= a.length;
  }
  return a.length == b.length;
}

Status Refuse(const std::string& why) {
  return InputError("TiDB cannot run this ALTER online: " + why);
}

}  // namespace

Result<std::vector<AlterClause>> ParseAlterSpec(std::string_view spec) {
  SLUICE_ASSIGN(std::vector<Token> tokens, Lex(spec));
  std::vector<AlterClause> out;
  std::vector<Token> cur;
  int depth = 0;
  for (Token& tok : tokens) {
    if (tok.kind == Token::kPunct) {
      if (tok.text == "(") ++depth;
      if (tok.text == ")") --depth;
      if (tok.text == "," && depth == 0) {
        if (!cur.empty()) out.push_back(Analyse(cur));
        cur.clear();
        continue;
      }
    }
    cur.push_back(std::move(tok));
  }
  if (!cur.empty()) out.push_back(Analyse(cur));
  return out;
}

Status CheckAlterSupported(std::string_view spec, const TableInfo* table,
                           const TidbFeatures& features) {
  SLUICE_ASSIGN(std::vector<AlterClause> clauses, ParseAlterSpec(spec));
  if (clauses.size() > 1 && !features.multi_schema_change) {
    return Refuse("several changes in one ALTER TABLE need TiDB v6.2+; split them");
  }
  std::map<std::string, int> columns;
  std::map<std::string, int> indexes;
  std::set<std::string> dropped_columns;
  for (const AlterClause& c : clauses) {
    if (c.object == "FULLTEXT" || c.object == "SPATIAL") {
      return Refuse(c.object + " indexes are not supported (" + c.text + ")");
    }
    if (c.action == "ADD" && c.object == "PRIMARY KEY" && c.clustered) {
      return Refuse("adding a clustered primary key is not supported; add it NONCLUSTERED or "
                    "create a new table (" + c.text + ")");
    }
    if (c.action == "ADD" && c.object == "COLUMN" && c.clustered) {
      return Refuse("adding a new column as the primary key is not supported (" + c.text + ")");
    }
    if (c.action == "DROP" && c.object == "PRIMARY KEY" && table && table->clustered_pk &&
        table->PrimaryKey()) {
      return Refuse("dropping the clustered primary key of " + table->ref.name +
                    " is not supported");
    }
    for (const std::string& col : c.columns) {
      if (col.empty()) continue;
      if (++columns[col] > 1) {
        return Refuse("column `" + col + "` is changed twice in one ALTER; split it");
      }
    }
    for (const std::string& idx : c.indexes) {
      if (idx.empty()) continue;
      if (++indexes[idx] > 1) {
        return Refuse("index `" + idx + "` is changed twice in one ALTER; split it");
      }
    }
    if (c.action == "DROP" && c.object == "COLUMN") dropped_columns.insert(c.columns.begin(),
                                                                           c.columns.end());
  }
  for (const AlterClause& c : clauses) {
    for (const std::string& col : c.index_columns) {
      if (dropped_columns.count(col)) {
        return Refuse("an index on column `" + col + "`, dropped in the same ALTER; split it");
      }
    }
  }
  if (!table) return Status::Ok();
  const IndexInfo* pk = table->PrimaryKey();
  for (const AlterClause& c : clauses) {
    if ((c.action != "MODIFY" && c.action != "CHANGE") || c.columns.empty()) continue;
    const ColumnInfo* col = table->FindColumn(c.columns[0]);
    if (!col) {
      for (const ColumnInfo& ci : table->columns) {
        if (Lower(ci.name) == c.columns[0]) col = &ci;
      }
    }
    if (!col) continue;
    if (col->generated && Shape(col->column_type).base != Shape(c.new_type).base) {
      return Refuse("changing the type of generated column `" + col->name +
                    "` is not supported");
    }
    if (MetadataOnlyChange(col->column_type, c.new_type)) continue;
    if (pk) {
      for (const std::string& k : pk->columns) {
        if (Lower(k) == c.columns[0]) {
          return Refuse("changing the type of primary-key column `" + col->name + "` from " +
                        col->column_type + " to " + c.new_type +
                        " needs a data reorganization, which TiDB refuses (error 8200)");
        }
      }
    }
  }
  return Status::Ok();
}

}  // namespace sluice::tidb
