// Compares the old table and its shadow chunk by chunk on the columns the
// copy fills: row count and BIT_XOR of CRC32 over each row's values. Changed
// columns are CAST to the new type on both sides, so a faithful conversion
// matches and a lossy one (truncation, a collision, a dropped row) does not.
// Each chunk reads both tables in one consistent snapshot: the triggers
// commit with the writes they mirror, so a correct shadow matches exactly.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "engine/db/session.h"
#include "engine/exec/run_control.h"
#include "mysql/shadow_copy_plan.h"

namespace sluice::mysql {

struct ChunkChecksum {
  uint64_t rows = 0;
  std::string crc;  // BIT_XOR of row CRCs, as text
  bool operator==(const ChunkChecksum& o) const { return rows == o.rows && crc == o.crc; }
};

// SELECT COUNT(*), BIT_XOR(CRC32(...)) over one side's key range.
std::string ChecksumSql(const CopyPlan& p, const chunk::KeyRange& range, bool shadow_side);

// Both sides of one range in one consistent snapshot.
Result<std::pair<ChunkChecksum, ChunkChecksum>> ChecksumChunk(Session& s, const CopyPlan& p,
                                                              const chunk::KeyRange& range);

// The upper end of the chunk of `rows` keys after `lower` (exclusive; open:
// from the start) in the old table; nullopt when fewer remain (the chunk
// runs to the end).
Result<std::optional<KeyTuple>> NextChunkUpper(Session& s, const CopyPlan& p,
                                               const std::optional<KeyTuple>& lower, int rows);

struct ChecksumOptions {
  int chunk_rows = 20000;   // keys per checksum chunk
  int recopy_attempts = 2;  // re-copies of a mismatching chunk before giving up
};

struct ChecksumReport {
  uint64_t chunks = 0;
  uint64_t rows = 0;
  uint64_t recopied_chunks = 0;
};

// Walks the whole key range. A mismatching chunk is re-copied (strictly: a
// value that does not fit, or a key collision, is an error naming it) and
// checked again; a mismatch that persists is an error. `on_chunk` reports
// progress (rows checked so far).
//
// With a capture that lags (the binlog capture), `lag` is set: each chunk
// then waits for `catch_up` (everything committed before now is in the
// shadow), takes its source rows' shared locks (lock-first), catches up
// again for at most 1 s (the application may be waiting for those locks:
// longer, and the chunk lets go and starts over) and reads both sides while
// it holds them; `hold`/`release` park the capture's own writes around a
// re-copy. The last chunk ends at the key that was last when the checksum
// began: rows added after it are the capture's alone.
struct CaptureLag {
  // Fails with a lock-wait timeout after `max_wait_s` (0: no limit).
  std::function<Status(Session&, double max_wait_s)> catch_up;
  std::function<void()> hold;
  std::function<void()> release;
};
Result<ChecksumReport> VerifyShadow(Session& s, const CopyPlan& p, const ChecksumOptions& opts,
                                    RunControl& control,
                                    const std::function<void(uint64_t)>& on_chunk,
                                    const CaptureLag* lag = nullptr);

}  // namespace sluice::mysql
