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

bool IsBinaryType(const ColumnInfo& c) {
  const std::string& d = c.data_type;
  return d == "binary" || d == "varbinary" || d == "tinyblob" || d == "blob" || d == "mediumblob" ||
         d == "longblob";
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
  if (IsBinaryType(to)) return "BINARY";
  // Text, ENUM, SET, JSON, year, bit...: compare as text in one character set.
  return "CHAR CHARACTER SET utf8mb4";
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

std::string InsertSelect(const CopyPlan& p, const chunk::KeyRange& range, bool ignore) {
  return fmt::format(
      "INSERT {}INTO {} ({}) SELECT {} FROM {} FORCE INDEX ({}) WHERE {} "
      "LOCK IN SHARE MODE",
      ignore ? "IGNORE " : "", QuoteTable(p.names.shadow), TargetList(p), SelectList(p),
      QuoteTable(p.names.table), QuoteIdent(p.key_index), RangeWhere(p.old_spec, range));
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
    return InputError(
        fmt::format("table {} has no primary key or unique key over NOT NULL "
                    "columns to copy it in chunks by; add one first",
                    QuoteTable(old_table.ref)));
  }
  p.key_index = key->name;
  p.old_key = key->columns;
  for (const auto& k : key->columns) {
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
    return InputError(
        fmt::format("after the ALTER, ({}) is no longer a unique key of {}: a "
                    "shadow copy needs the key it chunks on in both tables",
                    QuoteIdentList(p.new_key), QuoteTable(old_table.ref)));
  }
  // MariaDB's range optimizer needs composite bounds spelled out.
  SLUICE_ASSIGN(p.old_spec, chunk::KeySpec::Make(old_table, ChunkKey{p.old_key, false},
                                                 chunk::TupleStyle::kExpanded));
  SLUICE_ASSIGN(p.new_spec, chunk::KeySpec::Make(new_table, ChunkKey{p.new_key, false},
                                                 chunk::TupleStyle::kExpanded));
  return p;
}

std::string RangeWhere(const chunk::KeySpec& spec, const chunk::KeyRange& range) {
  std::string where = chunk::RangePredicate(spec, range, false);
  return where.empty() ? "1=1" : where;
}

std::string CopyChunkSql(const CopyPlan& p, const chunk::KeyRange& range) {
  return InsertSelect(p, range, true);
}

std::string StrictCopyChunkSql(const CopyPlan& p, const chunk::KeyRange& range) {
  return InsertSelect(p, range, false);
}

std::string DeleteShadowChunkSql(const CopyPlan& p, const chunk::KeyRange& range) {
  return fmt::format("DELETE FROM {} WHERE {}", QuoteTable(p.names.shadow),
                     RangeWhere(p.new_spec, range));
}

}  // namespace sluice::mysql
