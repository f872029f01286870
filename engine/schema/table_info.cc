#include "engine/schema/table_info.h"

namespace sluice {

bool ColumnInfo::IsInteger() const {
  return data_type == "tinyint" || data_type == "smallint" || data_type == "mediumint" ||
         data_type == "int" || data_type == "bigint";
}

bool ColumnInfo::IsUnsigned() const {
  return column_type.find("unsigned") != std::string::npos;
}

const ColumnInfo* TableInfo::FindColumn(const std::string& name) const {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const IndexInfo* TableInfo::FindIndex(const std::string& name) const {
  for (const auto& i : indexes) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

const IndexInfo* TableInfo::PrimaryKey() const {
  for (const auto& i : indexes) {
    if (i.primary) return &i;
  }
  return nullptr;
}

const IndexInfo* TableInfo::ChunkableKey() const {
  if (const IndexInfo* pk = PrimaryKey()) return pk;
  for (const auto& i : indexes) {
    if (!i.unique) continue;
    bool all_not_null = true;
    for (const auto& col : i.columns) {
      const ColumnInfo* c = FindColumn(col);
      all_not_null &= c != nullptr && !c->nullable;
    }
    if (all_not_null) return &i;
  }
  return nullptr;
}

}  // namespace sluice
