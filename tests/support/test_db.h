// Integration-test support: a fresh database on the real MariaDB that
// scripts/test.sh starts (SLUICE_TEST_DSN). Each test gets its own schema so
// tests can run in parallel; it is dropped afterwards.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/db/connection.h"
#include "engine/db/dsn.h"

namespace sluice::testing {

// The server DSN from SLUICE_TEST_DSN, without a database. Fails the test
// (not skips: the suite's script always starts a server) when unset.
Dsn ServerDsn();

class TestDatabase : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The DSN of this test's own database.
  const Dsn& dsn() const { return dsn_; }
  std::string dsn_string() const { return dsn_.ToString(); }
  const std::string& db_name() const { return db_; }
  // A connection to this test's database (opened once).
  Connection& conn();
  // A new connection to this test's database.
  std::unique_ptr<Connection> NewConnection();
  // Runs SQL, failing the test on error.
  void Exec(const std::string& sql);
  // First column of the first row, or "NULL".
  std::string Scalar(const std::string& sql);
  // A new account `user`@'%' (password "pw") with every privilege on this
  // test's database only (so no PROCESS), and its DSN. Drop it with
  // DropAccount before the test ends.
  Dsn CreateAccount(const std::string& user);
  void DropAccount(const std::string& user);

 private:
  Dsn dsn_;
  std::string db_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace sluice::testing
