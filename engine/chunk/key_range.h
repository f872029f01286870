// Key ranges over the chunk key, and how they are written as SQL: literals
// quoted by column kind, composite keys compared as row tuples, and the
// encoding used to store a key in the checkpoint table.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/dialect.h"
#include "engine/schema/table_info.h"
#include "engine/status.h"

namespace sluice::chunk {

// How a key column's values are written as SQL literals.
enum class LiteralKind {
  kInteger,  // digits as they are (validated)
  kBinary,   // X'..' hex: binary/varbinary/blob keys, byte-exact
  kString,   // QuoteString: strings, dates, decimals (compared in the column's collation)
};

// How a composite comparison `(a,b) > (x,y)` is written. Both are exact row
// tuple (lexicographic) comparisons; kExpanded spells it out as
// `a > x OR (a = x AND b > y)` for servers whose range optimizer does not
// use an index for row constructors (MariaDB).
enum class TupleStyle { kRowConstructor, kExpanded };

// The key a data step is chunked on, with what is needed to write SQL for it.
struct KeySpec {
  TableRef table;                    // the chunked table
  std::string qualifier;             // alias or table used to qualify columns in the batch
  std::string index;                 // index to walk (FORCE INDEX); empty: none (_tidb_rowid)
  std::vector<std::string> columns;  // key columns in index order
  std::vector<LiteralKind> kinds;    // one per column
  TupleStyle style = TupleStyle::kRowConstructor;

  // Builds the spec from the inspected table and the chosen key. Refuses
  // nullable key columns (NULLs have no place in a keyset order).
  static Result<KeySpec> Make(const TableInfo& t, const ChunkKey& key, TupleStyle style);
};

// A half-open range of keys (lo, hi]. An absent bound is open.
struct KeyRange {
  std::optional<KeyTuple> lo;  // exclusive; nullopt: from the first key
  std::optional<KeyTuple> hi;  // inclusive; nullopt: through the last key
};

// The literal for one key value of the given kind.
std::string KeyLiteral(LiteralKind kind, const std::string& value);

// `cols OP values` for op in {">", "<="}, as a row tuple comparison.
// `qualified`: prefix columns with spec.qualifier (for the batch statement).
std::string TupleCompare(const KeySpec& spec, const std::string& op, const KeyTuple& values,
                         bool qualified);

// The predicate selecting the keys of `r`, or "" for the fully open range.
std::string RangePredicate(const KeySpec& spec, const KeyRange& r, bool qualified);

// Byte-exact equality of two keys (values as returned by the server).
bool SameKey(const KeyTuple& a, const KeyTuple& b);
// Equality of two optional bounds (both open, or the same key).
bool SameBound(const std::optional<KeyTuple>& a, const std::optional<KeyTuple>& b);

// Storage form of a bound: JSON array of hex strings (null for a NULL value),
// or nullopt for an open bound. Binary-safe and collation-free.
std::optional<std::string> EncodeBound(const std::optional<KeyTuple>& bound);
Result<std::optional<KeyTuple>> DecodeBound(const std::optional<std::string>& text);

}  // namespace sluice::chunk
