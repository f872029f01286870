#include "engine/state/deferred_indexes.h"

#include <fmt/format.h>

#include "engine/sql/quote.h"

namespace sluice {

DeferredIndexStore::DeferredIndexStore(std::string table, std::string revision, int step)
    : table_(std::move(table)), revision_(std::move(revision)), step_(step) {}

Status DeferredIndexStore::EnsureTable(Session& s) const {
  return s
      .Exec("CREATE TABLE IF NOT EXISTS " + sql::QuoteIdent(table_) +
            " (\n"
            "  revision VARCHAR(64) NOT NULL,\n"
            "  step INT NOT NULL,\n"
            "  table_schema VARCHAR(64) NOT NULL,\n"
            "  table_name VARCHAR(64) NOT NULL,\n"
            "  index_name VARCHAR(64) NOT NULL,\n"
            "  definition TEXT NOT NULL,\n"
            "  recorded_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n"
            "  PRIMARY KEY (revision, step, table_schema, table_name, index_name)\n"
            ")")
      .status();
}

Result<std::vector<DeferredIndex>> DeferredIndexStore::Load(Session& s) const {
  SLUICE_ASSIGN(ResultSet rs,
                s.Query(fmt::format("SELECT table_schema, table_name, index_name, definition "
                                    "FROM {} WHERE revision = {} AND step = {} "
                                    "ORDER BY recorded_at, index_name",
                                    sql::QuoteIdent(table_), sql::QuoteString(revision_), step_)));
  std::vector<DeferredIndex> out;
  for (const Row& r : rs.rows) {
    DeferredIndex d;
    d.table.schema = r[0].value_or("");
    d.table.name = r[1].value_or("");
    d.name = r[2].value_or("");
    d.definition = r[3].value_or("");
    out.push_back(std::move(d));
  }
  return out;
}

Status DeferredIndexStore::Record(Session& s, const std::vector<DeferredIndex>& indexes) const {
  if (indexes.empty()) return Status::Ok();
  std::string sql = fmt::format(
      "INSERT INTO {} (revision, step, table_schema, table_name, index_name, definition) VALUES ",
      sql::QuoteIdent(table_));
  for (size_t i = 0; i < indexes.size(); ++i) {
    const DeferredIndex& d = indexes[i];
    sql += fmt::format("{}({}, {}, {}, {}, {}, {})", i ? ", " : "", sql::QuoteString(revision_),
                       step_, sql::QuoteString(d.table.schema), sql::QuoteString(d.table.name),
                       sql::QuoteString(d.name), sql::QuoteString(d.definition));
  }
  // Keep the first recorded definition: it is the one taken before any drop.
  sql += " ON DUPLICATE KEY UPDATE definition = definition";
  return s.Exec(sql).status();
}

Status DeferredIndexStore::Forget(Session& s, const std::vector<DeferredIndex>& indexes) const {
  for (const DeferredIndex& d : indexes) {
    SLUICE_TRY(s.Exec(
        fmt::format("DELETE FROM {} WHERE revision = {} AND step = {} AND table_schema = {} AND "
                    "table_name = {} AND index_name = {}",
                    sql::QuoteIdent(table_), sql::QuoteString(revision_), step_,
                    sql::QuoteString(d.table.schema), sql::QuoteString(d.table.name),
                    sql::QuoteString(d.name))));
  }
  return Status::Ok();
}

}  // namespace sluice
