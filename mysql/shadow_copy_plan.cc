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

std::string InsertSelect(const CopyPlan& p, const chunk::KeyRange& range, bool ignore,
                         bool locking_read) {
  return fmt::format("INSERT {}INTO {} ({}) SELECT {} FROM {} FORCE INDEX ({}) WHERE {}{}",
                     ignore ? "IGNORE " : "", QuoteTable(p.names.shadow), TargetList(p),
                     SelectList(p), QuoteTable(p.names.table), QuoteIdent(p.key_index),
                     RangeWhere(p.old_spec, range), locking_read ? " LOCK IN SHARE MODE" : "");
}

bool SameColumns(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// Whether `prefix` are the leading columns of `idx`, in any order.
bool LeadsIndex(const IndexInfo& idx, const std::vector<std::string>& prefix) {
  if (idx.columns.size() < prefix.size()) return false;
  std::vector<std::string> a(prefix.size()), b(prefix.size());
  for (size_t i = 0; i < prefix.size(); ++i) {
    a[i] = Lower(prefix[i]);
    b[i] = Lower(idx.columns[i]);
  }
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

bool AllNotNull(const TableInfo& t, const std::vector<std::string>& cols) {
  for (const auto& c : cols) {
    const ColumnInfo* col = FindColumnNoCase(t, c);
    if (col == nullptr || col->nullable) return false;
  }
  return true;
}

// The old table's keys that identify a row: the primary key, then the unique
// keys over NOT NULL columns.
std::vector<const IndexInfo*> RowKeys(const TableInfo& t) {
  std::vector<const IndexInfo*> out;
  if (const IndexInfo* pk = t.PrimaryKey()) out.push_back(pk);
  for (const auto& i : t.indexes) {
    if (i.unique && !i.primary && AllNotNull(t, i.columns)) out.push_back(&i);
  }
  return out;
}

// The new names of `cols`, or why one has none.
Result<std::vector<std::string>> MapToNew(const CopyPlan& p, const std::vector<std::string>& cols) {
  std::vector<std::string> out;
  for (const auto& k : cols) {
    auto col = std::find_if(p.columns.begin(), p.columns.end(),
                            [&](const CopyColumn& c) { return Lower(c.source) == Lower(k); });
    if (col == p.columns.end()) return InputError(fmt::format("column `{}` is dropped", k));
    out.push_back(col->target);
  }
  return out;
}

// The key the copy chunks on and the triggers mirror by, in this order:
//  1. a key of the old table that stays a unique key over NOT NULL columns
//     of the new one (also when the ALTER swaps which one is primary);
//  2. else the old table's first key, if its columns stay NOT NULL and lead
//     an index of the new table (a PK widened to (id, x)): the triggers
//     delete by it before each write, since it no longer identifies a row
//     to REPLACE.
Status ChooseKey(CopyPlan& p, const TableInfo& old_table, const TableInfo& new_table) {
  std::vector<const IndexInfo*> keys = RowKeys(old_table);
  if (keys.empty()) {
    return InputError(
        fmt::format("table {} has no primary key or unique key over NOT NULL "
                    "columns to copy it in chunks by; add one first",
                    QuoteTable(old_table.ref)));
  }
  auto use = [&](const IndexInfo& old_key, std::vector<std::string> new_key,
                 const IndexInfo& new_index, bool delete_by_key) {
    p.key_index = old_key.name;
    p.old_key = old_key.columns;
    p.new_key = std::move(new_key);
    p.new_key_index = new_index.name;
    p.delete_by_key = delete_by_key;
  };
  for (const IndexInfo* k : keys) {
    auto mapped = MapToNew(p, k->columns);
    if (!mapped.ok() || !AllNotNull(new_table, *mapped)) continue;
    for (const auto& idx : new_table.indexes) {
      if (idx.unique && SameColumns(idx.columns, *mapped)) {
        use(*k, *mapped, idx, false);
        return Status::Ok();
      }
    }
  }
  const IndexInfo& first = *keys.front();
  auto mapped = MapToNew(p, first.columns);
  std::string why;
  if (!mapped.ok()) {
    why = mapped.error().message;
  } else if (!AllNotNull(new_table, *mapped)) {
    why = "it becomes NULL-able";
  } else {
    for (const auto& idx : new_table.indexes) {
      if (LeadsIndex(idx, *mapped)) {
        use(first, *mapped, idx, true);
        return Status::Ok();
      }
    }
    why = "no index of the new table starts with it";
  }
  return InputError(fmt::format(
      "no key identifies a row in both {} and its new shape: the old key {} ({}) cannot serve "
      "({}), and no unique key over NOT NULL columns is kept. A shadow copy needs one to copy in "
      "chunks and mirror writes by; keep one in the ALTER",
      QuoteTable(old_table.ref), first.name, QuoteIdentList(first.columns), why));
}

}  // namespace

Result<ShadowNames> MakeShadowNames(const TableRef& table) {
  constexpr size_t kMaxName = 64;
  constexpr const char* kShadowSuffix = "_sluice_new";
  constexpr const char* kOldSuffix = "_sluice_old";
  if (table.name.size() + std::string(kShadowSuffix).size() > kMaxName) {
    return InputError(fmt::format(
        "table name `{}` is too long for a shadow copy: `{}{}` would exceed {} characters",
        table.name, table.name, kShadowSuffix, kMaxName));
  }
  ShadowNames n;
  n.table = table;
  // Named t + suffix, so that they sort after t: the cut-over's RENAME takes
  // its metadata locks in name order, and must be queued for t itself, ahead
  // of the application's statements, while it waits (docs/ONLINE_ALTER.md).
  n.shadow = {table.schema, table.name + kShadowSuffix};
  n.old = {table.schema, table.name + kOldSuffix};
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

  SLUICE_TRY(ChooseKey(p, old_table, new_table));
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
  return InsertSelect(p, range, true, true);
}

std::string StrictCopyChunkSql(const CopyPlan& p, const chunk::KeyRange& range,
                               bool locking_read) {
  return InsertSelect(p, range, false, locking_read);
}

std::string LockSourceChunkSql(const CopyPlan& p, const chunk::KeyRange& range,
                               const std::string& clause) {
  return fmt::format("SELECT 1 FROM {} FORCE INDEX ({}) WHERE {} ORDER BY {} {}",
                     QuoteTable(p.names.table), QuoteIdent(p.key_index),
                     RangeWhere(p.old_spec, range), QuoteIdentList(p.old_key), clause);
}

std::string DeleteShadowChunkSql(const CopyPlan& p, const chunk::KeyRange& range) {
  return fmt::format("DELETE FROM {} WHERE {}", QuoteTable(p.names.shadow),
                     RangeWhere(p.new_spec, range));
}

std::string KeysWhere(const std::vector<std::string>& columns,
                      const std::vector<std::vector<std::string>>& keys) {
  if (keys.empty()) return "1=0";
  std::string out;
  if (columns.size() == 1) {
    for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k[0];
    return QuoteIdent(columns[0]) + " IN (" + out + ")";
  }
  for (const auto& k : keys) {
    std::string one;
    for (size_t i = 0; i < columns.size(); ++i) {
      one += (i == 0 ? "" : " AND ") + QuoteIdent(columns[i]) + " = " + k[i];
    }
    out += (out.empty() ? "(" : " OR (") + one + ")";
  }
  return out;
}

std::string ReplaceKeysSql(const CopyPlan& p, const std::vector<std::vector<std::string>>& keys,
                           bool locking_read) {
  return fmt::format("REPLACE INTO {} ({}) SELECT {} FROM {} FORCE INDEX ({}) WHERE {}{}",
                     QuoteTable(p.names.shadow), TargetList(p), SelectList(p),
                     QuoteTable(p.names.table), QuoteIdent(p.key_index),
                     KeysWhere(p.old_key, keys), locking_read ? " LOCK IN SHARE MODE" : "");
}

std::string DeleteShadowKeysSql(const CopyPlan& p,
                                const std::vector<std::vector<std::string>>& keys) {
  return fmt::format("DELETE FROM {} WHERE {}", QuoteTable(p.names.shadow),
                     KeysWhere(p.new_key, keys));
}

std::string LockSourceKeysSql(const CopyPlan& p, const std::vector<std::vector<std::string>>& keys,
                              const std::string& clause) {
  return fmt::format("SELECT 1 FROM {} FORCE INDEX ({}) WHERE {} ORDER BY {} {}",
                     QuoteTable(p.names.table), QuoteIdent(p.key_index),
                     KeysWhere(p.old_key, keys), QuoteIdentList(p.old_key), clause);
}

}  // namespace sluice::mysql
