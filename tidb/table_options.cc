#include "tidb/table_options.h"

#include <regex>

namespace sluice::tidb {

std::map<std::string, std::string> TidbTableOptions(const std::string& create_options) {
  static const std::regex kShard(R"(SHARD_ROW_ID_BITS\s*=\s*(\d+))", std::regex::icase);
  std::smatch m;
  const std::string bits = std::regex_search(create_options, m, kShard) ? m[1].str() : "0";
  return {{"shard_row_id_bits", "SHARD_ROW_ID_BITS=" + bits}};
}

}  // namespace sluice::tidb
