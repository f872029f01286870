#include "mysql/shadow_copy.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <thread>

#include "engine/db/connection.h"
#include "engine/db/session_factory.h"
#include "engine/exec/data_step.h"
#include "engine/exec/run_control.h"
#include "engine/log.h"
#include "engine/progress/progress.h"
#include "engine/sql/quote.h"
#include "engine/state/checkpoint_store.h"
#include "engine/throttle/throttler.h"
#include "mysql/binlog_marker.h"
#include "mysql/capture_choice.h"
#include "mysql/child_control.h"
#include "mysql/copy_progress.h"
#include "mysql/foreign_keys.h"
#include "mysql/index_lines.h"
#include "mysql/triggers.h"
#include "mysql/user_triggers.h"

namespace sluice::mysql {
namespace {

using sql::QuoteIdent;
using sql::QuoteString;
using sql::QuoteTable;

constexpr int kDuplicateEntry = 1062;
constexpr int kDuplicateKeyName = 1061;  // ER_DUP_KEYNAME
constexpr const char* kCheckpointTable = "sluice_checkpoint";
// sluice_checkpoint rows of the step itself: -1 the swap marker, -2 the
// original's definition the shadow was made from, -3 a drop-swap under way
// (mysql/online_alter.cc reads -1 and -3), -100 and below the user's
// triggers (mysql/user_triggers.h).
constexpr int kBaselineSeq = -2;
constexpr int kDropSwapSeq = -3;
// -4: the binlog capture (mysql/binlog_marker.h).

Result<std::string> ShowCreate(Session& s, const TableRef& t) {
  SLUICE_ASSIGN(ResultSet rs, s.Query("SHOW CREATE TABLE " + QuoteTable(t)));
  if (rs.rows.empty() || rs.rows[0].size() < 2) return RuntimeError("SHOW CREATE TABLE: no row");
  return rs.rows[0][1].value_or("");
}

// Defaults of the NOT NULL columns, as SQL expressions (MariaDB writes
// COLUMN_DEFAULT as one; MySQL writes the bare literal).
Result<DefaultExprs> NotNullDefaults(Session& s, const TableRef& t) {
  SLUICE_ASSIGN(ResultSet rs,
                s.Query(fmt::format("SELECT COLUMN_NAME, COLUMN_DEFAULT, EXTRA FROM "
                                    "information_schema.COLUMNS WHERE TABLE_SCHEMA = {} AND "
                                    "TABLE_NAME = {} AND IS_NULLABLE = 'NO' AND COLUMN_DEFAULT "
                                    "IS NOT NULL",
                                    QuoteString(t.schema), QuoteString(t.name))));
  DefaultExprs out;
  const bool mariadb = s.server().flavor == Flavor::kMariaDB;
  for (const auto& row : rs.rows) {
    std::string def = row[1].value_or("");
    std::string extra = row[2].value_or("");
    if (!mariadb && extra.find("DEFAULT_GENERATED") == std::string::npos) def = QuoteString(def);
    if (!mariadb && extra.find("DEFAULT_GENERATED") != std::string::npos) def = "(" + def + ")";
    out[row[0].value_or("")] = def;
  }
  return out;
}

// Column name -> character set (empty for non-text columns).
Result<std::map<std::string, std::string>> ColumnCharsets(Session& s, const TableRef& t) {
  SLUICE_ASSIGN(ResultSet rs,
                s.Query(fmt::format("SELECT COLUMN_NAME, CHARACTER_SET_NAME FROM "
                                    "information_schema.COLUMNS WHERE TABLE_SCHEMA = {} AND "
                                    "TABLE_NAME = {}",
                                    QuoteString(t.schema), QuoteString(t.name))));
  std::map<std::string, std::string> out;
  for (const auto& row : rs.rows) out[row[0].value_or("")] = row[1].value_or("");
  return out;
}

// Prepends the copy's sql_mode to every session the data-step executor opens:
// auto-increment zeros and zero dates must copy as they are.
class CopySessionFactory : public SessionFactory {
 public:
  explicit CopySessionFactory(SessionFactory& inner) : inner_(inner) {}
  Result<std::unique_ptr<Session>> Open() override {
    SLUICE_ASSIGN(std::unique_ptr<Session> s, inner_.Open());
    SLUICE_TRY(s->Exec(fmt::format("SET SESSION sql_mode = {}", QuoteString(kCopySqlMode))));
    return s;
  }

 private:
  SessionFactory& inner_;
};

}  // namespace

ShadowCopy::ShadowCopy(Dialect& dialect, SessionFactory& sessions, SchemaChangeRequest req,
                       AlterSpec spec, TableInfo table, ShadowNames names, ShadowCopyOptions opts,
                       std::string reason)
    : dialect_(dialect),
      sessions_(sessions),
      req_(std::move(req)),
      spec_(std::move(spec)),
      table_(std::move(table)),
      names_(std::move(names)),
      opts_(opts),
      reason_(std::move(reason)) {}

std::vector<std::string> ShadowCopy::OfflineSql() const {
  std::vector<std::string> out = {
      fmt::format("CREATE TABLE {} LIKE {}", QuoteTable(names_.shadow), QuoteTable(names_.table)),
      fmt::format("ALTER TABLE {} {}", QuoteTable(names_.shadow), spec_.spec_without_options),
      "-- secondary indexes of the shadow are dropped here and re-added after the copy",
      fmt::format("-- triggers {}, {}, {} on {} mirror writes into {}", names_.insert_trigger,
                  names_.update_trigger, names_.delete_trigger, QuoteTable(names_.table),
                  QuoteTable(names_.shadow)),
      fmt::format("-- copy in key-range chunks: INSERT IGNORE INTO {} (...) SELECT ... FROM {} "
                  "WHERE <key range> LOCK IN SHARE MODE",
                  QuoteTable(names_.shadow), QuoteTable(names_.table)),
      fmt::format("-- ALTER TABLE {} ADD <deferred indexes>, ALGORITHM=INPLACE, LOCK=NONE",
                  QuoteTable(names_.shadow)),
      "-- chunked checksum of both tables, then, while another session holds LOCK TABLES on both "
      "and a sentry table named " +
          QuoteTable(names_.old) + " and finds the definitions unchanged:",
      CutOverSql(names_),
  };
  for (const auto& s : DropTriggerSql(names_)) out.push_back(s);
  if (!opts_.keep_old_table) out.push_back("DROP TABLE " + QuoteTable(names_.old));
  return out;
}

void ShadowCopy::Publish(ProgressReporter& progress, const std::string& phase, uint64_t rows_done,
                         double rows_per_s) {
  ProgressSnapshot s;
  s.revision = req_.revision;
  s.step = req_.step_index;
  s.step_kind = "schema";
  s.table = names_.table.name;
  s.phase = phase;
  s.rows_done = rows_done;
  s.rows_estimated = Rows();
  s.workers = opts_.workers;
  if (rows_per_s > 0) {
    s.rows_per_s = rows_per_s;
    s.eta_s = s.rows_estimated > rows_done ? (s.rows_estimated - rows_done) / rows_per_s : 0;
  }
  progress.Snapshot(s);
}

uint64_t ShadowCopy::Rows() const {
  const uint64_t checked = rows_checked_.load();
  return checked != 0 ? checked : table_.estimated_rows;
}

Status ShadowCopy::Run(RunControl& control, ProgressReporter& progress) {
  spdlog::info("{}: strategy copy ({})", QuoteTable(names_.table), reason_);
  ChildControl copy_control(control);
  Status st = RunSteps(copy_control.control(), progress);
  if (guard_) guard_->Unwatch();
  if (capture_) capture_->Stop();  // its threads use copy_control
  if (st.ok() || swapped_) return st;
  st = GuardedError(st);
  // A failed capture stops the copy wherever it is: say why, not where.
  if (capture_ && !ddl_failed_ && !capture_->failure().ok()) st = capture_->failure();
  // A stop from inside the copy (critical load) is the run's.
  RunControl& inner = copy_control.control();
  if (inner.aborted() && !control.aborted() && !ddl_failed_) {
    control.RequestAbort(inner.abort_reason());
  }
  if (control.stopping() && !control.aborted() && !ddl_failed_) {
    spdlog::warn(
        "stopped: {} and {} stay in place; run the same alter again to "
        "resume the copy from its checkpoint",
        QuoteTable(names_.shadow),
        binlog_ ? "the binlog position it has applied" : "the triggers");
    return st;
  }
  auto s = sessions_.Open();
  if (!s.ok()) return st;
  if (!checkpoint_key_.empty())
    (void)CheckpointStore::Clear(**s, kCheckpointTable, checkpoint_key_);
  (void)s->get()->Exec(
      fmt::format("DELETE FROM {} WHERE revision = {} AND step = {} AND seq < -1",  // not -1
                  QuoteIdent(kCheckpointTable), QuoteString(req_.revision), req_.step_index));
  Status cleaned = CleanUpShadow(**s, names_, opts_.cut_over);
  if (!cleaned.ok()) {
    Error e = st.error();
    e.message += "; " + cleaned.error().message;
    return e;
  }
  return st;
}

Status ShadowCopy::RunSteps(RunControl& control, ProgressReporter& progress) {
  SLUICE_ASSIGN(std::unique_ptr<Session> s, sessions_.Open());
  SLUICE_TRY(TakeBaseline(*s));
  SLUICE_TRY(CheckBinlogResume(*s));
  if (!opts_.resume) {
    SLUICE_TRY(CreateShadow(*s));
  } else {
    spdlog::info("resuming the shadow copy into {}", QuoteTable(names_.shadow));
  }
  SLUICE_TRY(PlanCopy(*s));
  SLUICE_TRY(DeferIndexes(*s));
  SLUICE_TRY(EnsureCapture(*s, control));
  SLUICE_TRY(StartGuard(*s, control));
  SLUICE_TRY(PickCheckpointKey(*s));
  SLUICE_TRY(CopyRows(s->server(), control, progress));
  SLUICE_TRY(IndexAndVerify(*s, control, progress));
  SLUICE_TRY(WaitForCutOver(control, progress));
  Publish(progress, "cut-over", Rows());
  // The guard's last check is the cut-over's own, made with the tables locked.
  guard_->Unwatch();
  if (!guard_->change().empty()) return DdlFailure(guard_->change());
  // The user's triggers are journaled before they move (mysql/user_triggers.h).
  SLUICE_ASSIGN(std::vector<UserTrigger> user_triggers, ListUserTriggers(*s, names_.table, names_));
  SLUICE_TRY(
      JournalUserTriggers(*s, kCheckpointTable, req_.revision, req_.step_index, user_triggers));
  if (binlog_) {
    // Little left for the locked drain: the application waits while it runs.
    SLUICE_TRY(capture_->CatchUp(*s, control));
    capture_->Hold();
  }
  CutOverHooks hooks;
  hooks.check = [this, &control](Session& locked) -> Status {
    SLUICE_ASSIGN(std::string change, guard_->Check(locked));
    if (!change.empty()) return DdlFailure(change);
    // The writers are locked out: what the binary log has now is all.
    return binlog_ ? capture_->Drain(locked, control, opts_.cut_over.lock_wait_timeout_s)
                   : Status::Ok();
  };
  hooks.prepare = [this, &user_triggers](Session& locked) -> Status {
    SLUICE_ASSIGN(user_triggers, ListUserTriggers(locked, names_.table, names_));
    return MoveUserTriggers(locked, user_triggers, names_.shadow, names_.table);
  };
  hooks.undo = [this, &user_triggers](Session& locked) {
    return MoveUserTriggers(locked, user_triggers, names_.table, names_.shadow);
  };
  if (opts_.drop_swap) {
    // A rerun must know a drop-swap was under way if it finds t gone.
    SLUICE_TRY(s->Exec(fmt::format(
        "REPLACE INTO {} (revision, step, seq, kind) VALUES ({}, {}, {}, 'drop-swap')",
        QuoteIdent(kCheckpointTable), QuoteString(req_.revision), req_.step_index, kDropSwapSeq)));
    SLUICE_TRY(DropSwapCutOver(*s, names_, opts_.cut_over, control, hooks));
  } else {
    SLUICE_TRY(CutOver(sessions_, *s, names_, opts_.cut_over, control, hooks));
  }
  swapped_ = true;
  if (capture_) capture_->Stop();
  // --foreign-keys rebuild: children followed the original to t_sluice_old.
  SLUICE_TRY(RepointReferences(*s, names_.old, names_.table).status());
  // Until the caller records this step as done, a rerun must know that the
  // swap happened, also once the clean-up below has dropped t_sluice_old: a marker
  // under the step's own key (seq -1), cleared with the revision's
  // checkpoints. mysql/online_alter.cc reads it.
  SLUICE_TRY(s->Exec(fmt::format(
      "INSERT INTO {} (revision, step, seq, kind, lo_key) VALUES ({}, {}, -1, 'swapped', {}) "
      "ON DUPLICATE KEY UPDATE kind = 'swapped', lo_key = VALUES(lo_key)",
      QuoteIdent(kCheckpointTable), QuoteString(req_.revision), req_.step_index,
      QuoteString(req_.alter_spec))));
  SLUICE_TRY(FinishCutOver(*s, names_, opts_.keep_old_table, opts_.cut_over, control));
  SLUICE_TRY(CheckpointStore::Clear(*s, kCheckpointTable, checkpoint_key_));
  Publish(progress, "done", Rows());
  return Status::Ok();
}

Status ShadowCopy::TakeBaseline(Session& s) {
  SLUICE_ASSIGN(std::optional<TableDefinition> now, ReadTableDefinition(s, names_.table));
  if (!now) return InputError("no such table " + QuoteTable(names_.table));
  baseline_ = *now;
  // Recorded as a hash: the column is not utf8mb4 everywhere, names may be.
  const std::string digest = DefinitionDigest(*now);
  CheckpointStore store(kCheckpointTable, req_.revision, req_.step_index);
  SLUICE_TRY(store.EnsureTable(s));
  if (opts_.resume) {
    // The definition a stopped run made its shadow from, if it recorded it.
    SLUICE_ASSIGN(ResultSet rs,
                  s.Query(fmt::format("SELECT lo_key FROM {} WHERE revision = {} AND step = {} AND "
                                      "seq = {}",
                                      QuoteIdent(kCheckpointTable), QuoteString(req_.revision),
                                      req_.step_index, kBaselineSeq)));
    if (rs.rows.empty() || rs.rows[0][0].value_or("") == digest) return Status::Ok();
    spdlog::warn(
        "{} changed while the copy was stopped (its definition or identity is not the one the "
        "shadow was made from): starting the copy afresh",
        QuoteTable(names_.table));
    SLUICE_TRY(CleanUpShadow(s, names_, opts_.cut_over));
    opts_.resume = false;
  }
  SLUICE_TRY(s.Exec(fmt::format(
      "REPLACE INTO {} (revision, step, seq, kind, lo_key) VALUES ({}, {}, {}, 'definition', {})",
      QuoteIdent(kCheckpointTable), QuoteString(req_.revision), req_.step_index, kBaselineSeq,
      QuoteString(digest))));
  return Status::Ok();
}

Status ShadowCopy::StartGuard(Session& s, RunControl& control) {
  SLUICE_ASSIGN(std::string shadow, ShowCreate(s, names_.shadow));
  guard_ =
      std::make_unique<DdlGuard>(names_, baseline_, ShapeWithoutIndexes(shadow), opts_.cut_over,
                                 /*triggers=*/!binlog_);
  // What happened between the baseline and the triggers: no trigger saw it.
  SLUICE_ASSIGN(std::string change, guard_->Check(s));
  if (!change.empty()) return DdlFailure(change);
  guard_->Watch(sessions_, control, opts_.ddl_check_interval);
  return Status::Ok();
}

Status ShadowCopy::DdlFailure(const std::string& change) {
  ddl_failed_ = true;
  return guard_->ChangeError(change);
}

Status ShadowCopy::GuardedError(const Status& st) {
  if (!guard_ || ddl_failed_) return st;
  if (!guard_->change().empty()) return DdlFailure(guard_->change());
  // The copy may meet the change before the guard does (a dropped column
  // fails its SELECT): name the change, not its symptom.
  auto s = sessions_.Open();
  if (!s.ok()) return st;
  auto change = guard_->Check(**s);
  if (!change.ok() || change->empty()) return st;
  return DdlFailure(*change);
}

Status ShadowCopy::CreateShadow(Session& s) {
  SLUICE_TRY(s.Exec(
      fmt::format("CREATE TABLE {} LIKE {}", QuoteTable(names_.shadow), QuoteTable(names_.table))));
  auto r = s.Exec(
      fmt::format("ALTER TABLE {} {}", QuoteTable(names_.shadow), spec_.spec_without_options));
  if (!r.ok()) {
    Error e = r.error();
    e.cls = ErrorClass::kFatal;
    e.message = "the ALTER fails on the shadow table: " + e.message;
    return e;
  }
  // The table's own foreign keys (LIKE copies none), before any row arrives.
  SLUICE_ASSIGN(std::string original, ShowCreate(s, names_.table));
  SLUICE_ASSIGN(std::string add_fks, AddForeignKeysSql(names_.shadow, ForeignKeysOf(original)));
  if (add_fks.empty()) return Status::Ok();
  auto fks = s.Exec(add_fks);
  if (!fks.ok()) {
    Error e = fks.error();
    e.cls = ErrorClass::kFatal;
    e.message = fmt::format(
        "the foreign keys of {} do not fit its new shape (does the ALTER change their columns?): "
        "{}",
        QuoteTable(names_.table), e.message);
    return e;
  }
  spdlog::info("created the foreign keys of {} on {} under toggled names", QuoteTable(names_.table),
               QuoteTable(names_.shadow));
  return Status::Ok();
}

Status ShadowCopy::PlanCopy(Session& s) {
  SLUICE_ASSIGN(TableInfo shadow, dialect_.InspectTable(s, names_.shadow));

  SLUICE_ASSIGN(DefaultExprs defaults, NotNullDefaults(s, names_.shadow));
  SLUICE_ASSIGN(plan_, MakeCopyPlan(names_, table_, shadow, spec_.renamed_columns, defaults));
  // Text compares in one character set only where the ALTER changes it.
  SLUICE_ASSIGN(auto old_cs, ColumnCharsets(s, names_.table));
  SLUICE_ASSIGN(auto new_cs, ColumnCharsets(s, names_.shadow));
  for (auto& c : plan_.columns) c.text = c.text && old_cs[c.source] != new_cs[c.target];
  // The new shape's indexes: from the shadow itself, or on a resume (its
  // deferred indexes are gone) from a scratch temporary table of that shape.
  std::string create;
  if (!opts_.resume) {
    SLUICE_ASSIGN(create, ShowCreate(s, names_.shadow));
  } else {
    TableRef scratch{names_.table.schema, "_" + names_.table.name + "_shape"};
    SLUICE_TRY(s.Exec(fmt::format("CREATE TEMPORARY TABLE {} LIKE {}", QuoteTable(scratch),
                                  QuoteTable(names_.table))));
    auto altered =
        s.Exec(fmt::format("ALTER TABLE {} {}", QuoteTable(scratch), spec_.spec_without_options));
    auto shown = altered.ok() ? ShowCreate(s, scratch) : Result<std::string>(altered.error());
    (void)s.Exec("DROP TEMPORARY TABLE IF EXISTS " + QuoteTable(scratch));
    SLUICE_ASSIGN(create, std::move(shown));
  }
  // Indexes a foreign key needs cannot be dropped (1553).
  SLUICE_ASSIGN(std::string shadow_create, ShowCreate(s, names_.shadow));
  std::vector<ForeignKeyDef> fks = ForeignKeysOf(shadow_create);
  auto needed_by_fk = [&fks](const IndexDefinition& d) {
    std::vector<std::string> cols = IndexColumns(d.definition);
    for (const auto& fk : fks) {
      if (cols.size() >= fk.columns.size() &&
          std::equal(fk.columns.begin(), fk.columns.end(), cols.begin())) {
        return true;
      }
    }
    return false;
  };
  deferred_.clear();
  for (auto& d : SecondaryIndexes(create)) {
    if (!d.deferrable || needed_by_fk(d)) continue;
    if (d.name == plan_.new_key_index) continue;  // the triggers find rows by it
    deferred_.push_back(std::move(d));
  }
  return Status::Ok();
}

Status ShadowCopy::DeferIndexes(Session& s) {
  SLUICE_ASSIGN(std::string create, ShowCreate(s, names_.shadow));
  std::string drops;
  for (const auto& present : SecondaryIndexes(create)) {
    for (const auto& d : deferred_) {
      if (d.name != present.name) continue;
      drops += (drops.empty() ? "" : ", ") + ("DROP INDEX " + QuoteIdent(d.name));
    }
  }
  if (drops.empty()) return Status::Ok();
  spdlog::info("deferring {} secondary index(es) of {} until after the copy", deferred_.size(),
               QuoteTable(names_.shadow));
  SLUICE_TRY(s.Exec(fmt::format("ALTER TABLE {} {}", QuoteTable(names_.shadow), drops)));
  return Status::Ok();
}

Status ShadowCopy::EnsureCapture(Session& s, RunControl& control) {
  SLUICE_ASSIGN(std::vector<std::string> present, ListTriggers(s, names_.table));
  int ours = 0;
  for (const auto& name : present) {
    ours += name == names_.insert_trigger || name == names_.update_trigger ||
            name == names_.delete_trigger;
  }
  if (ours == 3) return Status::Ok();  // a stopped run's triggers
  if (opts_.resume && !capture_token_.empty()) {
    binlog_ = true;  // a stopped run's binlog capture (CheckBinlogResume)
    return StartBinlogCapture(s, control);
  }
  for (const std::string& drop : DropTriggerSql(names_)) {
    SLUICE_TRY(ExecWithShortLock(s, drop, opts_.cut_over, control, "dropping stale triggers"));
  }
  SLUICE_ASSIGN(binlog_,
                ChooseBinlogCapture(s, opts_.capture,
                                    dynamic_cast<ConnectionFactory*>(&sessions_) != nullptr, plan_));
  if (binlog_) {
    Status started = StartBinlogCapture(s, control);
    if (started.ok() || opts_.capture == "binlog") return started;
    binlog_ = false;
    capture_.reset();
    (void)DeleteBinlogMarker(s, req_.revision, req_.step_index);
    WarnAboutAutoIncLocks(names_.table, "it cannot read the binary log: " + started.error().message);
  }
  return InstallTriggers(s, plan_, opts_.cut_over, control);
}

Status ShadowCopy::StartBinlogCapture(Session& s, RunControl& control) {
  auto* factory = dynamic_cast<ConnectionFactory*>(&sessions_);
  if (factory == nullptr) return RuntimeError("the binlog capture needs connection settings");
  SLUICE_ASSIGN(std::vector<BinlogKeyColumn> key, BinlogKey(s, plan_));
  BinlogPosition from = resume_from_;
  if (from.empty()) {
    SLUICE_ASSIGN(from, BinlogEnd(s));
    SLUICE_ASSIGN(ResultSet now, s.Query("SELECT DATE_FORMAT(NOW(6), '%Y%m%d%H%i%s%f')"));
    capture_token_ = now.rows.empty() ? "binlog" : now.rows[0][0].value_or("binlog");
    SLUICE_TRY(WriteBinlogMarker(s, req_.revision, req_.step_index, capture_token_, from));
  }
  capture_sessions_ = std::make_unique<CopySessionFactory>(sessions_);
  const std::string revision = req_.revision;
  const int step = req_.step_index;
  auto record = [revision, step](Session& own, const BinlogPosition& at) {
    return RecordBinlogPosition(own, revision, step, at);
  };
  capture_ = std::make_unique<BinlogCapture>(
      factory->dsn(), *capture_sessions_, plan_, std::move(key),
      dialect_.NoWaitLockClause(s.server(), /*exclusive=*/false), record);
  return capture_->Start(from, control);
}

Status ShadowCopy::CheckBinlogResume(Session& s) {
  if (!opts_.resume) return Status::Ok();
  SLUICE_ASSIGN(std::optional<BinlogMarker> marker,
                ReadBinlogMarker(s, req_.revision, req_.step_index));
  if (!marker) return Status::Ok();  // a trigger capture
  auto at = BinlogPosition::Parse(marker->position);
  bool available = false;
  if (at.ok()) {
    SLUICE_ASSIGN(available, BinlogAvailable(s, *at));
  }
  if (available) {
    capture_token_ = marker->token;
    resume_from_ = *at;
    spdlog::info("resuming the binlog capture of {} at {}", QuoteTable(names_.table),
                 at->ToString());
    return Status::Ok();
  }
  spdlog::warn("the binary log the stopped copy of {} had read up to ({}) is no longer on the "
               "server: starting the copy afresh",
               QuoteTable(names_.table), marker->position);
  SLUICE_TRY(CleanUpShadow(s, names_, opts_.cut_over));
  opts_.resume = false;
  return Status::Ok();
}

Status ShadowCopy::PickCheckpointKey(Session& s) {
  // The copy's checkpoints belong to this shadow table: keyed by when its
  // triggers were created, so a resume finds them and a fresh run (new
  // triggers) starts clean even where an earlier run of the same alter
  // finished.
  SLUICE_ASSIGN(
      ResultSet rs,
      // By EVENT_OBJECT_SCHEMA and _TABLE: the lookup MariaDB can do without
      // opening every schema (see engine/schema/inspector.cc).
      s.Query(fmt::format("SELECT DATE_FORMAT(CREATED, '%Y%m%d%H%i%s%f') FROM "
                          "information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = {} AND "
                          "EVENT_OBJECT_TABLE = {} AND TRIGGER_NAME = {}",
                          QuoteString(names_.table.schema), QuoteString(names_.table.name),
                          QuoteString(names_.insert_trigger))));
  std::string token = rs.rows.empty() ? "" : rs.rows[0][0].value_or("");
  if (binlog_) token = capture_token_;
  constexpr size_t kMaxKey = 64;  // sluice_checkpoint.revision
  std::string base = req_.revision.substr(0, kMaxKey - token.size() - 1);
  checkpoint_key_ = base + "#" + token;
  return Status::Ok();
}

Status ShadowCopy::CopyRows(const ServerInfo& server, RunControl& control,
                            ProgressReporter& progress) {
  // The copy is a data step for the engine's chunked executor: INSERT IGNORE
  // keeps rows the triggers wrote first. Each chunk first takes its source
  // rows' shared locks without waiting (lock-first, below): holding them,
  // its INSERT ... SELECT, which holds the shadow's AUTO-INC lock to its end
  // (mode 1) and which the application's trigger also needs, waits for no
  // application row lock on them, and no concurrent DELETE can slip between
  // the read and the insert. The SELECT itself then reads without locking
  // (READ COMMITTED, row binlog): a locking read would also lock the first
  // row past the range to see where it ends, and could wait there for an
  // application update, AUTO-INC lock held. Rows inserted after the
  // lock-first read are mirrored by the triggers (or the binlog capture). Without NOWAIT (MariaDB <
  // 10.3, MySQL < 8.0.1) the SELECT locks itself.
  DataStepRequest data;
  data.revision = checkpoint_key_;
  data.step_index = req_.step_index;
  data.checkpoint_table = kCheckpointTable;
  std::string targets, values;
  for (const auto& c : plan_.columns) {
    targets += (targets.empty() ? "" : ", ") + QuoteIdent(c.target);
    values += (values.empty() ? "" : ", ") + plan_.SourceExpr(c, "");
  }
  const bool lock_first = !dialect_.NoWaitLockClause(server, /*exclusive=*/false).empty();
  data.statement = fmt::format("INSERT IGNORE INTO {} ({}) SELECT {} FROM {}{}",
                               QuoteTable(names_.shadow), targets, values,
                               QuoteTable(names_.table), lock_first ? "" : " LOCK IN SHARE MODE");
  data.options.workers = opts_.workers;
  data.options.batch_size = opts_.batch_size;
  data.options.key = plan_.key_index == "PRIMARY" ? "" : plan_.key_index;
  data.options.lock_first = DataStepOptions::LockFirst::kShared;
  NoThrottler none;
  Throttler& throttler = req_.throttler != nullptr ? *req_.throttler : none;
  CopySessionFactory copy_sessions(sessions_);
  Publish(progress, "copy");
  auto t0 = std::chrono::steady_clock::now();
  ProgressReporter copy_progress;  // shown as this step's copy phase
  copy_progress.AddSink(std::make_shared<CopyPhaseSink>(progress, req_.revision));
  SLUICE_TRY(RunDataStep(dialect_, copy_sessions, data, control, copy_progress, throttler));
  spdlog::info("copy took {:.2f} s",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return Status::Ok();
}

Status ShadowCopy::AddDeferredIndexes(Session& s, RunControl& control, ProgressReporter& progress) {
  if (!control.WaitWhilePaused()) return RuntimeError("stopped before adding the indexes");
  // A killed run's ALTER goes on in the server and may add some of the
  // indexes while this one waits for the metadata lock (error 1061): then
  // look again and add only what is still missing.
  for (int attempt = 0;; ++attempt) {
    SLUICE_ASSIGN(std::string create, ShowCreate(s, names_.shadow));
    std::vector<IndexDefinition> present = SecondaryIndexes(create);
    std::string adds;
    for (const auto& d : deferred_) {
      bool exists = false;
      for (const auto& p : present) exists |= p.name == d.name;
      if (!exists) adds += (adds.empty() ? "ADD " : ", ADD ") + d.definition;
    }
    if (adds.empty()) return Status::Ok();
    Publish(progress, "indexes", Rows());
    spdlog::info("adding the deferred indexes to {} (INPLACE, LOCK=NONE)",
                 QuoteTable(names_.shadow));
    // The build ends by taking the shadow's metadata lock exclusively; while it
    // waits, writes to the live table (whose triggers write the shadow) queue
    // behind it. So it waits briefly and retries, like the cut-over.
    Status r = ExecWithShortLock(s,
                                 fmt::format("ALTER TABLE {} {}, ALGORITHM=INPLACE, LOCK=NONE",
                                             QuoteTable(names_.shadow), adds),
                                 opts_.cut_over, control, "adding the deferred indexes");
    if (!r.ok() && r.error().code == kDuplicateKeyName && attempt < 3) continue;
    if (!r.ok() && r.error().code == kDuplicateEntry) return DuplicatesError(s, r.error());
    return r;
  }
}

Status ShadowCopy::DuplicatesError(Session& s, const Error& cause) {
  std::string found;
  for (const auto& d : deferred_) {
    if (!d.unique) continue;
    std::vector<std::string> cols = IndexColumns(d.definition);
    if (cols.empty()) continue;
    std::string not_null;
    for (const auto& c : cols) {
      not_null += (not_null.empty() ? "" : " AND ") + QuoteIdent(c) + " IS NOT NULL";
    }
    auto rs = s.Query(fmt::format(
        "SELECT CONCAT_WS(', ', {}), COUNT(*) FROM {} WHERE {} GROUP BY {} HAVING COUNT(*) > 1 "
        "LIMIT 5",
        sql::QuoteIdentList(cols), QuoteTable(names_.shadow), not_null, sql::QuoteIdentList(cols)));
    if (!rs.ok()) continue;
    for (const auto& row : rs->rows) {
      found +=
          fmt::format("{}{} ({}) = ({}) in {} rows", found.empty() ? "" : "; ", d.name,
                      sql::QuoteIdentList(cols), row[0].value_or("NULL"), row[1].value_or("?"));
    }
  }
  Error e = cause;
  e.cls = ErrorClass::kFatal;
  e.message = fmt::format(
      "the ALTER adds a unique key over duplicate values, which would lose rows: {}. Nothing "
      "was swapped; remove the duplicates first ({})",
      found.empty() ? "see the server's message" : found, cause.message);
  return e;
}

Status ShadowCopy::Verify(Session& s, RunControl& control, ProgressReporter& progress) {
  Publish(progress, "checksum");
  CaptureLag lag;
  lag.catch_up = [this, &control](Session& own, double max_wait_s) {
    return capture_->CatchUp(own, control, max_wait_s);
  };
  lag.hold = [this] { capture_->Hold(); };
  lag.release = [this] { capture_->Release(); };
  const auto t0 = std::chrono::steady_clock::now();
  auto report = VerifyShadow(
      s, plan_, opts_.checksum, control,
      [&](uint64_t rows) {
        const double spent =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        Publish(progress, "checksum", rows, spent > 0 ? rows / spent : 0);
      },
      binlog_ ? &lag : nullptr);
  if (!report.ok()) return report.error();
  rows_checked_ = report->rows;
  spdlog::info("checksum: {} rows in {} chunks match between {} and {} ({} chunk(s) re-copied)",
               report->rows, report->chunks, QuoteTable(names_.table), QuoteTable(names_.shadow),
               report->recopied_chunks);
  return Status::Ok();
}

Status ShadowCopy::IndexAndVerify(Session& s, RunControl& control, ProgressReporter& progress) {
  // The index build is one server thread; the checksum reads both tables
  // meanwhile on another core (LOCK=NONE lets it; a chunk that meets the
  // build's final table-definition change is simply re-read).
  auto t0 = std::chrono::steady_clock::now();
  Status indexed;
  double index_s = 0;
  std::thread build([&] {
    auto own = sessions_.Open();
    indexed = own.ok() ? AddDeferredIndexes(**own, control, progress) : own.status();
    index_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  });
  Status verified = Verify(s, control, progress);
  double checksum_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  build.join();
  spdlog::info("deferred indexes took {:.2f} s, the checksum {:.2f} s (concurrently)", index_s,
               checksum_s);
  if (!indexed.ok()) return indexed;
  return verified;
}

Status ShadowCopy::WaitForCutOver(RunControl& control, ProgressReporter& progress) {
  if (!opts_.postpone_cut_over) return Status::Ok();
  spdlog::info(
      "copy done; {} keep(s) {} in sync. Waiting for `sluice cut-over` "
      "(or the control socket's cut-over command)",
      binlog_ ? "the binlog capture" : "the triggers", QuoteTable(names_.shadow));
  Publish(progress, "waiting for cut-over", Rows());
  while (!control.cut_over_requested()) {
    if (!control.SleepFor(std::chrono::milliseconds(500))) {
      return RuntimeError("stopped while waiting for the cut-over");
    }
  }
  return Status::Ok();
}

}  // namespace sluice::mysql
