#include "engine/plan/plan.h"

#include <fmt/format.h>

#include "engine/chunk/statement_rewriter.h"
#include "engine/state/checksum.h"

namespace sluice::plan {
namespace {

// Which options make sense for which step kind; the rest are input errors.
Status CheckOptions(const revision::RevisionFile& f, const Step& step) {
  const revision::StepOptions& o = step.options;
  if (o.empty()) return Status::Ok();
  std::vector<std::string> misplaced;
  switch (step.kind) {
    case StepKind::kPlain:
      if (o.batch_size) misplaced.push_back("batch-size");
      if (o.min_batch_size) misplaced.push_back("min-batch-size");
      if (o.max_batch_size) misplaced.push_back("max-batch-size");
      if (o.workers) misplaced.push_back("workers");
      if (o.key) misplaced.push_back("key");
      if (o.max_rate) misplaced.push_back("max-rate");
      if (o.defer_indexes) misplaced.push_back("defer-indexes");
      if (o.strategy) misplaced.push_back("strategy");
      if (o.target_batch_time) misplaced.push_back("target-batch-time");
      if (o.capture) misplaced.push_back("capture");
      if (o.chunked.value_or(false)) misplaced.push_back("chunked=true");
      break;
    case StepKind::kSchema:
      if (o.key) misplaced.push_back("key");
      if (o.min_batch_size) misplaced.push_back("min-batch-size");
      if (o.max_batch_size) misplaced.push_back("max-batch-size");
      if (o.chunked) misplaced.push_back("chunked");
      if (o.strategy == "tidb-batch") misplaced.push_back("strategy=tidb-batch");
      break;
    case StepKind::kData:
      if (o.strategy && *o.strategy != "auto" && *o.strategy != "tidb-batch") {
        misplaced.push_back("strategy=" + *o.strategy);
      }
      if (o.capture) misplaced.push_back("capture");
      break;
  }
  if (misplaced.empty()) return Status::Ok();
  std::string what;
  for (const auto& m : misplaced) what += (what.empty() ? "" : ", ") + m;
  std::string why =
      step.kind == StepKind::kPlain
          ? (step.classified.multi_table
                 ? "it touches several tables, so it runs as written (only single-table "
                   "UPDATE, DELETE and INSERT ... SELECT are chunked)"
                 : "it is neither a data step (single-table UPDATE, DELETE, INSERT ... SELECT) "
                   "nor a schema change, so it runs as written")
          : fmt::format("it is a {} step", StepKindName(step.kind));
  return f.ErrorAt(o.line, fmt::format("step option {} does not apply to the statement at line "
                                       "{}: {}",
                                       what, step.line, why));
}

}  // namespace

const char* DirectionName(Direction d) { return d == Direction::kUp ? "up" : "down"; }

const char* StepKindName(StepKind k) {
  switch (k) {
    case StepKind::kSchema:
      return "schema";
    case StepKind::kData:
      return "data";
    case StepKind::kPlain:
      return "plain";
  }
  return "plain";
}

Result<RevisionPlan> PlanRevision(const revision::RevisionFile& f, Direction direction) {
  RevisionPlan plan;
  plan.revision = f.id;
  plan.direction = direction;
  plan.path = f.path;
  plan.checksum = Sha256Hex(f.content);
  const auto& statements = direction == Direction::kUp ? f.up : f.down;
  for (const revision::RevisionStatement& st : statements) {
    Step step;
    step.index = static_cast<int>(plan.steps.size()) + 1;
    step.sql = st.sql;
    step.line = st.line;
    step.options = st.options;
    auto c = sql::Classify(st.sql);
    if (!c.ok()) return f.ErrorAt(st.line, c.error().message);
    step.classified = std::move(c).value();
    switch (step.classified.kind) {
      case sql::StatementKind::kSchema:
        step.kind = StepKind::kSchema;
        break;
      case sql::StatementKind::kData:
        step.kind = StepKind::kData;
        break;
      case sql::StatementKind::kPlain:
        step.kind = StepKind::kPlain;
        break;
    }
    SLUICE_TRY(CheckOptions(f, step));
    // Refuse what the chunk engine would refuse, before anything runs.
    if (step.kind == StepKind::kData && step.options.chunked.value_or(true)) {
      Status chunkable = chunk::CheckChunkable(step.classified);
      if (!chunkable.ok()) return f.ErrorAt(st.line, chunkable.error().message);
    }
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

DataStepRequest MakeDataStepRequest(const RevisionPlan& plan, const Step& step,
                                    const RunDefaults& defaults) {
  DataStepRequest req;
  req.revision = plan.revision;
  req.step_index = step.index;
  req.statement = step.sql;
  const revision::StepOptions& o = step.options;
  DataStepOptions& d = req.options;
  d.batch_size = o.batch_size.value_or(defaults.batch_size.value_or(d.batch_size));
  d.min_batch_size = o.min_batch_size.value_or(defaults.min_batch_size.value_or(d.min_batch_size));
  d.max_batch_size = o.max_batch_size.value_or(defaults.max_batch_size.value_or(d.max_batch_size));
  d.workers = o.workers.value_or(defaults.workers.value_or(d.workers));
  d.max_rate = o.max_rate.value_or(defaults.max_rate.value_or(d.max_rate));
  d.key = o.key.value_or(d.key);
  d.defer_indexes = o.defer_indexes.value_or(d.defer_indexes);
  d.chunked = o.chunked.value_or(d.chunked);
  d.target_batch_seconds =
      o.target_batch_time.value_or(defaults.target_batch_time.value_or(d.target_batch_seconds));
  d.strategy = o.strategy.value_or(d.strategy);
  return req;
}

SchemaChangeRequest MakeSchemaChangeRequest(const RevisionPlan& plan, const Step& step,
                                            const RunDefaults& defaults) {
  SchemaChangeRequest req;
  req.table = step.classified.target;
  req.statement = step.sql;
  req.alter_spec = step.classified.alter_spec;
  req.revision = plan.revision;
  req.step_index = step.index;
  const revision::StepOptions& o = step.options;
  SchemaStepOptions& s = req.options;
  s.strategy = o.strategy.value_or(s.strategy);
  s.workers = o.workers.value_or(defaults.workers.value_or(s.workers));
  s.batch_size = o.batch_size.value_or(defaults.batch_size.value_or(s.batch_size));
  s.postpone_cut_over = defaults.postpone_cut_over;
  s.capture = o.capture.value_or(defaults.capture);
  return req;
}

}  // namespace sluice::plan
