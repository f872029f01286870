// Split points for chunked data steps on MySQL/MariaDB. The engine walks the
// index itself; these only spread parallel workers over the key space from
// the start. For an integer leading key column they are found with a few
// index seeks at evenly spaced values between MIN and MAX (each one an
// actual key, so composite keys get full tuples); otherwise there are none.
#pragma once

#include <vector>

#include "engine/dialect.h"

namespace sluice::mysql {

// `segments` - 1 points at most, ordered, distinct.
Result<std::vector<KeyTuple>> IndexSeekSplitPoints(Session& s, const TableInfo& t,
                                                   const ChunkKey& key, int segments = 8);

}  // namespace sluice::mysql
