#include "engine/state/version_store.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/sql/quote.h"

namespace sluice {
namespace {

constexpr int kNoSuchTable = 1146;

std::string Table(const std::string& name) { return sql::QuoteIdent(name); }

}  // namespace

std::string VersionStore::CreateTableSql(const StateTables& t) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (version_num VARCHAR(64) NOT NULL, "
      "PRIMARY KEY (version_num))",
      Table(t.version_table));
}

std::vector<std::string> VersionStore::TransitionSql(const StateTables& t,
                                                     const std::vector<std::string>& from,
                                                     const std::vector<std::string>& to) {
  std::vector<std::string> out;
  for (const auto& old : from) {
    if (std::find(to.begin(), to.end(), old) == to.end()) {
      out.push_back(fmt::format("DELETE FROM {} WHERE version_num = {}", Table(t.version_table),
                                sql::QuoteString(old)));
    }
  }
  for (const auto& head : to) {
    if (std::find(from.begin(), from.end(), head) == from.end()) {
      out.push_back(fmt::format("INSERT INTO {} (version_num) VALUES ({})", Table(t.version_table),
                                sql::QuoteString(head)));
    }
  }
  return out;
}

std::vector<std::string> VersionStore::ReplaceSql(const StateTables& t,
                                                  const std::vector<std::string>& heads) {
  std::vector<std::string> out = {fmt::format("DELETE FROM {}", Table(t.version_table))};
  for (const auto& s : TransitionSql(t, {}, heads)) out.push_back(s);
  return out;
}

Status VersionStore::EnsureTable() { return s_.Exec(CreateTableSql(t_)).status(); }

Result<std::vector<std::string>> VersionStore::Current() {
  auto rs = s_.Query(
      fmt::format("SELECT version_num FROM {} ORDER BY version_num", Table(t_.version_table)));
  if (!rs.ok()) {
    if (rs.error().code == kNoSuchTable) return std::vector<std::string>{};
    return rs.error();
  }
  std::vector<std::string> out;
  for (const auto& row : rs->rows) {
    if (row[0]) out.push_back(*row[0]);
  }
  return out;
}

Status VersionStore::Transition(const std::vector<std::string>& from,
                                const std::vector<std::string>& to) {
  for (const auto& q : TransitionSql(t_, from, to)) SLUICE_TRY(s_.Exec(q));
  return Status::Ok();
}

Status VersionStore::Replace(const std::vector<std::string>& heads) {
  for (const auto& q : ReplaceSql(t_, heads)) SLUICE_TRY(s_.Exec(q));
  return Status::Ok();
}

}  // namespace sluice
