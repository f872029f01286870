// Result sets of ADMIN SHOW DDL JOBS / JOB QUERIES in the shapes TiDB's
// documentation (sql-statement-admin-show-ddl) gives: 12 columns before
// COMMENTS existed, 13 in v8.x.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/db/session.h"

namespace sluice::tidb::testing {

inline const std::vector<std::string>& Columns12() {
  static const std::vector<std::string> c = {
      "JOB_ID",    "DB_NAME",   "TABLE_NAME",  "JOB_TYPE",    "SCHEMA_STATE", "SCHEMA_ID",
      "TABLE_ID",  "ROW_COUNT", "CREATE_TIME", "START_TIME",  "END_TIME",     "STATE"};
  return c;
}

inline std::vector<std::string> Columns13() {
  auto c = Columns12();
  c.push_back("COMMENTS");
  return c;
}

struct JobRowSpec {
  long id = 100;
  std::string db = "shop";
  std::string table = "orders";
  std::string type = "add index";
  std::string schema_state = "write reorganization";
  long row_count = 0;
  std::string create_time = "2025-01-02 10:00:01";
  std::string state = "running";
  std::optional<std::string> end_time;
  std::string comments = "ingest, DXF";
};

inline Row JobRow(const JobRowSpec& j, bool with_comments) {
  Row r = {std::to_string(j.id), j.db, j.table, j.type, j.schema_state, std::string("2"),
           std::string("75"), std::to_string(j.row_count), j.create_time,
           std::string("2025-01-02 10:00:02"), j.end_time, j.state};
  if (with_comments) r.push_back(j.comments);
  return r;
}

inline ResultSet Jobs(const std::vector<JobRowSpec>& rows, bool with_comments = true) {
  ResultSet rs;
  rs.columns = with_comments ? Columns13() : Columns12();
  for (const auto& j : rows) rs.rows.push_back(JobRow(j, with_comments));
  return rs;
}

inline ResultSet Queries(const std::vector<std::pair<long, std::string>>& q) {
  ResultSet rs;
  rs.columns = {"JOB_ID", "QUERY"};
  for (const auto& [id, text] : q) rs.rows.push_back({std::to_string(id), text});
  return rs;
}

inline ResultSet Scalar(const std::string& column, const std::string& value) {
  ResultSet rs;
  rs.columns = {column};
  rs.rows.push_back({value});
  return rs;
}

}  // namespace sluice::tidb::testing
