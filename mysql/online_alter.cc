#include "mysql/online_alter.h"

#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <functional>
#include <thread>

#include "engine/db/session_factory.h"
#include "engine/exec/run_control.h"
#include "engine/log.h"
#include "engine/progress/progress.h"
#include "engine/sql/quote.h"
#include "mysql/binlog_marker.h"
#include "mysql/cut_over.h"
#include "mysql/foreign_keys.h"
#include "mysql/index_lines.h"
#include "mysql/shadow_copy.h"
#include "mysql/table_definition.h"
#include "mysql/triggers.h"
#include "mysql/user_triggers.h"

namespace sluice::mysql {
namespace {

using sql::QuoteString;
using sql::QuoteTable;

constexpr int kAlgorithmNotSupported = 1845;     // ALGORITHM=... not supported for this operation
constexpr int kAlgorithmNotSupportedWhy = 1846;  // ... Reason: ...
constexpr int kTableExists = 1050;
constexpr int kNoSuchTable = 1146;

bool Unsupported(const Error& e) {
  return e.code == kAlgorithmNotSupported || e.code == kAlgorithmNotSupportedWhy;
}

using Fallback = std::function<Result<std::unique_ptr<SchemaChange>>(const std::string& why)>;

// INSTANT or INPLACE, LOCK=NONE: one statement on the live table. If the
// server refuses the algorithm after all, `fallback` plans the next one.
class DirectAlter : public SchemaChange {
 public:
  DirectAlter(SessionFactory& sessions, SchemaChangeRequest req, AlterSpec spec,
              std::string strategy, std::string reason, Fallback fallback,
              CutOverOptions lock_opts = {})
      : lock_opts_(lock_opts),
        sessions_(sessions),
        req_(std::move(req)),
        spec_(std::move(spec)),
        strategy_(std::move(strategy)),
        reason_(std::move(reason)),
        fallback_(std::move(fallback)) {}

  std::string Strategy() const override { return strategy_; }
  std::string Reason() const override { return reason_; }
  std::vector<std::string> OfflineSql() const override {
    return {DirectAlterSql(req_.table, spec_, strategy_)};
  }

  Status Run(RunControl& control, ProgressReporter& progress) override {
    spdlog::info("{}: strategy {} ({})", QuoteTable(req_.table), strategy_, reason_);
    ProgressSnapshot snap;
    snap.revision = req_.revision;
    snap.step = req_.step_index;
    snap.step_kind = "schema";
    snap.table = req_.table.name;
    snap.phase = strategy_;
    progress.Snapshot(snap);
    SLUICE_ASSIGN(std::unique_ptr<Session> s, sessions_.Open());
    Status st = ExecWithShortLock(*s, DirectAlterSql(req_.table, spec_, strategy_), lock_opts_,
                                  control, "ALTER TABLE " + QuoteTable(req_.table));
    if (st.ok() || !Unsupported(st.error()) || !fallback_) return st;
    spdlog::warn("the server refused ALGORITHM={} on {}: {}; falling back", strategy_,
                 QuoteTable(req_.table), st.error().message);
    SLUICE_ASSIGN(std::unique_ptr<SchemaChange> next, fallback_(st.error().message));
    return next->Run(control, progress);
  }

 private:
  CutOverOptions lock_opts_;
  SessionFactory& sessions_;
  SchemaChangeRequest req_;
  AlterSpec spec_;
  std::string strategy_;
  std::string reason_;
  Fallback fallback_;
};

// --sql with strategy=auto: the three attempts in order, the copy commented.
class OfflineAuto : public SchemaChange {
 public:
  OfflineAuto(std::vector<std::string> sql) : sql_(std::move(sql)) {}
  std::string Strategy() const override { return "auto"; }
  std::string Reason() const override { return "offline: the server decides at run time"; }
  std::vector<std::string> OfflineSql() const override { return sql_; }
  Status Run(RunControl&, ProgressReporter&) override {
    return RuntimeError("an offline plan cannot run");
  }

 private:
  std::vector<std::string> sql_;
};

struct Probe {
  std::string strategy;  // instant | inplace | copy
  std::string reason;
};

// Tries the ALTER with each ALGORITHM on an empty table of the same shape.
Result<Probe> ProbeStrategy(Session& s, const TableRef& table, const AlterSpec& spec) {
  TableRef probe{table.schema, "_" + table.name + "_probe"};
  auto created =
      s.Exec(fmt::format("CREATE TABLE {} LIKE {}", QuoteTable(probe), QuoteTable(table)));
  if (!created.ok()) {
    if (created.error().code == kTableExists) {
      return InputError(
          fmt::format("a table {} is in the way of the strategy probe (left by an "
                      "interrupted sluice run?); drop it: DROP TABLE {}",
                      QuoteTable(probe), QuoteTable(probe)));
    }
    return created.error();
  }
  Probe out;
  auto instant = s.Exec(DirectAlterSql(probe, spec, "instant"));
  if (instant.ok()) {
    out = {"instant", "the server accepts ALGORITHM=INSTANT"};
  } else if (Unsupported(instant.error())) {
    auto inplace = s.Exec(DirectAlterSql(probe, spec, "inplace"));
    if (inplace.ok()) {
      out = {"inplace", "ALGORITHM=INSTANT refused (" + instant.error().message +
                            "); the server accepts ALGORITHM=INPLACE, LOCK=NONE"};
    } else if (Unsupported(inplace.error())) {
      out = {"copy", "the server refuses ALGORITHM=INSTANT and ALGORITHM=INPLACE, LOCK=NONE (" +
                         inplace.error().message + ")"};
    } else {
      instant = inplace.error();
    }
  }
  (void)s.Exec("DROP TABLE IF EXISTS " + QuoteTable(probe));
  if (out.strategy.empty()) {
    Error e = instant.error();
    e.exit = ExitCode::kUsage;
    e.message = fmt::format("the ALTER is not valid for {}: {}", QuoteTable(table), e.message);
    return e;
  }
  return out;
}

Result<bool> TableExists(Session& s, const TableRef& t) {
  SLUICE_ASSIGN(ResultSet rs,
                s.Query(fmt::format("SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                                    "TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                                    QuoteString(t.schema), QuoteString(t.name))));
  return !rs.rows.empty() && rs.rows[0][0].value_or("0") != "0";
}

Result<std::string> CreateStatement(Session& s, const TableRef& t) {
  SLUICE_ASSIGN(ResultSet rs, s.Query("SHOW CREATE TABLE " + QuoteTable(t)));
  return rs.rows.at(0).at(1).value_or("");
}

// The shape `spec` gives `table`, built on a session-private temporary table.
Result<std::string> TargetShape(Session& s, const TableRef& table, const AlterSpec& spec) {
  TableRef scratch{table.schema, "_" + table.name + "_shape"};
  SLUICE_TRY(s.Exec(
      fmt::format("CREATE TEMPORARY TABLE {} LIKE {}", QuoteTable(scratch), QuoteTable(table))));
  auto altered =
      s.Exec(fmt::format("ALTER TABLE {} {}", QuoteTable(scratch), spec.spec_without_options));
  auto shown = altered.ok() ? CreateStatement(s, scratch) : Result<std::string>(altered.error());
  (void)s.Exec("DROP TEMPORARY TABLE IF EXISTS " + QuoteTable(scratch));
  if (!shown.ok()) return shown.error();
  return ShapeWithoutIndexes(*shown);
}

std::string Join(const std::vector<std::string>& stmts) {
  std::string out;
  for (const auto& s : stmts) out += s + "; ";
  return out;
}

// A run killed between the swap and the end of its clean-up leaves `t`
// already altered, the original as t_sluice_old (maybe still carrying the copy
// triggers) and no t_sluice_new. Altering `t` again would fail (or apply twice):
// the step only has to finish the clean-up.
Result<bool> InterruptedSwap(Session& s, const TableRef& t, const AlterSpec& spec,
                             const ShadowNames& names) {
  SLUICE_ASSIGN(bool old_exists, TableExists(s, names.old));
  if (!old_exists) return false;
  SLUICE_ASSIGN(bool shadow_exists, TableExists(s, names.shadow));
  if (shadow_exists) return false;
  auto want = TargetShape(s, names.old, spec);  // the change applied to the original
  if (!want.ok()) return false;
  SLUICE_ASSIGN(std::string have, CreateStatement(s, t));
  return ShapeWithoutIndexes(have) == *want;
}

// The marker ShadowCopy writes right after its swap: this step's change
// (same spec) was applied, even when the clean-up had already dropped t_sluice_old.
Result<bool> SwapRecorded(Session& s, const SchemaChangeRequest& req, const ShadowNames& names) {
  SLUICE_ASSIGN(bool shadow_exists, TableExists(s, names.shadow));
  if (shadow_exists) return false;
  auto rs = s.Query(fmt::format(
      "SELECT COUNT(*) FROM sluice_checkpoint WHERE revision = {} AND step = {} AND seq = -1 "
      "AND kind = 'swapped' AND lo_key = {}",
      QuoteString(req.revision), req.step_index, QuoteString(req.alter_spec)));
  if (!rs.ok()) return false;  // no checkpoint table: no marker
  return !rs->rows.empty() && rs->rows[0][0].value_or("0") != "0";
}

class FinishInterruptedSwap : public SchemaChange {
 public:
  FinishInterruptedSwap(SessionFactory& sessions, std::string revision, ShadowNames names,
                        ShadowCopyOptions opts)
      : sessions_(sessions),
        revision_(std::move(revision)),
        names_(std::move(names)),
        opts_(opts) {}
  std::string Strategy() const override { return "copy"; }
  std::string Reason() const override {
    return "an earlier run swapped the tables but did not finish its clean-up";
  }
  std::vector<std::string> OfflineSql() const override { return {}; }
  Status Run(RunControl& control, ProgressReporter&) override {
    spdlog::info("{}: {}; finishing it", QuoteTable(names_.table), Reason());
    SLUICE_ASSIGN(std::unique_ptr<Session> s, sessions_.Open());
    SLUICE_TRY(RepointReferences(*s, names_.old, names_.table).status());
    SLUICE_TRY(FinishCutOver(*s, names_, opts_.keep_old_table, opts_.cut_over, control));
    // The copy's checkpoints: "<revision>#<trigger timestamp>" (ShadowCopy::
    // PickCheckpointKey; the 20-digit timestamp leaves 43 characters).
    std::string base = revision_.substr(0, 43) + "#";
    (void)s->Exec(fmt::format("DELETE FROM sluice_checkpoint WHERE LEFT(revision, {}) = {}",
                              base.size(), QuoteString(base)));
    return Status::Ok();
  }

 private:
  SessionFactory& sessions_;
  std::string revision_;
  ShadowNames names_;
  ShadowCopyOptions opts_;
};

// What a shadow copy can do with the table's foreign keys (mysql/foreign_keys.h):
// its own are re-created on the shadow; those of other tables pointing at it
// need --foreign-keys rebuild.
Status CheckForeignKeys(const TableInfo& t, const AlterSpec& spec, const SchemaStepOptions& opts) {
  const std::string where = QuoteTable(t.ref);
  const std::string& mode = opts.foreign_keys;
  if (mode != "refuse" && mode != "rebuild" && mode != "drop-swap") {
    return InputError(
        fmt::format("--foreign-keys {} is not available for {} (use refuse, rebuild or drop-swap)",
                    mode, where));
  }
  if (mode == "drop-swap" && opts.keep_old_table) {
    return InputError(fmt::format(
        "--foreign-keys drop-swap drops the original {}: it cannot be kept (--keep-old-table)",
        where));
  }
  if (spec.adds_foreign_key) {
    return InputError(fmt::format(
        "the ALTER adds a foreign key to {}: a shadow copy would check it only row by row as it "
        "copies. Add it with its own ALTER (the server can do it in place)",
        where));
  }
  std::string lowered = spec.spec_without_options;
  for (char& c : lowered) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (lowered.find("DROP FOREIGN KEY") != std::string::npos) {
    return InputError(fmt::format(
        "the ALTER drops a foreign key of {}: run DROP FOREIGN KEY as its own ALTER (the server "
        "does it in place), then this change",
        where));
  }
  std::string referencing, elsewhere, self;
  for (const auto& fk : t.foreign_keys) {
    const bool from_us = fk.table == t.ref.name, to_us = fk.referenced == t.ref.name;
    std::string named = fmt::format("{} ({} -> {})", fk.name, fk.table, fk.referenced);
    if (from_us && to_us) self += (self.empty() ? "" : ", ") + named;
    if (!from_us && to_us) {
      referencing += (referencing.empty() ? "" : ", ") + named;
      if (fk.table.find('.') != std::string::npos)
        elsewhere += (elsewhere.empty() ? "" : ", ") + named;
    }
  }
  if (!self.empty()) {
    return InputError(fmt::format(
        "{} references itself ({}): a shadow copy cannot keep such a key pointing at the right "
        "table. Drop it first",
        where, self));
  }
  if (!referencing.empty() && mode == "refuse") {
    return InputError(fmt::format(
        "other tables reference {} by foreign keys: {}. After a swap they would still point at "
        "the old table. Use --foreign-keys rebuild (each child's constraint is re-pointed at the "
        "new table right after the swap, an ALTER of the child: for small children) or "
        "drop-swap (see its risk in docs/ONLINE_ALTER.md), or drop them first",
        where, referencing));
  }
  if (!elsewhere.empty() && mode == "rebuild") {
    return InputError(fmt::format(
        "tables of other schemas reference {} ({}): --foreign-keys rebuild re-points only "
        "children in the same schema",
        where, elsewhere));
  }
  return Status::Ok();
}

// A drop-swap killed between its DROP and its RENAME leaves only t_sluice_new:
// rename it into place. Returns true when the drop-swap is done (then only
// the clean-up is left), false when it never happened.
Result<bool> FinishInterruptedDropSwap(Session& s, const SchemaChangeRequest& req,
                                       const ShadowNames& names) {
  auto marker = s.Query(fmt::format(
      "SELECT COUNT(*) FROM sluice_checkpoint WHERE revision = {} AND step = {} AND seq = -3 AND "
      "kind = 'drop-swap'",
      QuoteString(req.revision), req.step_index));
  if (!marker.ok() || marker->rows.empty() || marker->rows[0][0].value_or("0") == "0") {
    return false;  // no checkpoint table, or no drop-swap under way
  }
  SLUICE_ASSIGN(bool table_exists, TableExists(s, names.table));
  SLUICE_ASSIGN(bool shadow_exists, TableExists(s, names.shadow));
  if (!table_exists && shadow_exists) {
    spdlog::warn(
        "{} is gone and {} holds the altered rows: an earlier drop-swap stopped between "
        "its DROP and its RENAME; finishing it",
        QuoteTable(names.table), QuoteTable(names.shadow));
    SLUICE_TRY(RenameShadowIntoPlace(s, names));
    return true;
  }
  if (!table_exists || shadow_exists) return false;
  // Done only if t is no longer the table the shadow was made from (its
  // recorded definition, mysql/shadow_copy.cc TakeBaseline).
  SLUICE_ASSIGN(ResultSet baseline,
                s.Query(fmt::format("SELECT lo_key FROM sluice_checkpoint WHERE revision = {} AND "
                                    "step = {} AND seq = -2",
                                    QuoteString(req.revision), req.step_index)));
  SLUICE_ASSIGN(std::optional<TableDefinition> now, ReadTableDefinition(s, names.table));
  if (baseline.rows.empty() || !now) return false;
  return baseline.rows[0][0].value_or("") != DefinitionDigest(*now);
}

// A run killed in its cut-over may have left its RENAME (the cut-over's
// second session) waiting in the server, and the sentry `t_sluice_old`. The RENAME
// must not run after this run has looked at the tables: it is stopped (KILL
// QUERY; one already running finishes, and the swap is then found), and only
// then is the sentry dropped. Stopping a queued RENAME is always safe: a live
// cut-over whose RENAME fails swaps nothing and tries again.
Status SettleInterruptedCutOver(Session& s, const ShadowNames& names, const CutOverOptions& opts) {
  for (int i = 0;; ++i) {
    SLUICE_ASSIGN(ResultSet rs, s.Query("SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> "
                                        "CONNECTION_ID() AND INFO = " +
                                        QuoteString(CutOverSql(names))));
    if (rs.rows.empty()) break;
    if (i == 50) {
      return RuntimeError(
          fmt::format("the RENAME of an earlier cut-over of {} does not stop "
                      "(connection {}); kill it and run again",
                      QuoteTable(names.table), rs.rows[0][0].value_or("?")));
    }
    for (const auto& row : rs.rows) {
      spdlog::warn("stopping the RENAME of an interrupted cut-over of {} (connection {})",
                   QuoteTable(names.table), row[0].value_or("?"));
      (void)s.Exec("KILL QUERY " + row[0].value_or("0"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  SLUICE_ASSIGN(bool sentry, IsSentry(s, names));
  if (!sentry) return Status::Ok();
  spdlog::info("dropping the cut-over sentry {} of an interrupted run", QuoteTable(names.old));
  // A sentry still locked: the killed run's lock session not yet noticed
  // dead, or another sluice cutting over right now.
  RunControl local;
  Status dropped = ExecWithShortLock(s, "DROP TABLE IF EXISTS " + QuoteTable(names.old),
                                     CutOverOptions{opts.lock_wait_timeout_s, 3, 250}, local,
                                     "dropping the cut-over sentry");
  if (!dropped.ok()) {
    Error e = dropped.error();
    e.message += fmt::format(" (is another sluice cutting over {}?)", QuoteTable(names.table));
    return e;
  }
  return Status::Ok();
}

// A run killed in its cut-over between moving the user's triggers to the
// shadow and letting the swap through leaves them there: back to the table.
Status ReturnStrandedTriggers(Session& s, const ShadowNames& names) {
  SLUICE_ASSIGN(std::vector<UserTrigger> stranded, ListUserTriggers(s, names.shadow, names));
  if (stranded.empty()) return Status::Ok();
  spdlog::warn("{} trigger(s) of {} were left on {} by an interrupted cut-over; moving them back",
               stranded.size(), QuoteTable(names.table), QuoteTable(names.shadow));
  SLUICE_TRY(s.Exec(fmt::format("LOCK TABLES {} WRITE, {} WRITE", QuoteTable(names.table),
                                QuoteTable(names.shadow))));
  Status moved = MoveUserTriggers(s, stranded, names.table, names.shadow);
  (void)s.Exec("UNLOCK TABLES");
  return moved;
}

// Refusals that only a shadow copy has, and whether a stopped copy can resume.
// Whether a stopped binlog-captured copy of this step left its marker.
bool BinlogCaptureRecorded(Session& s, const std::string& revision, int step) {
  auto marker = ReadBinlogMarker(s, revision, step);
  return marker.ok() && marker->has_value();  // an error: no checkpoint table yet
}

Result<bool> CheckCopyPossible(Session& s, const TableInfo& t, const AlterSpec& spec,
                               const ShadowNames& names, const SchemaChangeRequest& r) {
  const SchemaStepOptions& opts = r.options;
  if (t.ChunkableKey() == nullptr) {
    return InputError(fmt::format(
        "{} has no primary key or unique key over NOT NULL columns: a shadow copy needs one to "
        "copy in chunks and to mirror writes by key. Add one first",
        QuoteTable(t.ref)));
  }
  SLUICE_TRY(CheckForeignKeys(t, spec, opts));
  // The user's triggers move at the cut-over (mysql/user_triggers.h); one
  // named like a copy trigger is refused here.
  SLUICE_TRY(ListUserTriggers(s, t.ref, names).status());
  SLUICE_ASSIGN(std::vector<std::string> triggers, ListTriggers(s, t.ref));
  int ours = 0;
  for (const auto& name : triggers) {
    ours += name == names.insert_trigger || name == names.update_trigger ||
            name == names.delete_trigger;
  }
  SLUICE_ASSIGN(bool old_exists, TableExists(s, names.old));
  if (old_exists) {
    return InputError(fmt::format(
        "{} exists, left by an earlier run (kept with --keep-old-table, or a swap whose "
        "clean-up failed). Check it and drop it: DROP TABLE {}",
        QuoteTable(names.old), QuoteTable(names.old)));
  }
  SLUICE_ASSIGN(bool shadow_exists, TableExists(s, names.shadow));
  if (shadow_exists) SLUICE_TRY(ReturnStrandedTriggers(s, names));
  if (!shadow_exists) {
    if (ours > 0) {
      return InputError(
          fmt::format("copy triggers of an earlier run are left on {} without "
                      "their shadow table; drop them: {}",
                      QuoteTable(t.ref), Join(DropTriggerSql(names))));
    }
    return false;
  }
  // A stopped run of this same change resumes; anything else is in the way.
  SLUICE_ASSIGN(std::string want, TargetShape(s, t.ref, spec));
  SLUICE_ASSIGN(std::string have, CreateStatement(s, names.shadow));
  std::string have_shape = ShapeWithoutIndexes(have);
  if (ours == 3 && have_shape == want) return true;
  if (ours == 0 && have_shape == want) {
    const bool binlog = BinlogCaptureRecorded(s, r.revision, r.step_index);
    if (binlog) return true;
  }
  // A run killed while it set the copy up (CREATE ... LIKE, its ALTER, the
  // triggers one by one) never started copying, which needs all three
  // triggers: drop what it made and start afresh.
  if (ours < 3) {
    SLUICE_ASSIGN(std::string original, CreateStatement(s, t.ref));
    if (have_shape == want || have_shape == ShapeWithoutIndexes(original)) {
      spdlog::info("{}: an earlier run stopped while setting up its copy; starting afresh",
                   QuoteTable(t.ref));
      SLUICE_TRY(CleanUpShadow(s, names, CutOverOptions{}));
      return false;
    }
  }
  return InputError(
      fmt::format("{} exists, left by an earlier run of a different change (or by something else). "
                  "Remove it (and the triggers) before running this one: {}",
                  QuoteTable(names.shadow), Join(CleanUpSql(names))));
}

}  // namespace

std::string DirectAlterSql(const TableRef& table, const AlterSpec& spec,
                           const std::string& strategy) {
  std::string algo = strategy == "instant" ? "ALGORITHM=INSTANT" : "ALGORITHM=INPLACE, LOCK=NONE";
  return fmt::format("ALTER TABLE {} {}, {}", QuoteTable(table), spec.spec_without_options, algo);
}

Result<std::unique_ptr<SchemaChange>> PlanOnlineAlter(Dialect& dialect, SessionFactory& sessions,
                                                      const SchemaChangeRequest& req, bool offline,
                                                      const OnlineAlterTuning& tuning) {
  SLUICE_ASSIGN(AlterSpec spec, ParseAlterSpec(req.alter_spec));
  const std::string where = QuoteTable(req.table);
  if (spec.spec_without_options.empty()) return InputError("empty ALTER spec for " + where);
  if (spec.renames_table) {
    return InputError(
        fmt::format("the ALTER renames {}: run RENAME TABLE as its own plain "
                    "statement, not inside an online schema change",
                    where));
  }
  std::string strategy = req.options.strategy.empty() ? "auto" : req.options.strategy;
  if (strategy == "auto" && !spec.user_algorithm.empty()) {
    if (spec.user_algorithm == "INSTANT") strategy = "instant";
    if (spec.user_algorithm == "INPLACE" || spec.user_algorithm == "NOCOPY") strategy = "inplace";
    if (spec.user_algorithm == "COPY") strategy = "copy";
  }
  if (strategy != "auto" && strategy != "instant" && strategy != "inplace" && strategy != "copy") {
    return InputError(
        fmt::format("strategy={} is not available on MySQL/MariaDB (use auto, "
                    "instant, inplace or copy)",
                    strategy));
  }

  ShadowCopyOptions copy_opts;
  copy_opts.workers = req.options.workers > 0 ? req.options.workers : copy_opts.workers;
  copy_opts.batch_size = req.options.batch_size > 0 ? req.options.batch_size : copy_opts.batch_size;
  copy_opts.postpone_cut_over = req.options.postpone_cut_over;
  copy_opts.keep_old_table = req.options.keep_old_table;
  copy_opts.drop_swap = req.options.foreign_keys == "drop-swap";
  copy_opts.capture = req.options.capture;
  copy_opts.cut_over = tuning.cut_over;
  copy_opts.checksum = tuning.checksum;
  copy_opts.ddl_check_interval = tuning.ddl_check_interval;

  if (offline) {
    SLUICE_ASSIGN(ShadowNames names, MakeShadowNames(req.table));
    TableInfo unknown;
    unknown.ref = req.table;
    auto copy = std::make_unique<ShadowCopy>(dialect, sessions, req, spec, unknown, names,
                                             copy_opts, "forced by strategy=copy");
    if (strategy == "copy") return std::unique_ptr<SchemaChange>(std::move(copy));
    if (strategy != "auto") {
      return std::unique_ptr<SchemaChange>(new DirectAlter(
          sessions, req, spec, strategy, "forced by strategy=" + strategy, nullptr));
    }
    std::vector<std::string> sql = {
        "-- sluice tries ALGORITHM=INSTANT, then ALGORITHM=INPLACE, LOCK=NONE, then a shadow "
        "copy; the server decides",
        DirectAlterSql(req.table, spec, "instant"),
        "-- if the server refuses INSTANT:", DirectAlterSql(req.table, spec, "inplace"),
        "-- if it refuses INPLACE too, a shadow copy:"};
    for (const auto& line : copy->OfflineSql()) {
      sql.push_back(line.rfind("--", 0) == 0 ? line : "--   " + line);
    }
    return std::unique_ptr<SchemaChange>(new OfflineAuto(std::move(sql)));
  }

  SLUICE_ASSIGN(std::unique_ptr<Session> s, sessions.Open());
  SchemaChangeRequest r = req;
  if (r.table.schema.empty()) {
    SLUICE_ASSIGN(ResultSet db, s->Query("SELECT DATABASE()"));
    if (db.rows.empty() || !db.rows[0][0]) return InputError("no database selected for " + where);
    r.table.schema = *db.rows[0][0];
  }
  {
    SLUICE_ASSIGN(ShadowNames early, MakeShadowNames(r.table));
    SLUICE_ASSIGN(bool drop_swapped, FinishInterruptedDropSwap(*s, r, early));
    if (!drop_swapped) SLUICE_TRY(SettleInterruptedCutOver(*s, early, tuning.cut_over));
    // A kill in the middle of moving the user's triggers may have lost one.
    SLUICE_ASSIGN(bool table_there, TableExists(*s, r.table));
    if (table_there) {
      SLUICE_TRY(
          RestoreJournaledTriggers(*s, "sluice_checkpoint", r.revision, r.step_index, r.table));
    }
    if (drop_swapped) {
      return std::unique_ptr<SchemaChange>(
          new FinishInterruptedSwap(sessions, r.revision, early, copy_opts));
    }
  }
  auto inspected = dialect.InspectTable(*s, r.table);
  if (!inspected.ok()) {
    if (inspected.error().code == kNoSuchTable) return InputError("no such table " + where);
    return inspected.error();
  }
  TableInfo table = std::move(inspected).value();
  SLUICE_ASSIGN(ShadowNames names, MakeShadowNames(r.table));
  SLUICE_ASSIGN(bool swapped, InterruptedSwap(*s, r.table, spec, names));
  if (!swapped) {
    SLUICE_ASSIGN(swapped, SwapRecorded(*s, r, names));
  }
  if (swapped) {
    return std::unique_ptr<SchemaChange>(
        new FinishInterruptedSwap(sessions, r.revision, names, copy_opts));
  }

  // The copy, planned when chosen: its refusals apply only to it.
  Dialect* d = &dialect;
  SessionFactory* f = &sessions;
  Fallback plan_copy = [d, f, r, spec, table, names, copy_opts](
                           const std::string& why) -> Result<std::unique_ptr<SchemaChange>> {
    SLUICE_ASSIGN(std::unique_ptr<Session> cs, f->Open());
    SLUICE_ASSIGN(bool resume, CheckCopyPossible(*cs, table, spec, names, r));
    ShadowCopyOptions o = copy_opts;
    o.resume = resume;
    return std::unique_ptr<SchemaChange>(new ShadowCopy(*d, *f, r, spec, table, names, o, why));
  };
  Fallback plan_inplace =
      [f, r, spec, plan_copy](const std::string& why) -> Result<std::unique_ptr<SchemaChange>> {
    return std::unique_ptr<SchemaChange>(new DirectAlter(*f, r, spec, "inplace", why, plan_copy));
  };

  if (strategy == "copy") return plan_copy("forced by strategy=copy");
  if (strategy != "auto") {
    return std::unique_ptr<SchemaChange>(
        new DirectAlter(sessions, r, spec, strategy, "forced by strategy=" + strategy, nullptr));
  }
  SLUICE_ASSIGN(Probe probe, ProbeStrategy(*s, r.table, spec));
  if (probe.strategy == "copy") return plan_copy(probe.reason);
  if (probe.strategy == "inplace") return plan_inplace(probe.reason);
  return std::unique_ptr<SchemaChange>(
      new DirectAlter(sessions, r, spec, "instant", probe.reason, plan_inplace));
}

}  // namespace sluice::mysql
