// Checkpoints of chunked data steps: table sluice_checkpoint (configurable),
// rows keyed by (revision, step, seq):
//  - seq 0, kind "summary": rows done by chunks already folded in, the last
//    seq used, and done=1 once the whole step has finished;
//  - kind "interval": a part of the key space not walked yet. Its lo_key is
//    the low watermark of the walk: every key up to it is covered by chunks;
//  - kind "chunk": a walked range (lo, hi]; done=1 marks a finished chunk
//    (the finished ranges above the watermarks), done=0 one handed to a
//    worker but not committed.
// A chunk's done=1 commits in the same transaction as the chunk's own
// statement (MarkDoneSql), so a rerun never repeats a committed chunk. What
// is left after a crash: interval remainders plus unfinished chunks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/chunk/key_range.h"
#include "engine/db/session.h"
#include "engine/status.h"

namespace sluice {

// Part of the key space still to walk.
struct CheckpointInterval {
  int64_t seq = 0;
  chunk::KeyRange range;  // lo is the walk's low watermark
  int max_rows = 0;       // > 0: walk in chunks of at most this (after a shrink-batch error)
};

// A walked chunk, recorded before it runs.
struct CheckpointChunk {
  int64_t seq = 0;
  chunk::KeyRange range;
  int keys = 0;  // keys in the range when walked
};

struct CheckpointState {
  bool exists = false;     // an earlier run started this step
  bool complete = false;   // the step has finished
  uint64_t rows_done = 0;  // rows changed by finished chunks, all runs
  uint64_t keys_done = 0;  // keys covered by finished chunks, all runs
  uint64_t chunks_done = 0;
  int64_t last_seq = 0;                  // highest seq used so far
  std::vector<CheckpointInterval> todo;  // what is left (seq: the old row's; reassigned)
};

class CheckpointStore {
 public:
  CheckpointStore(std::string table, std::string revision, int step);

  Status EnsureTable(Session& s) const;

  // What earlier runs did (a plain read, for a quick look).
  Result<CheckpointState> Load(Session& s) const;

  // Starts this run, in one transaction under row locks (a commit still in
  // flight from a dead run is waited for): folds finished chunks into the
  // summary and replaces the rest by intervals. When nothing was recorded,
  // `fresh` is the plan. Returns the state read and the intervals to walk,
  // numbered from state.last_seq + 1; seqs above the last one returned are
  // free for this run.
  struct Plan {
    CheckpointState state;
    std::vector<CheckpointInterval> intervals;
  };
  Result<Plan> StartPlan(Session& s, const std::vector<chunk::KeyRange>& fresh) const;

  // Records a walked chunk and moves its interval's watermark to `rest`
  // (nullopt: the interval is finished). Idempotent: after a lost
  // connection, retrying finds its own earlier commit.
  Status RecordChunk(Session& s, const CheckpointChunk& c, int64_t interval_seq,
                     const std::optional<chunk::KeyRange>& rest) const;

  // For the chunk's own transaction: marks it done. Affects no row when it
  // already is (an earlier attempt committed): the caller must roll back.
  std::string MarkDoneSql(int64_t seq, uint64_t rows, uint64_t keys) const;
  // Inside a transaction: locks the chunk's row and says whether it is done
  // (waits for a commit in flight). Missing rows count as done.
  Result<bool> LockAndCheckDone(Session& s, int64_t seq) const;
  // The rows recorded for a done chunk.
  Result<uint64_t> DoneRows(Session& s, int64_t seq) const;

  // Turns a chunk too large for the server back into an interval, to be
  // walked in smaller chunks. Idempotent.
  Status Requeue(Session& s, int64_t chunk_seq, const CheckpointInterval& interval) const;

  // The step finished: everything folds into the summary, marked done.
  Status Complete(Session& s) const;

  // Forgets all checkpoints of a revision (once the revision is recorded).
  static Status Clear(Session& s, const std::string& table, const std::string& revision);

  const std::string& table() const { return table_; }

 private:
  std::string Where() const;  // revision = .. AND step = ..

  std::string table_;
  std::string revision_;
  int step_;
};

}  // namespace sluice
