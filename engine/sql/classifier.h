// Classifies one statement: its kind (schema / data / plain), the table it
// targets and the span of its WHERE clause. The chunker uses the spans to AND
// a key-range predicate onto the user's WHERE without re-printing the SQL.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/schema/table_info.h"
#include "engine/status.h"

namespace sluice::sql {

enum class StatementKind { kSchema, kData, kPlain };
const char* StatementKindName(StatementKind k);

enum class Verb {
  kAlterTable,
  kCreateIndex,
  kDropIndex,
  kUpdate,
  kDelete,
  kInsertSelect,   // INSERT [IGNORE] INTO t [(cols)] SELECT ... FROM src ...
  kReplaceSelect,  // REPLACE INTO t SELECT ... FROM src ...
  kCreateTable,
  kDropTable,
  kRenameTable,
  kOther,
};

// Byte offsets into the classified statement text: [begin, end).
struct Span {
  size_t begin = 0;
  size_t end = 0;
};

struct Classified {
  StatementKind kind = StatementKind::kPlain;
  Verb verb = Verb::kOther;
  TableRef target;  // the table written (ALTER/UPDATE/DELETE/INSERT target)
  TableRef source;  // INSERT/REPLACE ... SELECT: the single FROM table
  // Span of the WHERE condition (without the WHERE keyword) of the chunked
  // table's query: the UPDATE/DELETE itself, or the SELECT of INSERT...SELECT.
  std::optional<Span> where;
  // Where " WHERE <pred>" goes when there is no WHERE: the end of the
  // FROM/UPDATE table reference part (before GROUP BY/ORDER BY/LIMIT/end).
  // UPDATE: the end of the SET clause. When there is a WHERE: where->end.
  size_t where_insert_at = 0;
  bool has_order_by = false;
  bool has_limit = false;
  // Joins, comma lists, USING, subqueries in FROM, UNION. Such UPDATE /
  // DELETE / INSERT...SELECT statements keep their verb but are kPlain.
  bool multi_table = false;
  std::vector<std::string> assigned_columns;  // UPDATE ... SET a=..., b=...
  std::string target_alias;                   // UPDATE t AS x / DELETE FROM t x: "x" (else empty)
  std::string source_alias;   // INSERT ... SELECT ... FROM src AS s: "s" (else empty)
  bool has_group_by = false;  // INSERT ... SELECT ... GROUP BY / HAVING / DISTINCT
  std::string alter_spec;     // schema: text after ALTER TABLE t (CREATE INDEX -> ADD INDEX ...)
};

// Never fails on SQL it does not understand: that is kPlain. Errors only for
// text the lexer cannot read (unterminated quote or comment).
Result<Classified> Classify(std::string_view statement);

}  // namespace sluice::sql
