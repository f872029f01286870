// Turns one direction (up or down) of a revision into steps: schema steps run
// online through the dialect, data steps as chunked batches, plain steps as
// written. Also merges the step's options with the run's flags.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/dialect.h"
#include "engine/exec/data_step.h"
#include "engine/revision/revision_file.h"
#include "engine/sql/classifier.h"
#include "engine/status.h"

namespace sluice::plan {

enum class Direction { kUp, kDown };
const char* DirectionName(Direction d);  // "up" / "down"

enum class StepKind { kSchema, kData, kPlain };
const char* StepKindName(StepKind k);

struct Step {
  int index = 0;  // 1-based within the revision's direction
  StepKind kind = StepKind::kPlain;
  std::string sql;  // as written, without ';'
  int line = 0;     // where it starts in the file
  sql::Classified classified;
  revision::StepOptions options;  // the `-- sluice:step` line above it, if any
};

struct RevisionPlan {
  std::string revision;
  Direction direction = Direction::kUp;
  std::string path;      // the file, for messages
  std::string checksum;  // SHA-256 of the file
  std::vector<Step> steps;
};

// Run-wide defaults from the flags (--workers, --batch-size, --max-rate);
// a step's own options win over these.
struct RunDefaults {
  std::optional<int> workers;
  std::optional<int> batch_size;  // 0: auto
  std::optional<int> min_batch_size;
  std::optional<int> max_batch_size;
  std::optional<double> target_batch_time;
  std::optional<double> max_rate;
  bool postpone_cut_over = false;
  std::string capture = "auto";  // shadow copies: auto|triggers|binlog
};

// Classifies each statement. Options that cannot apply to a statement's kind
// (e.g. batch-size on a CREATE TABLE) are "file:line: ..." InputErrors.
Result<RevisionPlan> PlanRevision(const revision::RevisionFile& file, Direction direction);

DataStepRequest MakeDataStepRequest(const RevisionPlan& plan, const Step& step,
                                    const RunDefaults& defaults);
SchemaChangeRequest MakeSchemaChangeRequest(const RevisionPlan& plan, const Step& step,
                                            const RunDefaults& defaults);

}  // namespace sluice::plan
