#include "engine/schema/schema_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <set>

#include "engine/schema/column_type_change.h"
#include "engine/schema/create_table_text.h"
#include "engine/sql/quote.h"

namespace sluice {
namespace {

using sql::QuoteIdent;
using sql::UnquoteIdentAt;

// What `from` becomes after the statements, and how.
struct Planned {
  std::vector<MigrationStatement> statements;
  std::vector<SchemaDifference> differences;
  std::vector<std::string> left_out;
  SchemaSnapshot result;
};

// The tables a table's foreign keys reference (in the same database).
std::set<std::string> References(const TableSnapshot& t) {
  std::set<std::string> out;
  for (const auto& [name, def] : t.foreign_keys) {
    size_t p = def.find(" REFERENCES `");
    if (p == std::string::npos) continue;
    size_t end = 0;
    std::string ref = UnquoteIdentAt(def, p + 12, &end);
    if (end < def.size() && def[end] == '.') continue;  // another database
    if (ref != t.name) out.insert(ref);
  }
  return out;
}

// `names` ordered so that what each depends on (among `names`) comes first;
// cycles are broken in name order.
std::vector<std::string> DependenciesFirst(
    const std::vector<std::string>& names,
    const std::function<std::set<std::string>(const std::string&)>& depends_on) {
  std::vector<std::string> out;
  std::set<std::string> pending(names.begin(), names.end());
  while (!pending.empty()) {
    bool progress = false;
    for (const auto& n : std::vector<std::string>(pending.begin(), pending.end())) {
      bool ready = true;
      for (const auto& dep : depends_on(n)) ready = ready && (dep == n || !pending.count(dep));
      if (ready) {
        out.push_back(n);
        pending.erase(n);
        progress = true;
      }
    }
    if (!progress) {
      out.push_back(*pending.begin());
      pending.erase(pending.begin());
    }
  }
  return out;
}

std::vector<std::string> ReferencedFirst(const std::vector<std::string>& names,
                                         const std::map<std::string, TableSnapshot>& tables) {
  return DependenciesFirst(names, [&](const std::string& n) { return References(tables.at(n)); });
}

// Views that read other views of `views` must be created after them. The
// definition names them quoted (`v`); a column alias of the same name only
// costs an unneeded ordering.
std::vector<std::string> ViewsInOrder(const std::vector<std::string>& names,
                                      const std::map<std::string, ViewSnapshot>& views) {
  return DependenciesFirst(names, [&](const std::string& n) {
    std::set<std::string> deps;
    const std::string& def = views.at(n).definition;
    const size_t body = def.find(" AS ");
    for (const auto& [other, v] : views) {
      if (other != n && def.find(QuoteIdent(other), body) != std::string::npos) deps.insert(other);
    }
    return deps;
  });
}

std::string CreateTableSql(const TableSnapshot& t) {
  static const std::regex kCounter(R"( AUTO_INCREMENT=\d+)");
  return std::regex_replace(t.create_statement, kCounter, "");
}

bool IsAutoIncrementOrGenerated(const ColumnSnapshot& c) {
  return c.generated || c.definition.find(" AUTO_INCREMENT") != std::string::npos;
}

// Builds the one ALTER TABLE turning `f` into `t`; returns the table as it
// is afterwards (columns the caller may not drop stay where they are).
TableSnapshot AlterTable(const TableSnapshot& f, const TableSnapshot& t, bool allow_drop,
                         Planned& out) {
  MigrationStatement st;
  st.object = t.name;
  std::vector<std::string> clauses;
  auto diff = [&](const std::string& change, const std::string& name, const std::string& from,
                  const std::string& to) {
    out.differences.push_back({"table", t.name, change, name, from, to});
  };
  // MariaDB cannot MODIFY a column between stored, virtual and not generated
  // (error 1907): such a column is dropped and added again, and the indexes
  // over it with it.
  auto storage = [](const ColumnSnapshot& c) {
    if (!c.generated) return std::string();
    return std::string(c.definition.find(" VIRTUAL") != std::string::npos ? "virtual" : "stored");
  };
  std::set<std::string> recreated;
  for (const auto& c : t.columns) {
    const ColumnSnapshot* old = f.FindColumn(c.name);
    if (old != nullptr && old->definition != c.definition && storage(*old) != storage(c)) {
      recreated.insert(c.name);
    }
  }
  auto over_recreated = [&](const std::string& def) {
    for (const auto& n : recreated) {
      if (def.find(QuoteIdent(n)) != std::string::npos) return true;
    }
    return false;
  };
  auto same = [&](const std::map<std::string, std::string>& defs, const std::string& name,
                  const std::string& def) {
    auto it = defs.find(name);
    return it != defs.end() && it->second == def && !over_recreated(def);
  };
  // Constraints and indexes that go or change are dropped first, so that
  // the columns and indexes they use can change.
  auto drop_changed = [&](const std::map<std::string, std::string>& old_defs,
                          const std::map<std::string, std::string>& new_defs,
                          const std::string& what, const std::string& drop_clause) {
    for (const auto& [name, def] : old_defs) {
      auto it = new_defs.find(name);
      if (same(new_defs, name, def)) continue;
      const bool primary = name == "PRIMARY" && what == "index";
      clauses.push_back(primary ? "DROP PRIMARY KEY" : drop_clause + " " + QuoteIdent(name));
      if (it == new_defs.end()) diff("drop " + what, name, def, "");
    }
  };
  // InnoDB refuses to drop and re-add a foreign key of the same name in one
  // statement (errno 121), so those re-adds follow in a second ALTER.
  std::vector<std::string> readded;
  auto add_changed = [&](const std::map<std::string, std::string>& old_defs,
                         const std::map<std::string, std::string>& new_defs,
                         const std::string& what) {
    for (const auto& [name, def] : new_defs) {
      auto it = old_defs.find(name);
      if (same(old_defs, name, def)) continue;
      const bool same_name_fk = what == "foreign key" && it != old_defs.end();
      (same_name_fk ? readded : clauses).push_back("ADD " + def);
      diff(it == old_defs.end() ? "add " + what : "change " + what, name,
           it == old_defs.end() ? "" : it->second, def);
    }
  };
  drop_changed(f.foreign_keys, t.foreign_keys, "foreign key", "DROP FOREIGN KEY");
  drop_changed(f.checks, t.checks, "check", "DROP CONSTRAINT");
  drop_changed(f.indexes, t.indexes, "index", "DROP INDEX");

  std::vector<const ColumnSnapshot*> dropped, added;
  std::vector<std::string> cur;  // column order as the statement goes
  for (const auto& c : f.columns) {
    if (t.FindColumn(c.name) != nullptr) {
      cur.push_back(c.name);
      continue;
    }
    dropped.push_back(&c);
    diff("drop column", c.name, c.definition, "");
    const std::string clause = "DROP COLUMN " + QuoteIdent(c.name);
    if (allow_drop) {
      clauses.push_back(clause);
      st.warnings.push_back(fmt::format("drops column {}: its data is lost", QuoteIdent(c.name)));
    } else {
      cur.push_back(c.name);
      out.left_out.push_back(fmt::format("ALTER TABLE {} {}", QuoteIdent(t.name), clause));
    }
  }
  std::set<std::string> desired;
  for (const auto& c : t.columns) desired.insert(c.name);
  auto index_of = [&](const std::string& n) {
    return static_cast<size_t>(std::find(cur.begin(), cur.end(), n) - cur.begin());
  };
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const ColumnSnapshot& c = t.columns[i];
    const std::string prev = i == 0 ? "" : t.columns[i - 1].name;
    const std::string placement = prev.empty() ? " FIRST" : " AFTER " + QuoteIdent(prev);
    auto place = [&]() {
      size_t at = prev.empty() ? 0 : index_of(prev) + 1;
      cur.insert(cur.begin() + static_cast<long>(at), c.name);
    };
    const ColumnSnapshot* old = f.FindColumn(c.name);
    if (recreated.count(c.name)) {
      clauses.push_back("DROP COLUMN " + QuoteIdent(c.name));
      cur.erase(cur.begin() + static_cast<long>(index_of(c.name)));
      if (!old->generated) {
        st.warnings.push_back(fmt::format(
            "{} becomes a generated column: it is dropped and added again, its data is lost",
            QuoteIdent(c.name)));
      }
      diff("modify column", c.name, old->definition, c.definition);
      old = nullptr;
    }
    if (old == nullptr) {
      if (!recreated.count(c.name)) {
        added.push_back(&c);
        diff("add column", c.name, "", c.definition);
      }
      // Appending keeps the order when no desired column follows `prev`.
      size_t from = prev.empty() ? 0 : index_of(prev) + 1;
      bool at_end = std::none_of(cur.begin() + static_cast<long>(from), cur.end(),
                                 [&](const std::string& n) { return desired.count(n) > 0; });
      clauses.push_back("ADD COLUMN " + c.definition + (at_end ? "" : placement));
      if (at_end) {
        cur.push_back(c.name);
      } else {
        place();
      }
      if (!c.nullable && !c.has_default && !IsAutoIncrementOrGenerated(c)) {
        st.warnings.push_back(fmt::format(
            "{} is NOT NULL without a DEFAULT: existing rows get the type's implicit default, "
            "and inserts that leave it out fail",
            QuoteIdent(c.name)));
      }
      continue;
    }
    // In place when the nearest desired column before it is `prev`.
    std::string before;
    for (size_t j = index_of(c.name); j-- > 0;) {
      if (desired.count(cur[j])) {
        before = cur[j];
        break;
      }
    }
    const bool in_place = before == prev;
    const bool changed = old->definition != c.definition;
    if (!in_place) {
      cur.erase(cur.begin() + static_cast<long>(index_of(c.name)));
      place();
      diff("move column", c.name, "", prev.empty() ? "first" : "after " + prev);
    }
    if (!changed && in_place) continue;
    clauses.push_back("MODIFY COLUMN " + c.definition + (in_place ? "" : placement));
    if (!changed) continue;
    diff("modify column", c.name, old->definition, c.definition);
    if (old->nullable && !c.nullable) {
      st.warnings.push_back(fmt::format(
          "{} becomes NOT NULL: rows holding NULL make the change fail", QuoteIdent(c.name)));
    }
    if (IsNarrowing(old->column_type, c.column_type)) {
      st.warnings.push_back(fmt::format(
          "{} changes type from {} to {}: values that do not fit are cut or make the change fail",
          QuoteIdent(c.name), old->column_type, c.column_type));
    }
  }
  for (const ColumnSnapshot* d : dropped) {
    for (const ColumnSnapshot* a : added) {
      if (a->column_type != d->column_type) continue;
      st.notes.push_back(fmt::format(
          "{} is dropped and {} added with the same type ({}): if this is a rename, write ALTER "
          "TABLE {} RENAME COLUMN {} TO {} instead, which keeps the data",
          QuoteIdent(d->name), QuoteIdent(a->name), a->column_type, QuoteIdent(t.name),
          QuoteIdent(d->name), QuoteIdent(a->name)));
      break;
    }
  }
  add_changed(f.indexes, t.indexes, "index");
  add_changed(f.checks, t.checks, "check");
  add_changed(f.foreign_keys, t.foreign_keys, "foreign key");
  for (const auto& [name, clause] : t.options) {
    auto it = f.options.find(name);
    if (it != f.options.end() && it->second == clause) continue;
    clauses.push_back(clause);
    diff("change option", name, it == f.options.end() ? "" : it->second, clause);
  }

  TableSnapshot after = t;
  after.columns.clear();
  for (const auto& n : cur) after.columns.push_back(*(desired.count(n) ? t.FindColumn(n)
                                                                        : f.FindColumn(n)));
  auto alter = [&](const std::vector<std::string>& list) {
    std::string sql = "ALTER TABLE " + QuoteIdent(t.name);
    for (size_t i = 0; i < list.size(); ++i) sql += (i ? ",\n  " : "\n  ") + list[i];
    return sql;
  };
  if (!clauses.empty()) {
    st.sql = alter(clauses);
    out.statements.push_back(std::move(st));
  }
  if (!readded.empty()) out.statements.push_back({t.name, alter(readded), {}, {}});
  return after;
}

Planned Plan(const SchemaSnapshot& from, const SchemaSnapshot& to, bool allow_drop) {
  Planned out;
  out.result.views = to.views;
  auto add = [&](const std::string& object, std::string sql, std::vector<std::string> warnings) {
    out.statements.push_back({object, std::move(sql), std::move(warnings), {}});
  };
  for (const auto& [name, v] : from.views) {
    if (to.views.count(name)) continue;
    add(name, "DROP VIEW " + QuoteIdent(name), {});
    out.differences.push_back({"view", name, "drop", "", v.definition, ""});
  }
  std::vector<std::string> created, gone;
  for (const auto& [name, t] : to.tables) {
    if (!from.tables.count(name)) created.push_back(name);
  }
  for (const auto& name : ReferencedFirst(created, to.tables)) {
    const TableSnapshot& t = to.tables.at(name);
    add(name, CreateTableSql(t), {});
    out.differences.push_back({"table", name, "create", "", "", CreateTableSql(t)});
    out.result.tables[name] = t;
  }
  for (const auto& [name, f] : from.tables) {
    auto it = to.tables.find(name);
    if (it == to.tables.end()) {
      gone.push_back(name);
      continue;
    }
    out.result.tables[name] = AlterTable(f, it->second, allow_drop, out);
  }
  std::vector<std::string> order = ReferencedFirst(gone, from.tables);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const std::string sql = "DROP TABLE " + QuoteIdent(*it);
    out.differences.push_back({"table", *it, "drop", "", CreateTableSql(from.tables.at(*it)), ""});
    if (allow_drop) {
      add(*it, sql, {fmt::format("drops table {} and all its rows", QuoteIdent(*it))});
    } else {
      out.left_out.push_back(sql);
      out.result.tables[*it] = from.tables.at(*it);
    }
  }
  std::vector<std::string> views;
  for (const auto& [name, v] : to.views) {
    auto it = from.views.find(name);
    if (it == from.views.end() || !(it->second == v)) views.push_back(name);
  }
  for (const auto& name : ViewsInOrder(views, to.views)) {
    const ViewSnapshot& v = to.views.at(name);
    auto it = from.views.find(name);
    add(name, "CREATE OR REPLACE " + v.definition, {});
    out.differences.push_back({"view", name, it == from.views.end() ? "create" : "change", "",
                               it == from.views.end() ? "" : it->second.definition,
                               v.definition});
  }
  return out;
}

}  // namespace

std::string SchemaDifference::ToString() const {
  std::string out = object_kind + " " + object + ": " + change;
  if (!name.empty()) out += " " + name;
  if (change == "move column") return out + " " + to;
  if (!name.empty() && !from.empty() && !to.empty()) out += ": " + from + " -> " + to;
  return out;
}

SchemaDiff DiffSchemas(const SchemaSnapshot& from, const SchemaSnapshot& to,
                       const DiffOptions& options) {
  Planned up = Plan(from, to, options.allow_drop);
  Planned down = Plan(up.result, from, true);
  SchemaDiff d;
  d.differences = std::move(up.differences);
  d.left_out = std::move(up.left_out);
  d.up = std::move(up.statements);
  // The down section undoes the up section in reverse order: each object's
  // statement goes where its up statement would be, read backwards.
  std::map<std::string, size_t> position;
  for (size_t i = 0; i < d.up.size(); ++i) position[d.up[i].object] = i;
  std::stable_sort(down.statements.begin(), down.statements.end(),
                   [&](const MigrationStatement& a, const MigrationStatement& b) {
                     auto pa = position.count(a.object) ? position[a.object] : 0;
                     auto pb = position.count(b.object) ? position[b.object] : 0;
                     return pa > pb;
                   });
  d.down = std::move(down.statements);
  return d;
}

}  // namespace sluice
