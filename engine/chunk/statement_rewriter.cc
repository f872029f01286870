#include "engine/chunk/statement_rewriter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace sluice::chunk {
namespace {

constexpr const char* kUseUnchunked = "; add chunked=false to the step to run it as one statement";

// `o`.`Id` / o.id / `id` -> id (lower case) for comparing column names.
std::string BareColumn(std::string_view name) {
  size_t dot = std::string_view::npos;
  bool in_quote = false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '`') in_quote = !in_quote;
    if (name[i] == '.' && !in_quote) dot = i;
  }
  if (dot != std::string_view::npos) name = name.substr(dot + 1);
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '`') {
      if (i + 1 < name.size() && name[i + 1] == '`') {
        out += '`';
        ++i;
      }
      continue;
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
  }
  return out;
}

bool SameTable(const TableRef& a, const TableRef& b) {
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
  };
  return lower(a.name) == lower(b.name) && lower(a.schema) == lower(b.schema);
}

}  // namespace

Status CheckChunkable(const sql::Classified& c) {
  using sql::Verb;
  const bool insert_select = c.verb == Verb::kInsertSelect || c.verb == Verb::kReplaceSelect;
  if (c.verb != Verb::kUpdate && c.verb != Verb::kDelete && !insert_select) {
    return InputError(
        "only UPDATE, DELETE and INSERT/REPLACE ... SELECT can run as chunked data steps");
  }
  if (c.multi_table) {
    return InputError(fmt::format(
        "cannot chunk a statement over several tables (join, comma list, USING, subquery in "
        "FROM or UNION){}",
        kUseUnchunked));
  }
  if (c.has_order_by || c.has_limit) {
    return InputError(fmt::format(
        "cannot chunk a statement with ORDER BY or LIMIT: batches cover key ranges, so the "
        "order and the limit would apply per batch{}",
        kUseUnchunked));
  }
  if (insert_select && c.has_group_by) {
    return InputError(fmt::format(
        "cannot chunk INSERT ... SELECT with GROUP BY, HAVING or DISTINCT: groups would be "
        "split across batches{}",
        kUseUnchunked));
  }
  if (insert_select && c.source.name.empty()) {
    return InputError(fmt::format("INSERT ... SELECT has no single source table{}", kUseUnchunked));
  }
  if (insert_select && SameTable(c.target, c.source)) {
    return InputError(fmt::format(
        "cannot chunk INSERT ... SELECT from its own target table: the walk would read rows "
        "it has just inserted{}",
        kUseUnchunked));
  }
  return Status::Ok();
}

Status CheckKeyNotAssigned(const sql::Classified& c, const std::vector<std::string>& key_columns) {
  for (const std::string& assigned : c.assigned_columns) {
    for (const std::string& key : key_columns) {
      if (BareColumn(assigned) == BareColumn(key)) {
        return InputError(fmt::format(
            "cannot chunk an UPDATE that assigns the chunk key column {}: rows would move "
            "between batches; choose another unique key with key=<index>{}",
            key, kUseUnchunked));
      }
    }
  }
  return Status::Ok();
}

const TableRef& ChunkedTable(const sql::Classified& c) {
  const bool insert_select =
      c.verb == sql::Verb::kInsertSelect || c.verb == sql::Verb::kReplaceSelect;
  return insert_select ? c.source : c.target;
}

const std::string& ChunkedAlias(const sql::Classified& c) {
  const bool insert_select =
      c.verb == sql::Verb::kInsertSelect || c.verb == sql::Verb::kReplaceSelect;
  return insert_select ? c.source_alias : c.target_alias;
}

StatementTemplate::StatementTemplate(std::string_view statement, const sql::Classified& c)
    : statement_(statement) {
  if (c.where) {
    has_where_ = true;
    begin_ = std::min(c.where->begin, statement_.size());
    end_ = std::min(std::max(c.where->end, begin_), statement_.size());
  } else {
    begin_ = end_ = std::min(c.where_insert_at, statement_.size());
  }
}

std::string StatementTemplate::Render(const std::string& predicate) const {
  if (predicate.empty()) return statement_;
  std::string out;
  out.reserve(statement_.size() + predicate.size() + 16);
  out.append(statement_, 0, begin_);
  if (has_where_) {
    // The newline ends a trailing `-- comment` inside the user's condition.
    out += "(";
    out.append(statement_, begin_, end_ - begin_);
    out += "\n) AND (";
    out += predicate;
    out += ")";
  } else {
    out += "\nWHERE ";
    out += predicate;
    out += "\n";
  }
  out.append(statement_, end_, std::string::npos);
  return out;
}

}  // namespace sluice::chunk
