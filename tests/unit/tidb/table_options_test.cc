#include "tidb/table_options.h"

#include <gtest/gtest.h>

#include "tidb/tidb_dialect.h"

namespace sluice::tidb {
namespace {

TEST(TidbTableOptions, ShardRowIdBitsFromShowCreateTable) {
  EXPECT_EQ(TidbTableOptions("ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin "
                             "/*T! SHARD_ROW_ID_BITS=4 */"),
            (std::map<std::string, std::string>{{"shard_row_id_bits", "SHARD_ROW_ID_BITS=4"}}));
  // None written: 0, so that dropping the option is a difference.
  EXPECT_EQ(TidbTableOptions("ENGINE=InnoDB DEFAULT CHARSET=utf8mb4").at("shard_row_id_bits"),
            "SHARD_ROW_ID_BITS=0");
  TidbDialect dialect(ServerInfo::FromVersionString("8.0.11-TiDB-v8.5.1"));
  EXPECT_EQ(dialect.OwnTableOptions("/*T! SHARD_ROW_ID_BITS=2 PRE_SPLIT_REGIONS=2 */")
                .at("shard_row_id_bits"),
            "SHARD_ROW_ID_BITS=2");
}

}  // namespace
}  // namespace sluice::tidb
