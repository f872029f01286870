// The chunker: walks a key interval in keyset chunks. Each boundary is an
// actual key read from the index (`... WHERE (k) > (lo) ORDER BY k LIMIT 1
// OFFSET n-1`), so gaps and skew in the key space do not matter.
#pragma once

#include <string>

#include "engine/chunk/key_range.h"
#include "engine/db/session.h"
#include "engine/status.h"

namespace sluice::chunk {

struct Chunk {
  KeyRange range;
  int rows = 0;       // keys in the range when it was walked (the last one: at most this)
  bool last = false;  // reaches the end of the interval it came from
};

class Chunker {
 public:
  explicit Chunker(KeySpec spec) : spec_(std::move(spec)) {}

  // The query for the key `rows` keys past remaining.lo, within `remaining`.
  std::string BoundarySql(const KeyRange& remaining, int rows) const;

  // The next chunk of at most `rows` keys at the start of `remaining`.
  Result<Chunk> Next(Session& s, const KeyRange& remaining, int rows) const;

  const KeySpec& spec() const { return spec_; }

 private:
  KeySpec spec_;
};

}  // namespace sluice::chunk
