#include "mysql/index_ddl.h"

#include "engine/sql/quote.h"

namespace sluice::mysql {
namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string AlterAdd(const TableRef& t, const std::vector<std::string>& defs, const char* lock) {
  std::string sql = "ALTER TABLE " + sql::QuoteTable(t);
  for (size_t i = 0; i < defs.size(); ++i) sql += (i ? ", ADD " : " ADD ") + defs[i];
  return sql + ", ALGORITHM=INPLACE, LOCK=" + lock;
}

}  // namespace

std::vector<std::string> OnlineAddIndexSql(const TableRef& t,
                                           const std::vector<std::string>& definitions) {
  std::vector<std::string> plain;
  std::vector<std::string> out;
  for (const std::string& d : definitions) {
    if (StartsWith(d, "FULLTEXT") || StartsWith(d, "SPATIAL")) {
      out.push_back(AlterAdd(t, {d}, "SHARED"));
    } else {
      plain.push_back(d);
    }
  }
  if (!plain.empty()) out.insert(out.begin(), AlterAdd(t, plain, "NONE"));
  return out;
}

}  // namespace sluice::mysql
