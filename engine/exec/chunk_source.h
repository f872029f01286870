// Hands chunks to the batch workers. The key space is a set of intervals
// (split points, or what a crashed run left); each worker prefers its own
// interval so that parallel batches land in different key ranges, and any
// number of workers can share one (walks are serialised per interval).
// Every chunk is recorded in the checkpoint before it is handed out, and its
// interval's watermark moves in the same transaction. Thread-safe.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

#include "engine/chunk/chunker.h"
#include "engine/state/checkpoint_store.h"

namespace sluice {

struct WorkItem {
  int64_t seq = 0;  // the chunk's checkpoint row
  chunk::Chunk chunk;
};

class ChunkSource {
 public:
  ChunkSource(chunk::Chunker chunker, const CheckpointStore& store,
              std::vector<CheckpointInterval> intervals, int64_t next_seq);

  // The next chunk for worker `worker` of `workers`, of at most `rows` keys,
  // walked and recorded on `s`; nullopt when every interval is walked. After
  // an error, the interval keeps the chunk pending: the next call (any
  // worker) settles it first, so a retry never records a range twice.
  Result<std::optional<WorkItem>> Next(Session& s, int worker, int workers, int rows);

  // A seq for Requeue, taken once and reused by its retries.
  int64_t AllocateSeq() { return next_seq_++; }
  // The chunk was too large for the server: its range becomes a new interval
  // (seq `seq`) walked in chunks of at most `max_rows`. Idempotent.
  Status Requeue(Session& s, const WorkItem& item, int64_t seq, int max_rows);

  // All intervals are walked (chunks may still be running).
  bool Walked() const;

 private:
  struct Interval {
    CheckpointInterval iv;
    bool finished = false;
    // A walked chunk whose record may or may not have committed.
    std::optional<WorkItem> pending;
    std::optional<chunk::KeyRange> pending_rest;
    std::mutex mu;
  };
  std::vector<Interval*> Snapshot() const;
  Result<std::optional<WorkItem>> Walk(Session& s, Interval& in, int rows);

  chunk::Chunker chunker_;
  const CheckpointStore& store_;
  mutable std::mutex list_mu_;
  std::deque<std::unique_ptr<Interval>> intervals_;
  std::atomic<int64_t> next_seq_;
};

}  // namespace sluice
