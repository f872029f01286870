#include "engine/sql/lexer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace sluice::sql {
namespace {

constexpr size_t kNpos = std::string_view::npos;

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

bool IsWordChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

bool IsQuote(char c) { return c == '\'' || c == '"' || c == '`'; }

const char* QuoteName(char q) {
  switch (q) {
    case '\'':
      return "'...' string";
    case '"':
      return "\"...\" string";
    default:
      return "`...` identifier";
  }
}

int CountLines(std::string_view s, size_t from, size_t to) {
  return static_cast<int>(std::count(s.begin() + from, s.begin() + to, '\n'));
}

// Just past the closing quote of the quoted text opening at s[pos], or kNpos.
// Strings take backslash escapes (the default sql_mode) and doubled quotes;
// identifiers only doubled backticks.
size_t SkipQuoted(std::string_view s, size_t pos) {
  const char q = s[pos];
  size_t i = pos + 1;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\\' && q != '`') {
      i += 2;
      continue;
    }
    if (c == q) {
      if (i + 1 < s.size() && s[i + 1] == q) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return kNpos;
}

// "-- " needs whitespace or a control character after the dashes (so that
// `5--1` stays arithmetic); '#' always starts a comment.
bool IsLineComment(std::string_view s, size_t i) {
  if (s[i] == '#') return true;
  if (s[i] != '-' || i + 1 >= s.size() || s[i + 1] != '-') return false;
  if (i + 2 >= s.size()) return true;
  auto c = static_cast<unsigned char>(s[i + 2]);
  return IsSpace(s[i + 2]) || std::iscntrl(c);
}

size_t SkipLineComment(std::string_view s, size_t i) {
  size_t nl = s.find('\n', i);
  return nl == kNpos ? s.size() : nl;
}

bool IsBlockComment(std::string_view s, size_t i) {
  return s[i] == '/' && i + 1 < s.size() && s[i + 1] == '*';
}

// /*! ... */ and /*M! ... */ are run by the server; /*+ ... */ are hints.
bool IsExecutableComment(std::string_view s, size_t i) {
  return s.substr(i, 3) == "/*!" || s.substr(i, 4) == "/*M!";
}
bool IsHintComment(std::string_view s, size_t i) { return s.substr(i, 3) == "/*+"; }

// Just past the closing "*/", or kNpos.
size_t SkipBlockComment(std::string_view s, size_t i) {
  size_t close = s.find("*/", i + 2);
  return close == kNpos ? kNpos : close + 2;
}

bool StartsWithWordCI(std::string_view s, size_t i, std::string_view word) {
  if (s.size() - i < word.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    if (std::toupper(static_cast<unsigned char>(s[i + k])) != word[k]) return false;
  }
  return i + word.size() == s.size() || !IsWordChar(s[i + word.size()]);
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return TrimRight(s);
}

Error Unterminated(int line, std::string_view what) {
  return InputError(fmt::format("line {}: unterminated {}", line, what));
}

}  // namespace

Result<std::vector<Statement>> SplitStatements(std::string_view s, int first_line) {
  std::vector<Statement> out;
  std::string delimiter = ";";
  size_t start = kNpos;  // first significant byte of the current statement
  int start_line = first_line;
  int line = first_line;
  size_t i = 0;
  auto emit = [&](size_t end, bool terminated) {
    std::string_view text = TrimRight(s.substr(start, end - start));
    if (!text.empty()) out.push_back({std::string(text), start_line, terminated});
    start = kNpos;
  };
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\n') {
      ++line;
      ++i;
      continue;
    }
    if (start == kNpos) {
      if (IsSpace(c)) {
        ++i;
        continue;
      }
      if (IsLineComment(s, i)) {
        i = SkipLineComment(s, i);
        continue;
      }
      if (IsBlockComment(s, i) && !IsExecutableComment(s, i) && !IsHintComment(s, i)) {
        size_t end = SkipBlockComment(s, i);
        if (end == kNpos) return Unterminated(line, "/* */ comment");
        line += CountLines(s, i, end);
        i = end;
        continue;
      }
      if (StartsWithWordCI(s, i, "DELIMITER")) {
        size_t eol = SkipLineComment(s, i);
        std::string_view arg = Trim(s.substr(i + 9, eol - i - 9));
        arg = arg.substr(0, std::min(arg.size(), arg.find_first_of(" \t")));
        if (arg.empty()) {
          return InputError(fmt::format("line {}: DELIMITER needs a terminator", line));
        }
        delimiter = std::string(arg);
        i = eol;
        continue;
      }
      start = i;
      start_line = line;
    }
    if (s.compare(i, delimiter.size(), delimiter) == 0) {
      emit(i, true);
      i += delimiter.size();
      continue;
    }
    if (IsQuote(c)) {
      size_t end = SkipQuoted(s, i);
      if (end == kNpos) return Unterminated(line, QuoteName(c));
      line += CountLines(s, i, end);
      i = end;
      continue;
    }
    if (IsLineComment(s, i)) {
      i = SkipLineComment(s, i);
      continue;
    }
    if (IsBlockComment(s, i)) {
      size_t end = SkipBlockComment(s, i);
      if (end == kNpos) return Unterminated(line, "/* */ comment");
      line += CountLines(s, i, end);
      i = end;
      continue;
    }
    ++i;
  }
  if (start != kNpos) emit(s.size(), false);
  return out;
}

std::vector<bool> LinesInsideQuotes(std::string_view s) {
  std::vector<bool> out{false};
  size_t i = 0;
  // Marks the lines that start between [from, to) as inside.
  auto mark = [&](size_t from, size_t to) {
    for (size_t k = from; k < to; ++k) {
      if (s[k] == '\n') out.push_back(true);
    }
  };
  while (i < s.size()) {
    const char c = s[i];
    size_t end = kNpos;
    if (c == '\n') {
      out.push_back(false);
      ++i;
      continue;
    }
    if (IsQuote(c)) {
      end = SkipQuoted(s, i);
    } else if (IsLineComment(s, i)) {
      i = SkipLineComment(s, i);
      continue;
    } else if (IsBlockComment(s, i)) {
      end = SkipBlockComment(s, i);
    } else {
      ++i;
      continue;
    }
    if (end == kNpos) end = s.size();
    mark(i, end);
    i = end;
  }
  return out;
}

Result<std::vector<Token>> Tokenize(std::string_view s) {
  std::vector<Token> out;
  int depth = 0;
  int open_exec_comments = 0;
  int line = 1;
  size_t i = 0;
  auto push = [&](TokenKind kind, size_t begin, size_t end, std::string text) {
    out.push_back({kind, begin, end, depth, std::move(text)});
  };
  while (i < s.size()) {
    const char c = s[i];
    if (IsSpace(c)) {
      if (c == '\n') ++line;
      ++i;
      continue;
    }
    if (open_exec_comments > 0 && s.substr(i, 2) == "*/") {
      --open_exec_comments;
      i += 2;
      continue;
    }
    if (IsLineComment(s, i)) {
      i = SkipLineComment(s, i);
      continue;
    }
    if (IsExecutableComment(s, i)) {
      i += s[i + 2] == 'M' ? 4 : 3;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      ++open_exec_comments;
      continue;
    }
    if (IsBlockComment(s, i)) {
      size_t end = SkipBlockComment(s, i);
      if (end == kNpos) return Unterminated(line, "/* */ comment");
      line += CountLines(s, i, end);
      i = end;
      continue;
    }
    if (IsQuote(c)) {
      size_t end = SkipQuoted(s, i);
      if (end == kNpos) return Unterminated(line, QuoteName(c));
      line += CountLines(s, i, end);
      if (c == '`') {
        std::string name;
        for (size_t k = i + 1; k + 1 < end; ++k) {
          name += s[k];
          if (s[k] == '`') ++k;  // a doubled backtick is one
        }
        push(TokenKind::kQuotedIdent, i, end, std::move(name));
      } else {
        push(TokenKind::kString, i, end, std::string(s.substr(i, end - i)));
      }
      i = end;
      continue;
    }
    if (IsWordChar(c)) {
      size_t end = i;
      while (end < s.size() && IsWordChar(s[end])) ++end;
      std::string_view word = s.substr(i, end - i);
      bool digits = std::all_of(word.begin(), word.end(),
                                [](char d) { return std::isdigit(static_cast<unsigned char>(d)); });
      if (digits && end + 1 < s.size() && s[end] == '.' &&
          std::isdigit(static_cast<unsigned char>(s[end + 1]))) {
        end += 1;
        while (end < s.size() && IsWordChar(s[end])) ++end;
      }
      push(digits ? TokenKind::kNumber : TokenKind::kWord, i, end,
           std::string(s.substr(i, end - i)));
      i = end;
      continue;
    }
    if (c == '(') {
      push(TokenKind::kSymbol, i, i + 1, "(");
      ++depth;
      ++i;
      continue;
    }
    if (c == ')') {
      if (depth > 0) --depth;
      push(TokenKind::kSymbol, i, i + 1, ")");
      ++i;
      continue;
    }
    static constexpr std::string_view kOps[] = {
        "<=>", "<=", ">=", "<>", "!=", ":=", "||", "&&", "<<", ">>", "->"};
    size_t len = 1;
    for (std::string_view op : kOps) {
      if (s.substr(i, op.size()) == op) {
        len = op.size();
        break;
      }
    }
    push(TokenKind::kSymbol, i, i + len, std::string(s.substr(i, len)));
    i += len;
  }
  return out;
}

bool IsWord(const Token& t, std::string_view upper_keyword) {
  if (t.kind != TokenKind::kWord || t.text.size() != upper_keyword.size()) return false;
  for (size_t k = 0; k < upper_keyword.size(); ++k) {
    if (std::toupper(static_cast<unsigned char>(t.text[k])) != upper_keyword[k]) return false;
  }
  return true;
}

}  // namespace sluice::sql
