#include "engine/exec/chunk_source.h"

#include <algorithm>

namespace sluice {

ChunkSource::ChunkSource(chunk::Chunker chunker, const CheckpointStore& store,
                         std::vector<CheckpointInterval> intervals, int64_t next_seq)
    : chunker_(std::move(chunker)), store_(store), next_seq_(next_seq) {
  for (CheckpointInterval& iv : intervals) {
    auto in = std::make_unique<Interval>();
    in->iv = std::move(iv);
    intervals_.push_back(std::move(in));
  }
}

std::vector<ChunkSource::Interval*> ChunkSource::Snapshot() const {
  std::lock_guard<std::mutex> lock(list_mu_);
  std::vector<Interval*> out;
  for (const auto& in : intervals_) out.push_back(in.get());
  return out;
}

bool ChunkSource::Walked() const {
  for (Interval* in : Snapshot()) {
    std::lock_guard<std::mutex> lock(in->mu);
    if (!in->finished) return false;
  }
  return true;
}

Result<std::optional<WorkItem>> ChunkSource::Walk(Session& s, Interval& in, int rows) {
  if (!in.pending) {
    if (in.iv.max_rows > 0) rows = std::min(rows, in.iv.max_rows);
    SLUICE_ASSIGN(chunk::Chunk c, chunker_.Next(s, in.iv.range, rows));
    WorkItem item;
    item.seq = next_seq_++;
    in.pending_rest.reset();
    if (!c.last) in.pending_rest = chunk::KeyRange{c.range.hi, in.iv.range.hi};
    item.chunk = std::move(c);
    in.pending = std::move(item);
  }
  CheckpointChunk record;
  record.seq = in.pending->seq;
  record.range = in.pending->chunk.range;
  record.keys = in.pending->chunk.rows;
  SLUICE_TRY(store_.RecordChunk(s, record, in.iv.seq, in.pending_rest));
  if (in.pending_rest) {
    in.iv.range = *in.pending_rest;
  } else {
    in.finished = true;
  }
  std::optional<WorkItem> out = std::move(in.pending);
  in.pending.reset();
  in.pending_rest.reset();
  return out;
}

Result<std::optional<WorkItem>> ChunkSource::Next(Session& s, int worker, int workers, int rows) {
  std::vector<Interval*> all = Snapshot();
  const size_t n = all.size();
  if (n == 0) return std::optional<WorkItem>();
  const size_t start = workers > 0 ? (static_cast<size_t>(worker) * n / workers) % n : 0;
  // First an interval nobody is walking, else wait for a busy one.
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < n; ++i) {
      Interval& in = *all[(start + i) % n];
      std::unique_lock<std::mutex> lock(in.mu, std::defer_lock);
      if (pass == 0) {
        if (!lock.try_lock()) continue;
      } else {
        lock.lock();
      }
      if (in.finished) continue;
      return Walk(s, in, rows);
    }
  }
  return std::optional<WorkItem>();
}

Status ChunkSource::Requeue(Session& s, const WorkItem& item, int64_t seq, int max_rows) {
  auto in = std::make_unique<Interval>();
  in->iv.seq = seq;
  in->iv.range = item.chunk.range;
  in->iv.max_rows = std::max(1, max_rows);
  SLUICE_TRY(store_.Requeue(s, item.seq, in->iv));
  std::lock_guard<std::mutex> lock(list_mu_);
  intervals_.push_back(std::move(in));
  return Status::Ok();
}

}  // namespace sluice
