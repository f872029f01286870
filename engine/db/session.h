// The narrow SQL interface the engine and the dialects talk through.
// Connection implements it over MariaDB Connector/C; unit tests may script it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/db/server_info.h"
#include "engine/status.h"

namespace sluice {

using Cell = std::optional<std::string>;  // NULL is nullopt
using Row = std::vector<Cell>;

struct ResultSet {
  std::vector<std::string> columns;
  std::vector<Row> rows;

  // Index of a column by case-insensitive name, or -1 when absent. Dialects
  // bind columns by name: servers add and reorder columns across versions.
  int Column(std::string_view name) const;
  bool empty() const { return rows.empty(); }
};

struct ExecResult {
  uint64_t affected_rows = 0;
  uint64_t last_insert_id = 0;
};

class Session {
 public:
  virtual ~Session() = default;
  // Runs a statement that returns rows.
  virtual Result<ResultSet> Query(std::string_view sql) = 0;
  // Runs a statement; the result set, if any, is discarded.
  virtual Result<ExecResult> Exec(std::string_view sql) = 0;
  virtual const ServerInfo& server() const = 0;
};

}  // namespace sluice
