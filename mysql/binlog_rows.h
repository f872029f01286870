// Decodes the key of each row image in a binlog rows event: the row format of
// MySQL/MariaDB's ROW binlog (a null bitmap, then each non-null value packed
// by its column type and the table map's metadata). Only the key's values
// are turned into SQL; the other columns are only measured, to step over
// them. Pure functions, so every type has a test with bytes the server wrote.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/status.h"

namespace sluice::mysql {

// One column of the key the capture finds rows by.
struct BinlogKeyColumn {
  int index = 0;         // 0-based position in the table (the binlog's column order)
  bool is_signed = true;  // integers
  std::string charset;   // text: its character set ("binary" for binary strings)
};

// One image's key, as SQL literals in key order.
using KeyLiterals = std::vector<std::string>;

// The keys of every image in `row_data`, in order (an update's before and
// after image each give one). `column_types` and `metadata` are the table
// map's; every column must be in every image (binlog_row_image=FULL).
Result<std::vector<KeyLiterals>> DecodeRowKeys(const std::string& column_types,
                                               const std::string& metadata,
                                               const std::string& row_data,
                                               const std::vector<BinlogKeyColumn>& key);

// Whether a key column of this information_schema DATA_TYPE can be decoded.
bool BinlogKeyTypeSupported(const std::string& data_type);

}  // namespace sluice::mysql
