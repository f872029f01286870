#include "mysql/shadow_copy_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "engine/sql/quote.h"

namespace sluice::mysql {
namespace {

using sql::QuoteIdent;
using sql::QuoteIdentList;
using sql::QuoteTable;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const ColumnInfo* FindColumnNoCase(const TableInfo& t, const std::string& name) {
  for (const auto& c : t.columns) {
    if (Lower(c.name) == Lower(name)) return &c;
  }
  return nullptr;
}

bool IsBinaryType(const ColumnInfo* c) {
  if (c == nullptr) return false;
  const std::string& d = c->data_type;
  return d == "binary" || d == "varbinary" || d == "tinyblob" || d == "blob" ||
         d == "mediumblob" || d == "longblob";
}

bool IsTextType(const ColumnInfo& c) {
  const std::string& d = c.data_type;
  return d == "char" || d == "varchar" || d == "tinytext" || d == "text" || d == "mediumtext" ||
         d == "longtext" || d == "enum" || d == "set";
}

// The type both sides of a changed column are CAST to before checksumming,
// so that a faithful conversion compares equal and a lossy one does not.
std::string CastTarget(const ColumnInfo& to) {
  const std::string& d = to.data_type;
  if (to.IsInteger()) return to.IsUnsigned() ? "UNSIGNED" : "SIGNED";
  auto paren = to.column_type.find('(');
  std::string args = paren == std::string::npos
                         ? ""
                         : to.column_type.substr(paren, to.column_type.find(')') - paren + 1);
  if (d == "decimal") return "DECIMAL" + args;
  if (d == "datetime" || d == "timestamp") return "DATETIME" + args;
  if (d == "time") return "TIME" + args;
  if (d == "date") return "DATE";
  if (d == "float" || d == "double") return "DOUBLE";
  if (IsBinaryType(&to)) return "BINARY";
  // Text, ENUM, SET, JSON, year, bit...: compare as text in one character set.
  return "CHAR CHARACTER SET utf8mb4";
}

std::string RangeBound(const std::vector<std::string>& cols,
                       const std::vector<const ColumnInfo*>& info, const KeyTuple& vals,
                       bool lower) {
  // (a, b) > (x, y)  ==  a > x OR (a = x AND b > y); upper bound uses <= on the last.
  std::string out;
  for (size_t i = 0; i < cols.size(); ++i) {
    std::string term;
    for (size_t j = 0; j < i; ++j) {
      term += fmt::format("{} = {} AND ", QuoteIdent(cols[j]), KeyLiteral(vals[j], info[j]));
    }
    const char* op = lower ? ">" : (i + 1 == cols.size() ? "<=" : "<");
    term += fmt::format("{} {} {}", QuoteIdent(cols[i]), op, KeyLiteral(vals[i], info[i]));
    if (!out.empty()) out += " OR ";
    out += cols.size() == 1 ? term : "(" + term + ")";
  }
  return cols.size() == 1 ? out : "(" + out + ")";
}

std::string TargetList(const CopyPlan& p) {
  std::vector<std::string> names;
  for (const auto& c : p.columns) names.push_back(c.target);
  return QuoteIdentList(names);
}

std::string SelectList(const CopyPlan& p) {
  std::string out;
  for (const auto& c : p.columns) {
    if (!out.empty()) out += ", ";
    out += p.SourceExpr(c, "");
  }
  return out;
}

std::string InsertSelect(const CopyPlan& p, const KeyRange& range, bool ignore) {
  return fmt::format("INSERT {}INTO {} ({}) SELECT {} FROM {} FORCE INDEX ({}) WHERE {} "
                     "LOCK IN SHARE MODE",
                     ignore ? "IGNORE " : "", QuoteTable(p.names.shadow), TargetList(p),
                     SelectList(p), QuoteTable(p.names.table), QuoteIdent(p.key_index),
                     KeyRangePredicate(p.old_key, p.key_info, range));
}

}  // namespace

Result<ShadowNames> MakeShadowNames(const TableRef& table) {
  constexpr size_t kMaxName = 64;
  if (table.name.size() + 5 > kMaxName) {
    return InputError(fmt::format(
        "table name `{}` is too long for a shadow copy: `_{}_new` would exceed {} characters",
        table.name, table.name, kMaxName));
  }
  ShadowNames n;
  n.table = table;
  n.shadow = {table.schema, "_" + table.name + "_new"};
  n.old = {table.schema, "_" + table.name + "_old"};
  n.insert_trigger = "_" + table.name + "_ins";
  n.update_trigger = "_" + table.name + "_upd";
  n.delete_trigger = "_" + table.name + "_del";
  return n;
}

std::string CopyPlan::SourceExpr(const CopyColumn& c, const std::string& prefix) const {
  std::string col = prefix + QuoteIdent(c.source);
  if (c.fill.empty()) return col;
  return fmt::format("COALESCE({}, {})", col, c.fill);
}

Result<CopyPlan> MakeCopyPlan(const ShadowNames& names, const TableInfo& old_table,
                              const TableInfo& new_table,
                              const std::map<std::string, std::string>& renamed,
                              const DefaultExprs& defaults) {
  CopyPlan p;
  p.names = names;
  // new name (lower case) -> old name
  std::map<std::string, std::string> source_of;
  for (const auto& [from, to] : renamed) source_of[Lower(to)] = from;

  for (const auto& nc : new_table.columns) {
    if (nc.generated) continue;  // the server computes these
    auto it = source_of.find(Lower(nc.name));
    std::string source = it != source_of.end() ? it->second : nc.name;
    const ColumnInfo* oc = FindColumnNoCase(old_table, source);
    if (oc == nullptr) continue;  // a new column: its default fills it
    if (it == source_of.end() && renamed.count(oc->name) > 0) continue;  // old one renamed away
    CopyColumn c;
    c.target = nc.name;
    c.source = oc->name;
    c.same_type = Lower(oc->column_type) == Lower(nc.column_type);
    if (!c.same_type) c.cast_as = CastTarget(nc);
    c.text = IsTextType(nc) || IsTextType(*oc);
    if (oc->nullable && !nc.nullable) {
      auto d = defaults.find(nc.name);
      if (d != defaults.end() && !d->second.empty() && Lower(d->second) != "null") {
        c.fill = d->second;
      }
    }
    p.columns.push_back(std::move(c));
  }

  const IndexInfo* key = old_table.ChunkableKey();
  if (key == nullptr) {
    return InputError(fmt::format("table {} has no primary key or unique key over NOT NULL "
                                  "columns to copy it in chunks by; add one first",
                                  QuoteTable(old_table.ref)));
  }
  p.key_index = key->name;
  p.old_key = key->columns;
  for (const auto& k : key->columns) {
    const ColumnInfo* oc = old_table.FindColumn(k);
    p.key_info.push_back(oc);
    auto col = std::find_if(p.columns.begin(), p.columns.end(),
                            [&](const CopyColumn& c) { return Lower(c.source) == Lower(k); });
    if (col == p.columns.end()) {
      return InputError(fmt::format(
          "the ALTER drops key column `{}` of {} (key {}): a shadow copy needs the key it "
          "chunks on in both tables",
          k, QuoteTable(old_table.ref), key->name));
    }
    p.new_key.push_back(col->target);
  }
  bool unique_in_new = false;
  for (const auto& idx : new_table.indexes) {
    if (!idx.unique || idx.columns.size() != p.new_key.size()) continue;
    bool same = true;
    for (size_t i = 0; i < idx.columns.size() && same; ++i) {
      same = Lower(idx.columns[i]) == Lower(p.new_key[i]);
    }
    unique_in_new |= same;
  }
  if (!unique_in_new) {
    return InputError(fmt::format("after the ALTER, ({}) is no longer a unique key of {}: a "
                                  "shadow copy needs the key it chunks on in both tables",
                                  QuoteIdentList(p.new_key), QuoteTable(old_table.ref)));
  }
  return p;
}

std::string KeyLiteral(const Cell& value, const ColumnInfo* column) {
  if (!value) return "NULL";
  const std::string& v = *value;
  if (column != nullptr && column->IsInteger() && !v.empty() &&
      std::all_of(v.begin() + (v[0] == '-' ? 1 : 0), v.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return v;
  }
  if (IsBinaryType(column)) {
    std::string hex = "X'";
    for (unsigned char c : v) hex += fmt::format("{:02X}", c);
    return hex + "'";
  }
  return sql::QuoteString(v);
}

std::string KeyRangePredicate(const std::vector<std::string>& key_columns,
                              const std::vector<const ColumnInfo*>& key_info,
                              const KeyRange& range) {
  std::string out;
  if (!range.lower.empty()) out = RangeBound(key_columns, key_info, range.lower, true);
  if (!range.upper.empty()) {
    if (!out.empty()) out += " AND ";
    out += RangeBound(key_columns, key_info, range.upper, false);
  }
  return out.empty() ? "1=1" : out;
}

std::string CopyChunkSql(const CopyPlan& p, const KeyRange& range) {
  return InsertSelect(p, range, true);
}

std::string StrictCopyChunkSql(const CopyPlan& p, const KeyRange& range) {
  return InsertSelect(p, range, false);
}

std::string DeleteShadowChunkSql(const CopyPlan& p, const KeyRange& range) {
  return fmt::format("DELETE FROM {} WHERE {}", QuoteTable(p.names.shadow),
                     KeyRangePredicate(p.new_key, p.key_info, range));
}

}  // namespace sluice::mysql
