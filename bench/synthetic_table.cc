#include "bench/synthetic_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "engine/sql/quote.h"

namespace sluice::bench {

namespace {

using sql::QuoteIdent;
using sql::QuoteString;
using sql::QuoteTable;

// Secondary index candidates, used in this order.
struct IndexDef {
  const char* name;
  const char* columns;
};
constexpr std::array<IndexDef, kMaxSecondaryIndexes> kIndexes = {{
    {"idx_price", "`price_cents`"},
    {"idx_status_created", "`status`, `created_at`"},
    {"idx_quantity", "`quantity`"},
    {"idx_created", "`created_at`"},
    {"idx_status_quantity", "`status`, `quantity`"},
    {"idx_price_quantity", "`price_cents`, `quantity`"},
}};

constexpr int kTenants = 16;

// Column list and the matching SELECT expressions over a generator column `n`.
struct Columns {
  std::string names;
  std::string values;
};

// The key columns and their expressions for each shape.
Columns KeyColumns(PkShape pk) {
  switch (pk) {
    case PkShape::kInt:
      break;
    case PkShape::kComposite:
      return Columns{"`tenant_id`, `id`", fmt::format("n % {}, n", kTenants)};
    case PkShape::kVarchar:
      return Columns{"`code`, `id`", "CONCAT('k', LPAD(n, 12, '0')), n"};
  }
  return Columns{"`id`", "n"};
}

Columns InsertColumns(const SyntheticTableSpec& spec) {
  Columns key = KeyColumns(spec.pk);
  // total_cents starts at 0, not NULL: every backfill run then rewrites rows
  // of the same size, so the first run is not slowed by rows growing.
  return Columns{
      key.names + ", `price_cents`, `quantity`, `status`, `created_at`, `total_cents`, `payload`",
      key.values + fmt::format(", 100 + (n * 7919) % 100000, 1 + n % 20, n % 8,"
                               " TIMESTAMP'2024-01-01 00:00:00' + INTERVAL (n % 31536000) SECOND,"
                               " 0, RPAD(n, {}, 'abcdefghij')",
                               std::max(1, spec.row_width))};
}

}  // namespace

const char* PkShapeName(PkShape s) {
  switch (s) {
    case PkShape::kInt:
      return "int";
    case PkShape::kComposite:
      return "composite";
    case PkShape::kVarchar:
      return "varchar";
  }
  return "int";
}

Result<PkShape> ParsePkShape(std::string_view text) {
  if (text == "int") return PkShape::kInt;
  if (text == "composite") return PkShape::kComposite;
  if (text == "varchar") return PkShape::kVarchar;
  return InputError(fmt::format("unknown --pk '{}': use int, composite or varchar", text));
}

Result<RowGenerator> ParseRowGenerator(std::string_view text) {
  if (text == "auto") return RowGenerator::kAuto;
  if (text == "sequence") return RowGenerator::kSequence;
  if (text == "cte") return RowGenerator::kRecursiveCte;
  return InputError(fmt::format("unknown --generator '{}': use auto, sequence or cte", text));
}

Status ValidateSpec(const SyntheticTableSpec& spec) {
  if (spec.rows == 0) return InputError("--rows must be at least 1");
  if (spec.secondary_indexes < 0 || spec.secondary_indexes > kMaxSecondaryIndexes) {
    return InputError(fmt::format("--indexes must be between 0 and {}", kMaxSecondaryIndexes));
  }
  if (spec.row_width < 1 || spec.row_width > 8000) {
    return InputError("--row-width must be between 1 and 8000 bytes");
  }
  if (spec.table.name.empty()) return InputError("the bench table needs a name");
  return Status::Ok();
}

std::vector<std::string> PkColumns(PkShape pk) {
  switch (pk) {
    case PkShape::kInt:
      return {"id"};
    case PkShape::kComposite:
      return {"tenant_id", "id"};
    case PkShape::kVarchar:
      return {"code"};
  }
  return {"id"};
}

std::string CreateTableSql(const SyntheticTableSpec& spec, const TableRef& table) {
  std::string key_columns;
  switch (spec.pk) {
    case PkShape::kInt:
      key_columns = "`id` BIGINT NOT NULL,\n";
      break;
    case PkShape::kComposite:
      key_columns = "`tenant_id` INT NOT NULL,\n  `id` BIGINT NOT NULL,\n";
      break;
    case PkShape::kVarchar:
      key_columns = "`code` VARCHAR(24) NOT NULL,\n  `id` BIGINT NOT NULL,\n";
      break;
  }
  return fmt::format(
      "CREATE TABLE {} (\n  {}"
      "  `price_cents` INT NOT NULL,\n"
      "  `quantity` INT NOT NULL,\n"
      "  `status` TINYINT NOT NULL,\n"
      "  `created_at` DATETIME NOT NULL,\n"
      "  `total_cents` BIGINT NULL,\n"
      "  `payload` VARCHAR({}) NOT NULL,\n"
      "  PRIMARY KEY ({})\n) ENGINE=InnoDB",
      QuoteTable(table), key_columns, std::max(1, spec.row_width),
      sql::QuoteIdentList(PkColumns(spec.pk)));
}

std::vector<std::string> SecondaryIndexNames(const SyntheticTableSpec& spec) {
  std::vector<std::string> names;
  for (int i = 0; i < spec.secondary_indexes && i < kMaxSecondaryIndexes; ++i) {
    names.push_back(kIndexes[i].name);
  }
  return names;
}

std::string AddIndexesSql(const SyntheticTableSpec& spec, const TableRef& table) {
  if (spec.secondary_indexes <= 0) return "";
  std::string sql = "ALTER TABLE " + QuoteTable(table);
  for (int i = 0; i < spec.secondary_indexes && i < kMaxSecondaryIndexes; ++i) {
    sql += fmt::format("{} ADD INDEX {} ({})", i == 0 ? "" : ",", QuoteIdent(kIndexes[i].name),
                       kIndexes[i].columns);
  }
  return sql;
}

std::vector<std::string> LoadSql(const SyntheticTableSpec& spec, uint64_t first, uint64_t last,
                                 bool use_sequence_engine, uint64_t slice) {
  std::vector<std::string> out;
  Columns c = InsertColumns(spec);
  slice = std::max<uint64_t>(1, slice);
  for (uint64_t lo = first; lo <= last; lo += slice) {
    uint64_t hi = std::min(last, lo + slice - 1);
    if (use_sequence_engine) {
      out.push_back(fmt::format("INSERT INTO {} ({}) SELECT {} FROM (SELECT seq AS n FROM "
                                "seq_{}_to_{}) g",
                                QuoteTable(spec.table), c.names, c.values, lo, hi));
      continue;
    }
    // 0..999 from a shallow recursion (within the default recursion limit of
    // 1000), squared by a self-join: up to 10^6 rows per statement.
    uint64_t count = hi - lo + 1;
    uint64_t thousands = (count + 999) / 1000;
    out.push_back(fmt::format(
        "INSERT INTO {} ({}) WITH RECURSIVE d (v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM d "
        "WHERE v < 999) SELECT {} FROM (SELECT {} + a.v * 1000 + b.v AS n FROM d a CROSS JOIN "
        "d b WHERE a.v < {}) g WHERE n <= {}",
        QuoteTable(spec.table), c.names, c.values, lo, thousands, hi));
  }
  return out;
}

std::string PointPredicate(const SyntheticTableSpec& spec, uint64_t n) {
  switch (spec.pk) {
    case PkShape::kInt:
      return fmt::format("`id` = {}", n);
    case PkShape::kComposite:
      return fmt::format("`tenant_id` = {} AND `id` = {}", n % kTenants, n);
    case PkShape::kVarchar:
      return fmt::format("`code` = {}", QuoteString(fmt::format("k{:012}", n)));
  }
  return "";
}

Status DropTable(Session& s, const TableRef& table) {
  return s.Exec("DROP TABLE IF EXISTS " + QuoteTable(table)).status();
}

Status CreateSyntheticTable(Session& s, const SyntheticTableSpec& spec) {
  SLUICE_TRY(ValidateSpec(spec));
  SLUICE_TRY(DropTable(s, spec.table));
  SLUICE_TRY(s.Exec(CreateTableSql(spec, spec.table)).status());
  bool sequence = spec.generator == RowGenerator::kSequence ||
                  (spec.generator == RowGenerator::kAuto && s.server().flavor == Flavor::kMariaDB);
  for (const std::string& insert : LoadSql(spec, 1, spec.rows, sequence)) {
    SLUICE_TRY(s.Exec(insert).status());
  }
  std::string indexes = AddIndexesSql(spec, spec.table);
  if (!indexes.empty()) SLUICE_TRY(s.Exec(indexes).status());
  // Fresh statistics: the engine's row estimate and the optimizer read them.
  SLUICE_TRY(s.Exec("ANALYZE TABLE " + QuoteTable(spec.table)).status());
  return Status::Ok();
}

}  // namespace sluice::bench
