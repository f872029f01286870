// What "the definition of a table" means to the concurrent-DDL guard: its
// SHOW CREATE TABLE text (columns, indexes, constraints, options; without
// the name and the AUTO_INCREMENT counter) and its identity, the InnoDB
// table id, which a TRUNCATE or a rebuild changes while the text stays the
// same. Reading one costs a SHOW CREATE TABLE and one information_schema row.
#pragma once

#include <optional>
#include <string>

#include "engine/db/session.h"
#include "engine/schema/table_info.h"
#include "engine/status.h"

namespace sluice::mysql {

struct TableDefinition {
  std::string body;      // SHOW CREATE TABLE without its first line and AUTO_INCREMENT=N
  std::string table_id;  // InnoDB table id; empty where the server does not show it
};

// The body of a CREATE TABLE statement: what two tables of one shape share.
std::string DefinitionBody(const std::string& create_statement);

// nullopt when the table does not exist (dropped, or renamed away).
Result<std::optional<TableDefinition>> ReadTableDefinition(Session& s, const TableRef& t);

// A short fingerprint of `d` (SHA-256 of the body, and the table id), for
// recording in a column whose character set may not hold the names.
std::string DefinitionDigest(const TableDefinition& d);

// What changed from `before` to `after`, for a message ("column `x` added
// (`x` int(11) DEFAULT 7)", "index `k` dropped", "table options changed
// ...", "truncated or rebuilt ..."); empty when nothing did. Table ids are
// compared only when both are known.
std::string DescribeDefinitionChange(const TableDefinition& before, const TableDefinition& after);

}  // namespace sluice::mysql
