#include "engine/sql/classifier.h"

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "engine/sql/lexer.h"

namespace sluice::sql {

const char* StatementKindName(StatementKind k) {
  switch (k) {
    case StatementKind::kSchema:
      return "schema";
    case StatementKind::kData:
      return "data";
    case StatementKind::kPlain:
      return "plain";
  }
  return "plain";
}

namespace {

// Words that end a table reference; anything else after a table name is an alias.
constexpr std::string_view kNotAlias[] = {
    "SET",    "WHERE",  "ORDER",     "LIMIT",  "PARTITION", "USING",         "JOIN",
    "INNER",  "LEFT",   "RIGHT",     "CROSS",  "NATURAL",   "STRAIGHT_JOIN", "GROUP",
    "HAVING", "ON",     "UNION",     "FORCE",  "USE",       "IGNORE",        "FOR",
    "LOCK",   "WINDOW", "RETURNING", "EXCEPT", "INTERSECT", "INTO",          "FULL"};
constexpr std::string_view kJoinWords[] = {"JOIN",  "INNER",   "LEFT",          "RIGHT",
                                           "CROSS", "NATURAL", "STRAIGHT_JOIN", "FULL"};
// What ends the WHERE of UPDATE/DELETE, and of the SELECT in INSERT...SELECT.
constexpr std::string_view kDmlWhereEnd[] = {"ORDER", "LIMIT", "RETURNING"};
constexpr std::string_view kSelectWhereEnd[] = {"GROUP",  "HAVING",    "ORDER",     "LIMIT", "ON",
                                                "UNION",  "EXCEPT",    "INTERSECT", "FOR",   "LOCK",
                                                "WINDOW", "RETURNING", "INTO"};

template <size_t N>
bool IsAnyWord(const Token& t, const std::string_view (&words)[N]) {
  return std::any_of(std::begin(words), std::end(words),
                     [&](std::string_view w) { return IsWord(t, w); });
}

// A cursor over one statement's tokens.
class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : text_(text), toks_(std::move(tokens)) {}

  bool done() const { return pos_ >= toks_.size(); }
  size_t pos() const { return pos_; }
  void set_pos(size_t p) { pos_ = p; }
  const Token& tok(size_t i) const { return toks_[i]; }
  size_t size() const { return toks_.size(); }

  bool AtWord(std::string_view kw) const { return !done() && IsWord(toks_[pos_], kw); }
  bool AtSymbol(std::string_view sym) const {
    return !done() && toks_[pos_].kind == TokenKind::kSymbol && toks_[pos_].text == sym;
  }
  bool AcceptWord(std::string_view kw) {
    if (!AtWord(kw)) return false;
    ++pos_;
    return true;
  }
  bool AcceptWords(std::initializer_list<std::string_view> kws) {
    size_t p = pos_;
    for (std::string_view kw : kws) {
      if (!AcceptWord(kw)) {
        pos_ = p;
        return false;
      }
    }
    return true;
  }
  // Skips any of the given modifiers (LOW_PRIORITY, IGNORE, ...).
  void SkipWords(std::initializer_list<std::string_view> kws) {
    bool more = true;
    while (more) {
      more = false;
      for (std::string_view kw : kws) more = more || AcceptWord(kw);
    }
  }

  bool AtName() const {
    return !done() &&
           (toks_[pos_].kind == TokenKind::kWord || toks_[pos_].kind == TokenKind::kQuotedIdent);
  }

  // name | schema.name, either part plain or backticked.
  bool ParseTable(TableRef* out) {
    if (!AtName()) return false;
    std::string first = toks_[pos_++].text;
    if (AtSymbol(".") && pos_ + 1 < toks_.size() &&
        (toks_[pos_ + 1].kind == TokenKind::kWord ||
         toks_[pos_ + 1].kind == TokenKind::kQuotedIdent)) {
      out->schema = std::move(first);
      out->name = toks_[pos_ + 1].text;
      pos_ += 2;
    } else {
      out->schema.clear();
      out->name = std::move(first);
    }
    return true;
  }

  // [AS] alias, when the next word cannot start the next clause.
  std::string ParseAlias() {
    if (AcceptWord("AS")) return AtName() ? toks_[pos_++].text : std::string();
    if (done()) return {};
    const Token& t = toks_[pos_];
    if (t.kind == TokenKind::kQuotedIdent ||
        (t.kind == TokenKind::kWord && !IsAnyWord(t, kNotAlias))) {
      ++pos_;
      return t.text;
    }
    return {};
  }

  // Skips a parenthesised group starting at the current '('.
  void SkipParens() {
    if (!AtSymbol("(")) return;
    int depth = toks_[pos_].depth;
    ++pos_;
    while (!done() && !(AtSymbol(")") && toks_[pos_].depth == depth)) ++pos_;
    if (!done()) ++pos_;
  }

  // PARTITION (p0, p1) and index hints USE/FORCE/IGNORE INDEX|KEY [FOR ...] (...).
  void SkipTableModifiers() {
    for (;;) {
      if (AtWord("PARTITION") && pos_ + 1 < toks_.size() && toks_[pos_ + 1].text == "(") {
        ++pos_;
        SkipParens();
        continue;
      }
      if ((AtWord("USE") || AtWord("FORCE") || AtWord("IGNORE")) && pos_ + 1 < toks_.size() &&
          (IsWord(toks_[pos_ + 1], "INDEX") || IsWord(toks_[pos_ + 1], "KEY"))) {
        pos_ += 2;
        while (!done() && !AtSymbol("(")) ++pos_;  // FOR JOIN / ORDER BY / GROUP BY
        SkipParens();
        continue;
      }
      return;
    }
  }

  bool AtJoinOrComma() const {
    return !done() && (AtSymbol(",") || IsAnyWord(toks_[pos_], kJoinWords));
  }

  // Index of the first depth-0 token at or after `from` that is one of `words`, or size().
  template <size_t N>
  size_t FindTopLevel(size_t from, const std::string_view (&words)[N]) const {
    for (size_t i = from; i < toks_.size(); ++i) {
      if (toks_[i].depth == 0 && IsAnyWord(toks_[i], words)) return i;
    }
    return toks_.size();
  }
  size_t FindTopLevelWord(size_t from, std::string_view word) const {
    const std::string_view words[] = {word};
    return FindTopLevel(from, words);
  }

  // End offset of the token before index i (i > 0), i.e. the end of a clause.
  size_t EndBefore(size_t i) const { return toks_[i - 1].end; }
  std::string_view Text(size_t begin, size_t end) const { return text_.substr(begin, end - begin); }
  std::string_view text() const { return text_; }

 private:
  std::string_view text_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
};

// Fills `where` (and where_insert_at when there is one) from the tokens
// between `from` (the first token after the table reference or SET clause)
// and the first of `ends`; has_order_by / has_limit from the rest.
template <size_t N>
void FindWhere(const Parser& p, size_t from, const std::string_view (&ends)[N], Classified* c) {
  size_t where = p.FindTopLevelWord(from, "WHERE");
  size_t end = p.FindTopLevel(from, ends);
  if (where < end) {
    size_t at = p.tok(where).end;
    c->where = where + 1 < end ? Span{p.tok(where + 1).begin, p.EndBefore(end)} : Span{at, at};
    c->where_insert_at = c->where->end;
  }
  c->has_order_by = p.FindTopLevelWord(from, "ORDER") < p.size();
  c->has_limit = p.FindTopLevelWord(from, "LIMIT") < p.size();
}

void ClassifyAlterTable(Parser& p, Classified* c) {
  p.SkipWords({"ONLINE", "IGNORE"});
  if (!p.AcceptWord("TABLE")) return;
  p.AcceptWords({"IF", "EXISTS"});
  if (!p.ParseTable(&c->target)) return;
  c->kind = StatementKind::kSchema;
  c->verb = Verb::kAlterTable;
  if (!p.done()) c->alter_spec = std::string(p.text().substr(p.tok(p.pos()).begin));
}

// ALGORITHM=... and LOCK=... after CREATE/DROP INDEX become separate ALTER
// clauses; everything else in `from..end` is kept as written.
std::string IndexSpecTail(Parser& p) {
  std::string kept;
  std::string options;
  size_t copy_from = p.done() ? p.text().size() : p.tok(p.pos()).begin;
  while (!p.done()) {
    const Token& t = p.tok(p.pos());
    if (t.depth == 0 && (IsWord(t, "ALGORITHM") || IsWord(t, "LOCK"))) {
      kept += p.Text(copy_from, t.begin);
      size_t opt_begin = t.begin;
      p.set_pos(p.pos() + 1);
      if (p.AtSymbol("=")) p.set_pos(p.pos() + 1);
      if (!p.done()) p.set_pos(p.pos() + 1);
      size_t opt_end = p.tok(p.pos() - 1).end;
      options += ", ";
      options += p.Text(opt_begin, opt_end);
      copy_from = opt_end;
      continue;
    }
    p.set_pos(p.pos() + 1);
  }
  kept += p.text().substr(copy_from);
  std::string_view trimmed = kept;
  const char* kSpace = " \t\r\n";
  trimmed.remove_prefix(std::min(trimmed.size(), trimmed.find_first_not_of(kSpace)));
  trimmed = trimmed.substr(0, trimmed.find_last_not_of(kSpace) + 1);
  return std::string(trimmed) + options;
}

void ClassifyCreate(Parser& p, Classified* c) {
  p.AcceptWords({"OR", "REPLACE"});
  p.SkipWords({"ONLINE", "OFFLINE"});
  std::string modifier;
  for (std::string_view m : {"UNIQUE", "FULLTEXT", "SPATIAL"}) {
    if (p.AtWord(m)) {
      modifier = p.tok(p.pos()).text + " ";
      p.set_pos(p.pos() + 1);
    }
  }
  if (p.AcceptWord("INDEX")) {
    std::string head = "ADD " + modifier + "INDEX ";
    if (p.AcceptWords({"IF", "NOT", "EXISTS"})) head += "IF NOT EXISTS ";
    if (!p.AtName()) return;
    const Token& name = p.tok(p.pos());
    head += p.Text(name.begin, name.end);
    p.set_pos(p.pos() + 1);
    if (p.AtWord("USING") && p.pos() + 1 < p.size()) {
      head += " USING " + p.tok(p.pos() + 1).text;
      p.set_pos(p.pos() + 2);
    }
    if (!p.AcceptWord("ON") || !p.ParseTable(&c->target)) return;
    c->kind = StatementKind::kSchema;
    c->verb = Verb::kCreateIndex;
    c->alter_spec = head + " " + IndexSpecTail(p);
    return;
  }
  if (!modifier.empty()) return;
  p.AcceptWord("TEMPORARY");
  if (!p.AcceptWord("TABLE")) return;
  p.AcceptWords({"IF", "NOT", "EXISTS"});
  if (p.ParseTable(&c->target)) c->verb = Verb::kCreateTable;
}

void ClassifyDrop(Parser& p, Classified* c) {
  p.SkipWords({"ONLINE", "OFFLINE"});
  if (p.AcceptWord("INDEX")) {
    std::string head = "DROP INDEX ";
    if (p.AcceptWords({"IF", "EXISTS"})) head += "IF EXISTS ";
    if (!p.AtName()) return;
    const Token& name = p.tok(p.pos());
    head += p.Text(name.begin, name.end);
    p.set_pos(p.pos() + 1);
    if (!p.AcceptWord("ON") || !p.ParseTable(&c->target)) return;
    c->kind = StatementKind::kSchema;
    c->verb = Verb::kDropIndex;
    std::string tail = IndexSpecTail(p);
    c->alter_spec = head + (tail.empty() || tail[0] == ',' ? "" : " ") + tail;
    return;
  }
  p.AcceptWord("TEMPORARY");
  if (!p.AcceptWord("TABLE") && !p.AcceptWord("TABLES")) return;
  p.AcceptWords({"IF", "EXISTS"});
  if (!p.ParseTable(&c->target)) return;
  c->verb = Verb::kDropTable;
  c->multi_table = p.AtSymbol(",");
}

void ClassifyRename(Parser& p, Classified* c) {
  if (!p.AcceptWord("TABLE") && !p.AcceptWord("TABLES")) return;
  if (!p.ParseTable(&c->target)) return;
  c->verb = Verb::kRenameTable;
  for (size_t i = p.pos(); i < p.size(); ++i) c->multi_table |= p.tok(i).text == ",";
}

void ClassifyUpdate(Parser& p, Classified* c) {
  c->verb = Verb::kUpdate;
  p.SkipWords({"LOW_PRIORITY", "IGNORE"});
  if (p.AtSymbol("(") || !p.ParseTable(&c->target)) {
    c->multi_table = true;
    return;
  }
  c->target_alias = p.ParseAlias();
  p.SkipTableModifiers();
  size_t set = p.FindTopLevelWord(p.pos(), "SET");
  if (p.AtJoinOrComma() || set != p.pos()) c->multi_table = true;
  if (set >= p.size()) return;
  // SET a = 1, t.b = (SELECT ...): the column is the name right before '='.
  const std::string_view kSetEnd[] = {"WHERE", "ORDER", "LIMIT", "RETURNING"};
  size_t set_end = p.FindTopLevel(set + 1, kSetEnd);
  bool expect_column = true;
  for (size_t i = set + 1; i < set_end; ++i) {
    const Token& t = p.tok(i);
    if (t.depth != 0) continue;
    if (t.kind == TokenKind::kSymbol && t.text == ",") {
      expect_column = true;
    } else if (expect_column && t.kind == TokenKind::kSymbol && t.text == "=" && i > set + 1) {
      c->assigned_columns.push_back(p.tok(i - 1).text);
      expect_column = false;
    }
  }
  FindWhere(p, set_end, kDmlWhereEnd, c);
  if (!c->where) c->where_insert_at = p.EndBefore(set_end);
  if (!c->multi_table) c->kind = StatementKind::kData;
}

void ClassifyDelete(Parser& p, Classified* c) {
  c->verb = Verb::kDelete;
  p.SkipWords({"LOW_PRIORITY", "QUICK", "IGNORE"});
  if (!p.AcceptWord("FROM")) {
    // DELETE t1[, t2] FROM ... : the multi-table form.
    c->multi_table = true;
    p.ParseTable(&c->target);
    return;
  }
  if (!p.ParseTable(&c->target)) return;
  c->target_alias = p.ParseAlias();
  p.SkipTableModifiers();
  if (p.AtJoinOrComma() || p.AtWord("USING")) {
    c->multi_table = true;
    return;
  }
  size_t from = p.pos();
  FindWhere(p, from, kDmlWhereEnd, c);
  if (!c->where) c->where_insert_at = from > 0 ? p.EndBefore(from) : 0;
  c->kind = StatementKind::kData;
}

void ClassifyInsert(Parser& p, Classified* c, bool replace) {
  p.SkipWords({"LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE"});
  p.AcceptWord("INTO");
  if (!p.ParseTable(&c->target)) return;
  p.SkipTableModifiers();
  if (p.AtSymbol("(") && p.pos() + 1 < p.size() && !IsWord(p.tok(p.pos() + 1), "SELECT") &&
      !IsWord(p.tok(p.pos() + 1), "WITH")) {
    p.SkipParens();  // the column list
  }
  if (!p.AtWord("SELECT")) {
    // INSERT ... VALUES / SET, or a parenthesised or WITH query: runs as written.
    if (p.AtSymbol("(") || p.AtWord("WITH")) {
      c->verb = replace ? Verb::kReplaceSelect : Verb::kInsertSelect;
      c->multi_table = true;
    }
    return;
  }
  c->verb = replace ? Verb::kReplaceSelect : Verb::kInsertSelect;
  size_t select = p.pos();
  p.set_pos(select + 1);
  if (p.AtWord("DISTINCT") || p.AtWord("DISTINCTROW")) c->has_group_by = true;
  size_t from = p.FindTopLevelWord(select + 1, "FROM");
  const std::string_view kSetOps[] = {"UNION", "EXCEPT", "INTERSECT"};
  if (p.FindTopLevel(select, kSetOps) < p.size()) c->multi_table = true;
  if (from >= p.size()) return;  // INSERT ... SELECT 1: nothing to chunk
  p.set_pos(from + 1);
  if (p.AtSymbol("(") || !p.ParseTable(&c->source)) {
    c->multi_table = true;
    return;
  }
  c->source_alias = p.ParseAlias();
  p.SkipTableModifiers();
  if (p.AtJoinOrComma()) c->multi_table = true;
  size_t after = p.pos();
  FindWhere(p, after, kSelectWhereEnd, c);
  if (!c->where) c->where_insert_at = after > 0 ? p.EndBefore(after) : 0;
  // ORDER BY / LIMIT / GROUP BY of the SELECT, not of an ON DUPLICATE KEY UPDATE.
  size_t on_dup = p.FindTopLevelWord(after, "ON");
  c->has_order_by = p.FindTopLevelWord(after, "ORDER") < on_dup;
  c->has_limit = p.FindTopLevelWord(after, "LIMIT") < on_dup;
  if (p.FindTopLevelWord(after, "GROUP") < on_dup || p.FindTopLevelWord(after, "HAVING") < on_dup) {
    c->has_group_by = true;
  }
  if (!c->multi_table) c->kind = StatementKind::kData;
}

}  // namespace

Result<Classified> Classify(std::string_view statement) {
  SLUICE_ASSIGN(std::vector<Token> tokens, Tokenize(statement));
  Classified c;
  Parser p(statement, std::move(tokens));
  if (p.done()) return c;
  if (p.AcceptWord("ALTER")) {
    ClassifyAlterTable(p, &c);
  } else if (p.AcceptWord("CREATE")) {
    ClassifyCreate(p, &c);
  } else if (p.AcceptWord("DROP")) {
    ClassifyDrop(p, &c);
  } else if (p.AcceptWord("RENAME")) {
    ClassifyRename(p, &c);
  } else if (p.AcceptWord("UPDATE")) {
    ClassifyUpdate(p, &c);
  } else if (p.AcceptWord("DELETE")) {
    ClassifyDelete(p, &c);
  } else if (p.AcceptWord("INSERT")) {
    ClassifyInsert(p, &c, /*replace=*/false);
  } else if (p.AcceptWord("REPLACE")) {
    ClassifyInsert(p, &c, /*replace=*/true);
  }
  return c;
}

}  // namespace sluice::sql
