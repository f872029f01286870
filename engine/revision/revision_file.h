// One revision file: header lines, the up and down statements, and the
// per-statement `-- sluice:step` options. Every malformed file is an
// InputError "file:line: what is wrong", and nothing from it runs.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace sluice::revision {

// `-- sluice:step key=value ...`: applies to the next statement only. Unset
// options fall back to the run's flags and then to the engine defaults.
struct StepOptions {
  std::optional<int> batch_size;             // batch-size=N (rows, > 0) or auto (0)
  std::optional<int> min_batch_size;         // min-batch-size=N: auto sizing floor
  std::optional<int> max_batch_size;         // max-batch-size=N: auto sizing ceiling
  std::optional<int> workers;                // workers=N (> 0)
  std::optional<std::string> key;            // key=INDEX: chunk on this unique index
  std::optional<double> max_rate;            // max-rate=ROWS/S (>= 0, 0 = unlimited)
  std::optional<std::string> defer_indexes;  // defer-indexes=all|idx_a,idx_b
  std::optional<bool> chunked;               // chunked=true|false
  std::optional<std::string> strategy;       // strategy=auto|instant|inplace|copy|native|tidb-batch
  std::optional<double> target_batch_time;   // target-batch-time=SECONDS (> 0; "500ms" accepted)
  std::optional<std::string> capture;        // capture=auto|triggers|binlog (MySQL shadow copies)
  int line = 0;                              // line of the directive; 0 when there was none

  bool empty() const { return line == 0; }
};

// The option keys `-- sluice:step` accepts, for messages and docs.
const std::vector<std::string>& StepOptionKeys();

// Parses "batch-size=5000 workers=4"; errors are "what is wrong" (no location).
Result<StepOptions> ParseStepOptions(std::string_view text);

struct RevisionStatement {
  std::string sql;      // as written, without the terminating ';'
  int line = 0;         // where it starts in the file
  StepOptions options;  // from the `-- sluice:step` line right above it
};

struct RevisionFile {
  std::string path;                        // as loaded (for messages)
  std::string id;                          // -- sluice:revision
  std::vector<std::string> parents;        // -- sluice:parent (empty: a root)
  std::string message;                     // -- sluice:message
  std::vector<std::string> branch_labels;  // -- sluice:branch
  std::vector<std::string> depends_on;     // -- sluice:depends-on
  std::vector<RevisionStatement> up;
  std::vector<RevisionStatement> down;
  bool has_down = false;  // a `-- sluice:down` section exists
  int id_line = 0;        // header line numbers, for graph errors
  int parent_line = 0;
  int depends_on_line = 0;
  int branch_line = 0;
  std::string content;  // the file's bytes (checksums)

  // "path:line: what" as an InputError.
  Error ErrorAt(int line, std::string_view what) const;
};

// True for 4-64 characters of [0-9a-z_].
bool IsValidRevisionId(std::string_view id);
// True for a branch label: 1-64 characters of [A-Za-z0-9_-], not a reserved target word.
bool IsValidBranchLabel(std::string_view label);

// Parses the text of one file; `path` is only used in messages.
Result<RevisionFile> ParseRevisionFile(std::string_view content, std::string path);
// Reads and parses one file.
Result<RevisionFile> LoadRevisionFile(const std::filesystem::path& path);

}  // namespace sluice::revision
