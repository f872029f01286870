// The synthetic table every bench scenario runs against, generated
// server-side so that a million rows load in seconds: MariaDB's SEQUENCE
// engine (seq_1_to_N), or a recursive CTE on MySQL and TiDB.
//
// Columns: the key (see PkShape), price_cents, quantity, status, created_at,
// total_cents (0; what the backfill rewrites) and payload (row width).
// Row n (1-based) is a pure function of n, so foreground queries can address
// any row without reading the table first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/db/session.h"
#include "engine/schema/table_info.h"
#include "engine/status.h"

namespace sluice::bench {

enum class PkShape {
  kInt,        // id BIGINT PRIMARY KEY
  kComposite,  // PRIMARY KEY (tenant_id, id), tenant_id = n % 16
  kVarchar,    // code VARCHAR(24) PRIMARY KEY, 'k' + n zero-padded to 12 digits
};
const char* PkShapeName(PkShape s);
Result<PkShape> ParsePkShape(std::string_view text);

// How rows are generated server-side.
enum class RowGenerator {
  kAuto,          // the sequence engine on MariaDB, else the recursive CTE
  kSequence,      // MariaDB's SEQUENCE engine: seq_X_to_Y
  kRecursiveCte,  // WITH RECURSIVE (MySQL 8, MariaDB, TiDB)
};
Result<RowGenerator> ParseRowGenerator(std::string_view text);

struct SyntheticTableSpec {
  TableRef table{"", "sluice_bench_orders"};  // the table to create
  uint64_t rows = 1000000;                     // rows to load
  PkShape pk = PkShape::kInt;                  // primary-key shape
  int secondary_indexes = 3;                   // 0..kMaxSecondaryIndexes
  int row_width = 100;                         // bytes of the payload column
  RowGenerator generator = RowGenerator::kAuto;  // how rows are generated
};

inline constexpr int kMaxSecondaryIndexes = 6;

// Checks the spec's ranges; errors are input errors.
Status ValidateSpec(const SyntheticTableSpec& spec);

// The primary-key columns, in key order.
std::vector<std::string> PkColumns(PkShape pk);

// CREATE TABLE for `table` with the spec's columns and primary key only.
std::string CreateTableSql(const SyntheticTableSpec& spec, const TableRef& table);
// ALTER TABLE ... ADD INDEX ... for the secondary indexes (empty when none).
// Built after loading: a sorted index build is faster than row-by-row inserts.
std::string AddIndexesSql(const SyntheticTableSpec& spec, const TableRef& table);
// The secondary index names, in creation order.
std::vector<std::string> SecondaryIndexNames(const SyntheticTableSpec& spec);

// INSERT statements that load rows [first, last] (inclusive, 1-based) in
// slices of at most `slice` rows. `use_sequence_engine`: MariaDB's seq_X_to_Y;
// otherwise a recursive CTE that works on MySQL 8, MariaDB and TiDB.
std::vector<std::string> LoadSql(const SyntheticTableSpec& spec, uint64_t first, uint64_t last,
                                 bool use_sequence_engine, uint64_t slice = 100000);

// A WHERE condition selecting row n by its primary key.
std::string PointPredicate(const SyntheticTableSpec& spec, uint64_t n);

// Drops (if present), creates and loads the table, then builds its indexes.
Status CreateSyntheticTable(Session& s, const SyntheticTableSpec& spec);
// DROP TABLE IF EXISTS.
Status DropTable(Session& s, const TableRef& table);

}  // namespace sluice::bench
