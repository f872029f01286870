#include "engine/chunk/key_choice.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace sluice::chunk {
namespace {

bool EqualsNoCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// "PRIMARY, u_email": the keys key= could name.
std::string UsableKeys(const TableInfo& t) {
  std::string out;
  for (const IndexInfo& i : t.indexes) {
    if (!i.unique) continue;
    bool ok = !i.columns.empty();
    for (const std::string& col : i.columns) {
      const ColumnInfo* c = t.FindColumn(col);
      ok &= c != nullptr && !c->nullable;
    }
    if (ok) out += (out.empty() ? "" : ", ") + i.name;
  }
  return out.empty() ? "none" : out;
}

}  // namespace

Result<ChunkKey> ChooseUniqueKey(const TableInfo& t, const std::string& requested) {
  const std::string table = t.ref.schema + "." + t.ref.name;
  const IndexInfo* idx = nullptr;
  if (requested.empty()) {
    idx = t.ChunkableKey();
    if (idx == nullptr) {
      return InputError(fmt::format(
          "table {} has no primary key and no unique key over NOT NULL columns to chunk on; "
          "add one, or use chunked=false",
          table));
    }
  } else {
    for (const IndexInfo& i : t.indexes) {
      if (EqualsNoCase(i.name, requested)) idx = &i;
    }
    if (idx == nullptr) {
      return InputError(fmt::format("key={}: table {} has no such index (usable keys: {})",
                                    requested, table, UsableKeys(t)));
    }
    if (!idx->unique) {
      return InputError(fmt::format("key={}: index {} of {} is not unique (usable keys: {})",
                                    requested, idx->name, table, UsableKeys(t)));
    }
  }
  if (idx->columns.empty()) {
    return InputError(
        fmt::format("key {} of {} has no plain columns (expression key)", idx->name, table));
  }
  for (const std::string& col : idx->columns) {
    const ColumnInfo* c = t.FindColumn(col);
    if (c == nullptr || c->nullable) {
      return InputError(fmt::format(
          "key {} of {}: column {} is nullable, so it cannot order a keyset walk (usable keys: "
          "{})",
          idx->name, table, col, UsableKeys(t)));
    }
  }
  ChunkKey key;
  key.columns = idx->columns;
  return key;
}

}  // namespace sluice::chunk
