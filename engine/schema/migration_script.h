// A schema diff written out as the body of a revision file: the up and down
// sections, each statement under its lint warnings and notes, and the
// destructive statements left out listed as comments.
#pragma once

#include <string>
#include <vector>

#include "engine/schema/schema_diff.h"

namespace sluice {

// "-- sluice:up\n...\n-- sluice:down\n...".
std::string RenderRevisionBody(const SchemaDiff& diff);
// The statements with their comments, each ending in ";\n".
std::string RenderStatements(const std::vector<MigrationStatement>& statements);

}  // namespace sluice
