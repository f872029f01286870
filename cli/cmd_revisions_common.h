// Shared by the revision-workflow commands (init, revision, upgrade,
// downgrade, current, history, heads, branches, show, merge, stamp, check):
// their common options, loading the versions directory, opening the state.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "engine/revision/revision_graph.h"
#include "engine/state/state_tables.h"

namespace sluice::cli {

// --versions, --version-table, --history-table, --checkpoint-table, --lock-table.
void AddRevisionOptions(po::options_description& o);
StateTables StateTablesFrom(const CommandContext& ctx);
// The versions directory: --versions (relative to sluice.ini), default "versions".
std::string VersionsDir(const CommandContext& ctx);
Result<revision::RevisionGraph> LoadGraph(const CommandContext& ctx);
// The version table's rows (connects).
Result<std::vector<std::string>> CurrentHeads(Connection& conn, const CommandContext& ctx);

// "aaaa (head) (branchpoint) -> message" style decorations for listings.
std::string Describe(const revision::RevisionGraph& g, const std::string& id);
// A fresh 12-hex-digit revision id not used in `g`.
std::string NewRevisionId(const revision::RevisionGraph& g);
// The text of a revision file: its header lines, then `body`.
Result<std::string> RevisionFileText(const std::string& id, const std::vector<std::string>& parents,
                                     const std::string& message,
                                     const std::vector<std::string>& branch_labels,
                                     const std::vector<std::string>& depends_on,
                                     const std::string& body);
// Writes a new revision file; returns its path.
Result<std::string> WriteRevisionFile(const std::string& dir, const std::string& id,
                                      const std::vector<std::string>& parents,
                                      const std::string& message,
                                      const std::vector<std::string>& branch_labels,
                                      const std::vector<std::string>& depends_on,
                                      const std::string& body);

}  // namespace sluice::cli
