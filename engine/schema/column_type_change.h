// Whether changing a column's type may lose values (for the lint comments of
// generated migrations): a shorter string, a smaller integer, fewer digits,
// a signedness change, or any change between type families.
#pragma once

#include <string>

namespace sluice {

// `from` and `to` are information_schema COLUMN_TYPE values ("int(11)
// unsigned", "varchar(20)", "decimal(10,2)", "enum('a','b')").
bool IsNarrowing(const std::string& from, const std::string& to);

}  // namespace sluice
