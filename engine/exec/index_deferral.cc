#include "engine/exec/index_deferral.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "engine/log.h"
#include "engine/sql/quote.h"

namespace sluice {
namespace {

std::vector<std::string> SplitNames(const std::string& spec) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    std::string name = spec.substr(start, comma - start);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (!name.empty()) out.push_back(name);
    start = comma + 1;
  }
  return out;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool IsRecorded(const std::vector<DeferredIndex>& recorded, const TableRef& t,
                const std::string& name) {
  return std::any_of(recorded.begin(), recorded.end(), [&](const DeferredIndex& d) {
    return d.table.schema == t.schema && d.table.name == t.name && d.name == name;
  });
}

// Reads performance_schema (when enabled) to warn about deferred indexes
// that have served reads: dropping them slows those queries down.
void WarnAboutReads(Session& s, const TableInfo& t, const std::vector<DeferredIndex>& indexes) {
  auto rs = s.Query(fmt::format(
      "SELECT INDEX_NAME, COUNT_READ FROM "
      "performance_schema.table_io_waits_summary_by_index_usage WHERE OBJECT_SCHEMA = {} AND "
      "OBJECT_NAME = {} AND COUNT_READ > 0",
      sql::QuoteString(t.ref.schema), sql::QuoteString(t.ref.name)));
  if (!rs.ok()) return;  // not available: nothing to say
  for (const Row& r : rs->rows) {
    if (!r[0]) continue;
    for (const DeferredIndex& d : indexes) {
      if (d.name == *r[0]) {
        spdlog::warn(
            "index {} of {}.{} has served {} reads since the server started: queries "
            "using it will be slow until it is re-created",
            d.name, t.ref.schema, t.ref.name, r[1].value_or("?"));
      }
    }
  }
}

}  // namespace

Result<std::vector<DeferredIndex>> SelectDeferredIndexes(
    const TableInfo& t, const std::string& spec, const std::vector<std::string>& keep,
    const std::vector<DeferredIndex>& recorded) {
  std::vector<DeferredIndex> out;
  auto add = [&](const IndexInfo& idx) {
    if (IsRecorded(recorded, t.ref, idx.name)) return;
    out.push_back(DeferredIndex{t.ref, idx.name, idx.definition});
  };
  if (spec == "all") {
    for (const IndexInfo& idx : t.indexes) {
      if (idx.primary || idx.unique || Contains(keep, idx.name)) continue;
      add(idx);
    }
    return out;
  }
  for (const std::string& name : SplitNames(spec)) {
    const IndexInfo* idx = t.FindIndex(name);
    if (idx == nullptr) {
      if (IsRecorded(recorded, t.ref, name)) continue;  // dropped by an earlier run
      return InputError(
          fmt::format("defer-indexes: {}.{} has no index {}", t.ref.schema, t.ref.name, name));
    }
    if (idx->primary || Contains(keep, idx->name)) {
      return InputError(fmt::format(
          "defer-indexes: {} is the key the step is chunked on and cannot be deferred", name));
    }
    if (idx->unique) {
      return InputError(fmt::format(
          "defer-indexes: {} is UNIQUE; dropping it would let duplicates in, so it cannot be "
          "deferred",
          name));
    }
    add(*idx);
  }
  return out;
}

Status IndexDeferral::DropRecorded(Session& s, const TableInfo& t,
                                   const std::vector<DeferredIndex>& indexes) {
  SLUICE_TRY(store_.Record(s, indexes));
  SLUICE_ASSIGN(std::vector<DeferredIndex> recorded, store_.Load(s));
  std::vector<std::string> present;
  std::vector<DeferredIndex> dropping;
  for (const DeferredIndex& d : recorded) {
    if (d.table.schema != t.ref.schema || d.table.name != t.ref.name) continue;
    if (t.FindIndex(d.name) == nullptr) continue;
    present.push_back(d.name);
    dropping.push_back(d);
  }
  if (present.empty()) return Status::Ok();
  spdlog::warn(
      "deferring indexes {} of {}.{} until the step is done: index deferral is meant "
      "for tables that do not serve reads yet",
      fmt::join(present, ", "), t.ref.schema, t.ref.name);
  WarnAboutReads(s, t, dropping);
  for (const std::string& sql : dialect_.DropIndexSql(t.ref, present)) {
    auto r = s.Exec(sql);
    // 1091: an earlier attempt whose connection was lost (killed) did drop it
    // (`t` was inspected before that attempt); the record above restores it.
    if (!r.ok() && r.error().code != 1091) return r.error();
  }
  return Status::Ok();
}

Status IndexDeferral::Restore(Session& s) {
  SLUICE_ASSIGN(std::vector<DeferredIndex> recorded, store_.Load(s));
  if (recorded.empty()) return Status::Ok();
  std::map<std::pair<std::string, std::string>, std::vector<DeferredIndex>> by_table;
  for (DeferredIndex& d : recorded) by_table[{d.table.schema, d.table.name}].push_back(d);
  for (auto& [key, indexes] : by_table) {
    const TableRef ref{key.first, key.second};
    SLUICE_ASSIGN(TableInfo t, dialect_.InspectTable(s, ref));
    std::vector<std::string> missing_defs;
    std::vector<std::string> missing_names;
    for (const DeferredIndex& d : indexes) {
      if (t.FindIndex(d.name) != nullptr) continue;
      missing_defs.push_back(d.definition);
      missing_names.push_back(d.name);
    }
    if (!missing_defs.empty()) {
      spdlog::info("re-creating indexes {} of {}.{}", fmt::join(missing_names, ", "), ref.schema,
                   ref.name);
      for (const std::string& sql : dialect_.AddIndexSql(ref, missing_defs)) {
        auto r = s.Exec(sql);
        // 1061: an earlier attempt whose connection was lost did add one.
        if (!r.ok() && r.error().code != 1061) return r.error();
      }
      SLUICE_ASSIGN(t, dialect_.InspectTable(s, ref));
    }
    // Forget only what exists now: a recorded index is never dropped from the record unseen.
    std::vector<DeferredIndex> present;
    for (const DeferredIndex& d : indexes) {
      if (t.FindIndex(d.name) != nullptr) present.push_back(d);
    }
    SLUICE_TRY(store_.Forget(s, present));
    if (present.size() != indexes.size()) {
      Error e =
          RuntimeError(fmt::format("indexes of {}.{} are still missing after re-creating "
                                   "them; they stay recorded",
                                   ref.schema, ref.name));
      e.cls = ErrorClass::kRetry;
      return e;
    }
  }
  return Status::Ok();
}

}  // namespace sluice
