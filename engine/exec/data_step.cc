// RunDataStep: a data step as chunked parallel batches. Reads like the
// script it is: classify, inspect, choose the key, plan from the checkpoint,
// defer indexes, run the batches, record completion, restore the indexes.
#include "engine/exec/data_step.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/chunk/chunker.h"
#include "engine/chunk/statement_rewriter.h"
#include "engine/exec/batch_executor.h"
#include "engine/exec/index_deferral.h"
#include "engine/exec/run_control.h"
#include "engine/exec/worker_session.h"
#include "engine/log.h"
#include "engine/progress/progress.h"
#include "engine/sql/quote.h"
#include "engine/state/checkpoint_store.h"
#include "engine/throttle/throttler.h"

namespace sluice {
namespace {

std::string Name(const TableRef& t) { return t.schema.empty() ? t.name : t.schema + "." + t.name; }

const char* VerbName(sql::Verb v) {
  switch (v) {
    case sql::Verb::kUpdate:
      return "UPDATE";
    case sql::Verb::kDelete:
      return "DELETE";
    case sql::Verb::kInsertSelect:
      return "INSERT ... SELECT";
    case sql::Verb::kReplaceSelect:
      return "REPLACE ... SELECT";
    default:
      return "statement";
  }
}

// "batches of 1000 rows" / "batch size auto (10..100000 rows, 0.5 s a batch)";
// `ceiling`: the throttler's batch-time ceiling (the lock-wait budget), or 0.
std::string BatchSizeText(const DataStepOptions& o, double ceiling = 0) {
  if (o.batch_size > 0) return fmt::format("batches of {} rows", o.batch_size);
  if (ceiling > 0 && ceiling < o.target_batch_seconds) {
    return fmt::format("batch size auto ({}..{} rows, {} s a batch: the lock-wait budget)",
                       o.min_batch_size, o.max_batch_size, ceiling);
  }
  return fmt::format("batch size auto ({}..{} rows, {} s a batch)", o.min_batch_size,
                     o.max_batch_size, o.target_batch_seconds);
}

class DataStep {
 public:
  DataStep(Dialect& dialect, SessionFactory& sessions, const DataStepRequest& req,
           RunControl& control, ProgressReporter& progress, Throttler& throttler)
      : dialect_(dialect),
        sessions_(sessions),
        req_(req),
        control_(control),
        reporter_(progress),
        throttler_(throttler),
        coordinator_(sessions, dialect.BatchSessionSetup()),
        store_(req.checkpoint_table, req.revision, req.step_index),
        deferral_(dialect,
                  DeferredIndexStore(req.deferred_index_table, req.revision, req.step_index)) {}

  Status Run() {
    SLUICE_ASSIGN(c_, sql::Classify(req_.statement));
    if (req_.options.chunked) SLUICE_TRY(chunk::CheckChunkable(c_));
    SLUICE_TRY(Coordinate([&](Session& s) { return store_.EnsureTable(s); }));
    SLUICE_TRY(Coordinate([&](Session& s) { return deferral_.EnsureTable(s); }));

    CheckpointState before;
    SLUICE_TRY(Coordinate([&](Session& s) -> Status {
      SLUICE_ASSIGN(before, store_.Load(s));
      return Status::Ok();
    }));
    if (before.complete) {
      spdlog::info("{} step {}: already done ({} rows), skipping", req_.revision, req_.step_index,
                   before.rows_done);
      return Coordinate([&](Session& s) { return deferral_.Restore(s); });
    }
    return req_.options.chunked ? RunChunked(before) : RunUnchunked();
  }

 private:
  // Runs a coordinator operation with the batch retry policy.
  Status Coordinate(const std::function<Status(Session&)>& op) {
    return RunWithRetry(coordinator_, dialect_, RetryPolicy{}, control_,
                        [&](Session& s, int) { return op(s); });
  }

  Result<TableInfo> Inspect(const TableRef& t) {
    TableInfo info;
    SLUICE_TRY(Coordinate([&](Session& s) -> Status {
      SLUICE_ASSIGN(info, dialect_.InspectTable(s, t));
      return Status::Ok();
    }));
    return info;
  }

  BatchExecutorOptions ExecutorOptions() const {
    const DataStepOptions& o = req_.options;
    BatchExecutorOptions e;
    e.workers = o.workers;
    e.sizing.mode = o.batch_size > 0 ? chunk::BatchMode::kFixed : chunk::BatchMode::kAuto;
    e.sizing.initial_rows = o.batch_size > 0 ? o.batch_size : kAutoStartRows;
    e.sizing.min_rows = o.min_batch_size;
    e.sizing.max_rows = o.max_batch_size;
    e.sizing.target_s = o.target_batch_seconds;
    if (const double c = throttler_.BatchTimeCeiling(); c > 0) {
      e.sizing.target_s = std::min(e.sizing.target_s, c);
    }
    e.sizing.max_growth = o.max_growth;
    e.max_rate = o.max_rate;
    e.session_setup = dialect_.BatchSessionSetup();
    return e;
  }

  ProgressSnapshot BaseSnapshot(const TableInfo* t) const {
    ProgressSnapshot s;
    s.revision = req_.revision;
    s.step = req_.step_index;
    s.step_kind = "data";
    s.table = t ? t->ref.name : c_.target.name;
    s.phase = "batches";
    s.rows_estimated = t ? t->estimated_rows : 0;
    s.workers = req_.options.workers;
    s.batch_size = req_.options.batch_size;
    s.batch_mode = req_.options.batch_size > 0 ? "fixed" : "auto";
    return s;
  }

  // defer-indexes: record, then drop, the indexes of the written table. A
  // run without the option still re-creates what an earlier run deferred.
  Status DeferIndexes(const std::vector<std::string>& keep) {
    if (req_.options.defer_indexes.empty()) {
      return Coordinate([&](Session& s) { return deferral_.Restore(s); });
    }
    SLUICE_ASSIGN(TableInfo target, Inspect(c_.target));
    Status st = Coordinate([&](Session& s) -> Status {
      SLUICE_ASSIGN(auto recorded, deferral_.Recorded(s));
      SLUICE_ASSIGN(auto wanted,
                    SelectDeferredIndexes(target, req_.options.defer_indexes, keep, recorded));
      return deferral_.DropRecorded(s, target, wanted);
    });
    if (!st.ok()) {
      // E.g. an index a foreign key needs: put back whatever was dropped.
      Status restored = Coordinate([&](Session& s) { return deferral_.Restore(s); });
      if (!restored.ok())
        spdlog::error("re-creating deferred indexes: {}", restored.error().ToString());
    }
    return st;
  }

  // After the step: the final checkpoint, then the indexes.
  Status Finish(StepProgress& progress, Status st) {
    if (st.ok()) st = Coordinate([&](Session& s) { return store_.Complete(s); });
    const bool stopped = !st.ok() && st.error().exit == ExitCode::kAborted && !control_.aborted();
    if (!stopped) {
      // Done, failed or aborted: the table gets its indexes back now. A stop
      // (resumable) leaves them to the rerun.
      Status restored = Coordinate([&](Session& s) -> Status {
        SLUICE_ASSIGN(auto recorded, deferral_.Recorded(s));
        if (recorded.empty()) return Status::Ok();  // the phase only when it has work
        progress.Phase("re-create indexes");
        return deferral_.Restore(s);
      });
      if (!restored.ok()) {
        spdlog::error(
            "re-creating deferred indexes failed ({}); they stay recorded in {} and "
            "are re-created by the next run",
            restored.error().ToString(), req_.deferred_index_table);
        if (st.ok()) st = restored;
      }
    }
    progress.Finish(st);
    if (st.ok()) {
      spdlog::info("{} step {}: done, {} rows changed", req_.revision, req_.step_index,
                   progress.rows_changed());
    }
    return st;
  }

  Status RunChunked(const CheckpointState& before) {
    SLUICE_ASSIGN(TableInfo t, Inspect(chunk::ChunkedTable(c_)));
    SLUICE_ASSIGN(ChunkKey key, dialect_.ChooseChunkKey(t, req_.options.key));
    SLUICE_TRY(chunk::CheckKeyNotAssigned(c_, key.columns));
    // Read through Coordinate, as a copy: a connection lost here is retried,
    // and a session kept across later Coordinate() calls, which replace it
    // after a lost connection, dangled (a segfault under the connection-killing
    // test).
    ServerInfo server;
    SLUICE_TRY(Coordinate([&](Session& s) -> Status {
      server = s.server();
      return Status::Ok();
    }));
    const auto style = server.flavor == Flavor::kMariaDB ? chunk::TupleStyle::kExpanded
                                                               : chunk::TupleStyle::kRowConstructor;
    SLUICE_ASSIGN(chunk::KeySpec spec, chunk::KeySpec::Make(t, key, style));
    const std::string& alias = chunk::ChunkedAlias(c_);
    spec.qualifier =
        alias.empty() ? sql::QuoteTable(chunk::ChunkedTable(c_)) : sql::QuoteIdent(alias);

    const bool same_table = Name(c_.target) == Name(chunk::ChunkedTable(c_));
    std::vector<std::string> keep;
    if (same_table && !spec.index.empty()) keep.push_back(spec.index);
    SLUICE_TRY(DeferIndexes(keep));

    // A fresh start spreads the workers over the key space; a resume walks
    // what the earlier runs left.
    std::vector<chunk::KeyRange> fresh;
    if (!before.exists) {
      std::vector<KeyTuple> points;
      SLUICE_TRY(Coordinate([&](Session& s) -> Status {
        SLUICE_ASSIGN(points, dialect_.SplitPoints(s, t, key));
        return Status::Ok();
      }));
      std::optional<KeyTuple> lo;
      for (KeyTuple& p : points) {
        fresh.push_back(chunk::KeyRange{lo, p});
        lo = std::move(p);
      }
      fresh.push_back(chunk::KeyRange{lo, std::nullopt});
    }
    CheckpointStore::Plan plan;
    SLUICE_TRY(Coordinate([&](Session& s) -> Status {
      SLUICE_ASSIGN(plan, store_.StartPlan(s, fresh));
      return Status::Ok();
    }));
    if (plan.state.exists) {
      spdlog::info(
          "{} step {}: resuming from the checkpoint: {} rows already done in {} "
          "chunks, {} key ranges left",
          req_.revision, req_.step_index, plan.state.rows_done, plan.state.chunks_done,
          plan.intervals.size());
    }
    spdlog::info("{} step {}: {} on {} in chunks over ({}), {}, {} workers", req_.revision,
                 req_.step_index, VerbName(c_.verb), Name(t.ref), fmt::join(key.columns, ", "),
                 BatchSizeText(req_.options, throttler_.BatchTimeCeiling()),
                 req_.options.workers);

    StepProgress progress(reporter_, BaseSnapshot(&t), plan.state.keys_done, plan.state.rows_done);
    int64_t next_seq = plan.state.last_seq + 1;
    for (const CheckpointInterval& iv : plan.intervals) next_seq = std::max(next_seq, iv.seq + 1);
    ChunkSource source(chunk::Chunker(spec), store_, std::move(plan.intervals), next_seq);
    chunk::StatementTemplate tmpl(req_.statement, c_);
    BatchExecutor executor(dialect_, sessions_, control_, throttler_, store_, progress,
                           ExecutorOptions());
    const std::string lock_clause = LockClause(server);
    // The lock-first read has the statement's own condition too: at READ
    // COMMITTED it then keeps only the rows the statement will change.
    const std::string user_where =
        c_.where ? req_.statement.substr(c_.where->begin, c_.where->end - c_.where->begin) : "";
    Status st = executor.Run(source, [&](const chunk::KeyRange& r) {
      const std::string pred = chunk::RangePredicate(spec, r, /*qualified=*/true);
      const std::string lock_pred =
          user_where.empty() || pred.empty() ? user_where + pred
                                             : "(" + user_where + ") AND (" + pred + ")";
      return BatchSql{LockSql(spec, alias, lock_pred, lock_clause), tmpl.Render(pred)};
    });
    return Finish(progress, std::move(st));
  }

  // The NOWAIT locking-read suffix the batches lock their range with, or "".
  std::string LockClause(const ServerInfo& server) const {
    using L = DataStepOptions::LockFirst;
    L mode = req_.options.lock_first;
    if (mode == L::kAuto) {
      const bool writes_chunked = c_.verb == sql::Verb::kUpdate || c_.verb == sql::Verb::kDelete;
      mode = writes_chunked ? L::kExclusive : L::kNone;
    }
    if (mode == L::kNone) return "";
    return dialect_.NoWaitLockClause(server, mode == L::kExclusive);
  }

  // SELECT 1 FROM t [alias] WHERE <range> ORDER BY <key> <clause>: the
  // range's rows locked in key order, as the statement would lock them.
  static std::string LockSql(const chunk::KeySpec& spec, const std::string& alias,
                             const std::string& pred, const std::string& clause) {
    if (clause.empty()) return "";
    std::string order;
    for (const std::string& col : spec.columns) {
      order += (order.empty() ? "" : ", ") + spec.qualifier + "." + sql::QuoteIdent(col);
    }
    return fmt::format("SELECT 1 FROM {}{}{} ORDER BY {} {}", sql::QuoteTable(spec.table),
                       alias.empty() ? "" : " " + sql::QuoteIdent(alias),
                       pred.empty() ? "" : " WHERE " + pred, order, clause);
  }

  Status RunUnchunked() {
    SLUICE_TRY(DeferIndexes({}));
    CheckpointStore::Plan plan;
    SLUICE_TRY(Coordinate([&](Session& s) -> Status {
      SLUICE_ASSIGN(plan, store_.StartPlan(s, {}));
      return Status::Ok();
    }));
    spdlog::info("{} step {}: running as one statement (chunked=false)", req_.revision,
                 req_.step_index);
    StepProgress progress(reporter_, BaseSnapshot(nullptr), 0, 0);
    BatchExecutor executor(dialect_, sessions_, control_, throttler_, store_, progress,
                           ExecutorOptions());
    return Finish(progress, executor.RunSingle(req_.statement));
  }

  Dialect& dialect_;
  SessionFactory& sessions_;
  const DataStepRequest& req_;
  RunControl& control_;
  ProgressReporter& reporter_;
  Throttler& throttler_;
  WorkerSession coordinator_;
  CheckpointStore store_;
  IndexDeferral deferral_;
  sql::Classified c_;
};

}  // namespace

Status RunDataStep(Dialect& dialect, SessionFactory& sessions, const DataStepRequest& req,
                   RunControl& control, ProgressReporter& progress, Throttler& throttler) {
  {
    SLUICE_ASSIGN(std::unique_ptr<Session> s, sessions.Open());
    SLUICE_ASSIGN(auto native, dialect.PlanNativeDataStep(s.get(), req));
    if (native) return native->Run(sessions, control, progress);
  }
  if (req.options.strategy != "auto") {
    return InputError(fmt::format("strategy={} is not available for data steps on {}",
                                  req.options.strategy, dialect.Name()));
  }
  return DataStep(dialect, sessions, req, control, progress, throttler).Run();
}

Result<std::vector<std::string>> OfflineDataStepSql(Dialect& dialect, const DataStepRequest& req) {
  SLUICE_ASSIGN(auto native, dialect.PlanNativeDataStep(nullptr, req));
  if (native) return native->OfflineSql();
  if (req.options.strategy != "auto") {
    return InputError(fmt::format("strategy={} is not available for data steps on {}",
                                  req.options.strategy, dialect.Name()));
  }
  SLUICE_ASSIGN(sql::Classified c, sql::Classify(req.statement));
  std::string comment;
  if (req.options.chunked) {
    SLUICE_TRY(chunk::CheckChunkable(c));
    comment = fmt::format(
        "-- sluice: chunked over the unique key of {} ({} workers, {}); each "
        "batch runs this statement with its key range ANDed onto the WHERE\n",
        Name(chunk::ChunkedTable(c)), req.options.workers, BatchSizeText(req.options));
  }
  if (!req.options.defer_indexes.empty()) {
    comment += fmt::format(
        "-- sluice: defer-indexes={}: dropped before the step, re-created online after\n",
        req.options.defer_indexes);
  }
  return std::vector<std::string>{comment + req.statement};
}

}  // namespace sluice
