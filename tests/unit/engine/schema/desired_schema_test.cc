#include "engine/schema/desired_schema.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace sluice {
namespace {

namespace fs = std::filesystem;

class DesiredSchemaFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sluice_schema_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  fs::path dir_;
};

TEST_F(DesiredSchemaFiles, ReadsSqlFilesInNameOrderWithLines) {
  Write("20_b.sql", "-- b\nCREATE TABLE b (id INT PRIMARY KEY);\n");
  Write("10_a.sql", "CREATE TABLE a (id INT PRIMARY KEY);\n\nCREATE INDEX i ON a (id);\n"
                    "CREATE OR REPLACE ALGORITHM=MERGE VIEW v AS SELECT id FROM a;\n");
  Write("notes.txt", "not SQL");
  auto st = ReadSchemaFiles(dir_.string());
  ASSERT_TRUE(st.ok()) << st.error().message;
  ASSERT_EQ(st->size(), 4u);
  EXPECT_EQ(fs::path((*st)[0].file).filename(), "10_a.sql");
  EXPECT_EQ((*st)[1].line, 3);
  EXPECT_EQ((*st)[1].text, "CREATE INDEX i ON a (id)");
  EXPECT_EQ(fs::path((*st)[3].file).filename(), "20_b.sql");
  EXPECT_EQ((*st)[3].line, 2);
}

TEST_F(DesiredSchemaFiles, RefusesOtherStatementsAndQualifiedNames) {
  Write("a.sql", "CREATE TABLE a (id INT);\nDROP TABLE a;\n");
  auto st = ReadSchemaFiles(dir_.string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("a.sql:2: only CREATE TABLE"), std::string::npos)
      << st.error().message;
  EXPECT_EQ(st.error().exit, ExitCode::kUsage);

  Write("a.sql", "CREATE TABLE IF NOT EXISTS prod.a (id INT);\n");
  st = ReadSchemaFiles(dir_.string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("a.sql:1: `prod.a`"), std::string::npos) << st.error().message;

  Write("a.sql", "CREATE INDEX i ON prod.a (id);\n");
  st = ReadSchemaFiles(dir_.string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("`prod.a`"), std::string::npos) << st.error().message;
}

TEST_F(DesiredSchemaFiles, AnUnreadablePathIsAnInputError) {
  auto st = ReadSchemaFiles((dir_ / "missing").string());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().exit, ExitCode::kUsage);
  EXPECT_NE(st.error().message.find("no such file or folder"), std::string::npos);
  Write("single.sql", "CREATE TABLE s (id INT)");
  auto one = ReadSchemaFiles((dir_ / "single.sql").string());
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);
}

}  // namespace
}  // namespace sluice
