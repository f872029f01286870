#include <gtest/gtest.h>

#include "engine/state/checksum.h"
#include "engine/state/history_store.h"
#include "engine/state/migrator_lock.h"
#include "engine/state/version_store.h"

namespace sluice {
namespace {

TEST(Checksum, Sha256KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(VersionStore, CreateTableSqlUsesConfiguredName) {
  StateTables t;
  t.version_table = "my`versions";
  EXPECT_EQ(VersionStore::CreateTableSql(t),
            "CREATE TABLE IF NOT EXISTS `my``versions` (version_num VARCHAR(64) NOT NULL, "
            "PRIMARY KEY (version_num))");
}

TEST(VersionStore, TransitionSqlDeletesOldHeadsAndInsertsNew) {
  StateTables t;
  EXPECT_EQ(
      VersionStore::TransitionSql(t, {}, {"aaaa"}),
      (std::vector<std::string>{"INSERT INTO `sluice_version` (version_num) VALUES ('aaaa')"}));
  EXPECT_EQ(
      VersionStore::TransitionSql(t, {"bbbb", "cccc"}, {"mmmm"}),
      (std::vector<std::string>{"DELETE FROM `sluice_version` WHERE version_num = 'bbbb'",
                                "DELETE FROM `sluice_version` WHERE version_num = 'cccc'",
                                "INSERT INTO `sluice_version` (version_num) VALUES ('mmmm')"}));
  EXPECT_TRUE(VersionStore::TransitionSql(t, {"aaaa"}, {"aaaa"}).empty());
  EXPECT_EQ(VersionStore::ReplaceSql(t, {}),
            (std::vector<std::string>{"DELETE FROM `sluice_version`"}));
}

TEST(HistoryStore, CreateTableSqlHasTheDesignColumns) {
  StateTables t;
  std::string sql = HistoryStore::CreateTableSql(t);
  for (const char* col : {"revision", "direction", "checksum", "started_at", "finished_at",
                          "status", "steps_done", "host", "sluice_version", "error"}) {
    EXPECT_NE(sql.find(col), std::string::npos) << col;
  }
  EXPECT_EQ(sql.rfind("CREATE TABLE IF NOT EXISTS `sluice_history` (", 0), 0u);
}

TEST(HistoryStore, HostAndPidNamesThisProcess) {
  std::string hp = HistoryStore::HostAndPid();
  EXPECT_NE(hp.find('/'), std::string::npos);
  EXPECT_EQ(hp.substr(hp.find('/') + 1), std::to_string(getpid()));
}

TEST(MigratorLock, LockNameFitsTheServerLimit) {
  EXPECT_EQ(MigratorLock::LockName("shop"), "sluice:shop");
  std::string long_name(64, 'x');
  std::string n = MigratorLock::LockName(long_name);
  EXPECT_EQ(n.size(), 64u);
  EXPECT_EQ(n.rfind("sluice:xxx", 0), 0u);
  EXPECT_NE(MigratorLock::LockName(long_name), MigratorLock::LockName(long_name + "y"));
}

TEST(StateTables, DefaultNames) {
  StateTables t;
  EXPECT_EQ(t.version_table, "sluice_version");
  EXPECT_EQ(t.history_table, "sluice_history");
  EXPECT_EQ(t.checkpoint_table, "sluice_checkpoint");
}

}  // namespace
}  // namespace sluice
