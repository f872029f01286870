// TiDB's own table options that a schema diff compares. SHOW CREATE TABLE
// prints them after the column list in executable comments, e.g.
// ") ENGINE=InnoDB ... /*T! SHARD_ROW_ID_BITS=4 */".
#pragma once

#include <map>
#include <string>

namespace sluice::tidb {

// {"shard_row_id_bits": "SHARD_ROW_ID_BITS=4"}; "SHARD_ROW_ID_BITS=0" when the
// text has none, so that removing it is a difference too.
std::map<std::string, std::string> TidbTableOptions(const std::string& create_options);

}  // namespace sluice::tidb
