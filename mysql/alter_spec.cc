#include "mysql/alter_spec.h"

#include <algorithm>
#include <cctype>

#include "engine/sql/lexer.h"

namespace sluice::mysql {
namespace {

using sql::IsWord;
using sql::Token;
using sql::TokenKind;

bool IsName(const Token& t) {
  return t.kind == TokenKind::kWord || t.kind == TokenKind::kQuotedIdent;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool SameName(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Index of the first token after COLUMN and IF EXISTS / IF NOT EXISTS.
size_t SkipColumnWords(const std::vector<Token>& c, size_t i) {
  if (i < c.size() && IsWord(c[i], "COLUMN")) ++i;
  if (i < c.size() && IsWord(c[i], "IF")) {
    ++i;
    if (i < c.size() && IsWord(c[i], "NOT")) ++i;
    if (i < c.size() && IsWord(c[i], "EXISTS")) ++i;
  }
  return i;
}

// True when the clause's words before its first '(' contain `a` then `b`.
bool HasWordPair(const std::vector<Token>& c, std::string_view a, std::string_view b) {
  for (size_t i = 0; i + 1 < c.size(); ++i) {
    if (c[i].kind == TokenKind::kSymbol && c[i].text == "(") return false;
    if (IsWord(c[i], a) && IsWord(c[i + 1], b)) return true;
  }
  return false;
}

void AnalyseClause(const std::vector<Token>& c, AlterSpec& out) {
  if (c.empty()) return;
  const Token& verb = c[0];
  if (IsWord(verb, "RENAME")) {
    if (c.size() > 1 && IsWord(c[1], "COLUMN")) {
      if (c.size() > 4 && IsName(c[2]) && IsWord(c[3], "TO") && IsName(c[4])) {
        out.renamed_columns[c[2].text] = c[4].text;
      }
    } else if (!(c.size() > 1 && (IsWord(c[1], "INDEX") || IsWord(c[1], "KEY")))) {
      out.renames_table = true;
    }
  } else if (IsWord(verb, "CHANGE")) {
    size_t i = SkipColumnWords(c, 1);
    if (i + 1 < c.size() && IsName(c[i]) && IsName(c[i + 1]) &&
        !SameName(c[i].text, c[i + 1].text)) {
      out.renamed_columns[c[i].text] = c[i + 1].text;
    }
  } else if (IsWord(verb, "DROP")) {
    if (c.size() > 1 && IsWord(c[1], "PRIMARY")) {
      out.drops_primary_key = true;
    } else if (c.size() > 1 &&
               (IsWord(c[1], "INDEX") || IsWord(c[1], "KEY") || IsWord(c[1], "FOREIGN") ||
                IsWord(c[1], "CONSTRAINT") || IsWord(c[1], "CHECK") || IsWord(c[1], "PARTITION") ||
                IsWord(c[1], "SYSTEM"))) {
      // not a column
    } else {
      size_t i = SkipColumnWords(c, 1);
      if (i < c.size() && IsName(c[i])) out.dropped_columns.push_back(c[i].text);
    }
  } else if (IsWord(verb, "ADD")) {
    if (HasWordPair(c, "PRIMARY", "KEY")) out.adds_primary_key = true;
    if (HasWordPair(c, "FOREIGN", "KEY")) out.adds_foreign_key = true;
  } else if (IsWord(verb, "ALGORITHM") && c.size() > 1) {
    out.user_algorithm = Upper(c.back().text);
  }
}

}  // namespace

Result<AlterSpec> ParseAlterSpec(const std::string& spec) {
  AlterSpec out;
  size_t b = spec.find_first_not_of(" \t\r\n");
  size_t e = spec.find_last_not_of(" \t\r\n;");
  out.spec = b == std::string::npos ? "" : spec.substr(b, e - b + 1);
  SLUICE_ASSIGN(std::vector<Token> tokens, sql::Tokenize(out.spec));
  // One statement's clauses only: a ';' would start another statement (and
  // after ALGORITHM=... it was dropped silently with that clause).
  for (const Token& t : tokens) {
    if (t.kind == TokenKind::kSymbol && t.text == ";") {
      return InputError("the ALTER spec holds a ';': give the clauses of one ALTER TABLE, "
                        "not several statements");
    }
  }

  std::vector<std::vector<Token>> clauses(1);
  for (const Token& t : tokens) {
    if (t.depth == 0 && t.kind == TokenKind::kSymbol && t.text == ",") {
      clauses.emplace_back();
    } else {
      clauses.back().push_back(t);
    }
  }
  for (const auto& c : clauses) {
    if (c.empty()) continue;
    std::string text = out.spec.substr(c.front().begin, c.back().end - c.front().begin);
    out.clauses.push_back(text);
    AnalyseClause(c, out);
    if (IsWord(c[0], "ALGORITHM") || IsWord(c[0], "LOCK")) continue;
    if (!out.spec_without_options.empty()) out.spec_without_options += ", ";
    out.spec_without_options += text;
  }
  return out;
}

}  // namespace sluice::mysql
