// The desired schema: a .sql file, or a folder of them read in file-name
// order, holding CREATE TABLE, CREATE INDEX and CREATE VIEW statements. It is
// never parsed here beyond splitting statements and telling their kind: the
// server parses it when it is loaded into a scratch database.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/db/session.h"
#include "engine/status.h"

namespace sluice {

struct SchemaStatement {
  std::string file;  // as found under the schema path
  int line = 0;      // where the statement starts
  std::string text;
};

// Reads and splits the files. An unreadable path, a statement of another
// kind, or a name qualified with a database is an input error naming
// file:line.
Result<std::vector<SchemaStatement>> ReadSchemaFiles(const std::string& path);

// Runs the statements on `s` (whose current database is the scratch
// database), with foreign key checks off so files need not be ordered by
// references. The first failure is an input error "file:line: <server
// error>". `interrupted` is asked between statements.
Status LoadSchema(Session& s, const std::vector<SchemaStatement>& statements,
                  const std::function<bool()>& interrupted);

}  // namespace sluice
