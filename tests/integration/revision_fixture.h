// A temporary sluice project (sluice.ini + versions/) next to the test's own
// database, driven through the real `sluice` binary.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "engine/sql/quote.h"
#include "tests/support/run_command.h"
#include "tests/support/test_db.h"

namespace sluice::testing {

class RevisionProject : public TestDatabase {
 protected:
  void SetUp() override {
    TestDatabase::SetUp();
    dir_ = std::filesystem::temp_directory_path() / ("sluice_proj_" + db_name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "versions");
    std::ofstream(dir_ / "sluice.ini") << "versions = versions\n";
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
    TestDatabase::TearDown();
  }

  void WriteRevision(const std::string& file, const std::string& text) {
    std::ofstream(dir_ / "versions" / file) << text;
  }

  // Runs `sluice ARGS` in the project directory against this test's database.
  CommandResult Sluice(const std::string& args, const std::string& dsn = "") {
    return RunCommand("cd '" + dir_.string() + "' && SLUICE_DSN='" +
                      (dsn.empty() ? dsn_string() : dsn) + "' " + SluiceBinary() + " " + args);
  }

  // SHOW CREATE TABLE / VIEW of every table of `db` except sluice's own.
  std::map<std::string, std::string> Schema(const std::string& db) {
    std::map<std::string, std::string> out;
    auto tables = conn().Query(
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE "
        "TABLE_SCHEMA = " +
        sql::QuoteString(db) + " AND TABLE_NAME NOT LIKE 'sluice\\_%'");
    EXPECT_TRUE(tables.ok());
    if (!tables.ok()) return out;
    for (const auto& row : tables->rows) {
      auto create =
          conn().Query("SHOW CREATE TABLE " + sql::QuoteIdent(db) + "." + sql::QuoteIdent(*row[0]));
      EXPECT_TRUE(create.ok());
      if (create.ok()) out[*row[0]] = create->rows[0][1].value_or("");
    }
    return out;
  }

  std::string Versions(const std::string& db = "") {
    auto r = conn().Query("SELECT GROUP_CONCAT(version_num ORDER BY version_num) FROM " +
                          sql::QuoteIdent(db.empty() ? db_name() : db) + ".sluice_version");
    if (!r.ok() || r->rows.empty() || !r->rows[0][0]) return "";
    return *r->rows[0][0];
  }

  std::filesystem::path dir_;
};

}  // namespace sluice::testing
