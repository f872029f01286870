// sluice alter TABLE "ALTER SPEC": an ad-hoc online schema change, the way
// gh-ost and pt-online-schema-change are used. The dialect picks INSTANT,
// INPLACE or a shadow copy (MySQL/MariaDB), or TiDB's native online DDL.
#include <fmt/format.h>

#include <iostream>

#include "cli/command.h"
#include "cli/run_observers.h"
#include "engine/db/connection.h"
#include "engine/exec/run_control.h"
#include "engine/log.h"
#include "engine/progress/progress.h"
#include "engine/sql/quote.h"

namespace sluice::cli {
namespace {

// "db.table" or "table" (the DSN's database).
TableRef ParseTableArg(const std::string& arg) {
  auto dot = arg.find('.');
  if (dot == std::string::npos) return {"", arg};
  return {arg.substr(0, dot), arg.substr(dot + 1)};
}

// The checkpoint key of an ad-hoc alter: stable across reruns of the same
// table, so a stopped copy resumes.
std::string AlterRevision(const TableRef& t) {
  return fmt::format("alter:{}{}{}", t.schema, t.schema.empty() ? "" : ".", t.name);
}

SchemaChangeRequest MakeRequest(const CommandContext& ctx) {
  SchemaChangeRequest req;
  req.table = ParseTableArg(ctx.args[0]);
  req.alter_spec = ctx.args[1];
  req.statement = fmt::format("ALTER TABLE {} {}", ctx.args[0], ctx.args[1]);
  req.options.strategy = ctx.Get<std::string>("strategy", "auto");
  req.options.workers = ctx.Get<int>("workers", req.options.workers);
  req.options.batch_size = ctx.Get<int>("batch-size", 0);
  req.options.postpone_cut_over = ctx.Get<bool>("postpone-cut-over", false);
  req.options.keep_old_table = ctx.Get<bool>("keep-old-table", false);
  req.options.foreign_keys = ctx.Get<std::string>("foreign-keys", "refuse");
  req.options.capture = ctx.Get<std::string>("capture", "auto");
  req.revision = AlterRevision(req.table);
  req.step_index = 1;
  return req;
}

int RunAlter(CommandContext& ctx) {
  SchemaChangeRequest req = MakeRequest(ctx);
  if (ctx.Get<bool>("sql", false)) {
    auto dialect = ctx.MakeOfflineDialect();
    if (!dialect.ok()) return Fail(dialect.error());
    auto dsn = ctx.ResolveDsn();
    ConnectionFactory none(dsn.ok() ? *dsn : Dsn{});
    auto plan = (*dialect)->PlanSchemaChange(none, req, /*offline=*/true);
    if (!plan.ok()) return Fail(plan.error());
    for (const std::string& s : (*plan)->OfflineSql()) {
      std::cout << s << (s.rfind("--", 0) == 0 ? "\n" : ";\n");
    }
    return 0;
  }
  auto observer_opts = RunObserverOptionsFrom(ctx);
  if (!observer_opts.ok()) return Fail(observer_opts.error());
  auto target = ctx.OpenTarget();
  if (!target.ok()) return Fail(target.error());
  auto& [dsn, conn, dialect] = *target;
  ConnectionFactory sessions(dsn);
  RunControl control;
  ProgressReporter progress;
  auto observers = RunObservers::Start(*observer_opts, *dialect, sessions, control, progress);
  if (!observers.ok()) return Fail(observers.error());
  req.throttler = &(*observers)->throttler();
  auto plan = dialect->PlanSchemaChange(sessions, req, /*offline=*/false);
  if (!plan.ok()) return Fail(plan.error());
  Status st = (*plan)->Run(control, progress);
  progress.FinishOpenStep(st);
  if (!st.ok()) {
    Error e = st.error();
    if (control.stopping()) e.exit = ExitCode::kAborted;
    return Fail(e);
  }
  // Done: forget the shadow copy's markers (a later alter of this table must
  // not take them for its own).
  (void)conn->Exec(fmt::format(
      "DELETE FROM sluice_checkpoint WHERE revision = {} AND step = {} AND seq < 0",
      sql::QuoteString(req.revision), req.step_index));
  spdlog::info("alter {}: done ({})", ctx.args[0], (*plan)->Strategy());
  return 0;
}

}  // namespace

Command MakeAlterCommand() {
  Command c;
  c.name = "alter";
  c.synopsis =
      "TABLE \"ALTER SPEC\" [--strategy S] [--workers N] [--batch-size N] "
      "[--postpone-cut-over] [--keep-old-table] [--foreign-keys refuse|rebuild|drop-swap] "
      "[--capture auto|triggers|binlog] [--sql]";
  c.summary = "ad-hoc online schema change (instant, inplace or shadow copy)";
  c.add_options = [](po::options_description& o) {
    o.add_options()("strategy", po::value<std::string>(), "auto|instant|inplace|copy|native")(
        "workers", po::value<int>(), "copy workers (default 4)")(
        "batch-size", po::value<int>(), "rows per copy chunk, fixed (default: auto sizing)")(
        "postpone-cut-over", po::bool_switch(), "after the copy, wait for `sluice cut-over`")(
        "keep-old-table", po::bool_switch(), "keep the original table as <t>_sluice_old")(
        "foreign-keys", po::value<std::string>(),
        "other tables referencing this one: refuse (default) | rebuild | drop-swap")(
        "capture", po::value<std::string>(),
        "how a shadow copy mirrors the application's writes: auto (default: the binary log where "
        "triggers could cost the application a deadlock) | triggers | binlog")(
        "sql", po::bool_switch(), "print what would run, connect to nothing");
    AddRunObserverOptions(o);
  };
  c.run = RunAlter;
  c.min_args = 2;
  c.max_args = 2;
  return c;
}

}  // namespace sluice::cli
