// Keeps the user's data statement and ANDs a key-range predicate onto its
// WHERE (using the classifier's spans: the SQL is never re-printed), and
// refuses statements that cannot be chunked safely.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/classifier.h"
#include "engine/status.h"

namespace sluice::chunk {

// Why a statement cannot run as chunked batches, or Ok. Checks what needs no
// table metadata: the verb, ORDER BY / LIMIT, GROUP BY, several tables,
// INSERT...SELECT from its own target. Refusals are input errors that say to
// use chunked=false.
Status CheckChunkable(const sql::Classified& c);

// Refuses an UPDATE that assigns a chunk key column (the walk would chase or
// skip moved rows).
Status CheckKeyNotAssigned(const sql::Classified& c, const std::vector<std::string>& key_columns);

// The table a chunked statement walks: the UPDATE/DELETE target, or the
// source of INSERT...SELECT.
const TableRef& ChunkedTable(const sql::Classified& c);
// The alias the chunked table has in the statement, or "".
const std::string& ChunkedAlias(const sql::Classified& c);

// The statement split around the place where the range predicate goes.
class StatementTemplate {
 public:
  StatementTemplate(std::string_view statement, const sql::Classified& c);
  // The statement with `predicate` ANDed onto its WHERE; the statement as
  // written when `predicate` is empty.
  std::string Render(const std::string& predicate) const;

 private:
  std::string statement_;
  bool has_where_ = false;
  size_t begin_ = 0;  // where the condition starts (or the insert point)
  size_t end_ = 0;    // where it ends (== begin_ without a WHERE)
};

}  // namespace sluice::chunk
