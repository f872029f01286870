// Shared by the fault scenarios: a fixture that resets its database between
// trials, the seeded random source, a background writer that mirrors its
// writes into a second table, and the full verification every scenario ends
// with.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/db/connection.h"
#include "tests/support/sluice_project.h"
#include "tests/support/test_db.h"

namespace sluice::testing {

// The seed of every random choice in a scenario: SLUICE_FAULT_SEED, else a
// fixed default. Printed so that a failing trial can be replayed.
uint64_t FaultSeed(const std::string& scenario);

// What a finished run must have left behind.
struct FinalState {
  std::string head;                    // sluice_version's only row
  std::vector<std::string> revisions;  // each has its latest history row 'up' and 'done'
  std::string table = "t";             // the migrated table
  std::vector<std::string> indexes;    // secondary indexes it must have
  std::vector<std::string> columns;    // columns it must have
};

class FaultTest : public TestDatabase {
 protected:
  // Drops and re-creates this test's database (a fresh trial).
  void ResetDatabase();
  // SELECT COUNT(*) and a content hash of `columns` of `table` ("n:hash").
  std::string ContentHash(const std::string& table, const std::string& columns);
  // The full verification: no leftover triggers or x_sluice_new/x_sluice_old tables, no
  // checkpoints, deferred-index records or lock rows; the version table at
  // `s.head` and every revision's latest run done; the table has its columns
  // and indexes. Adds `context` (the trial) to every failure. `triggers`:
  // the user's own triggers that must be there, "name@table,...".
  void VerifyFinalState(const FinalState& s, const std::string& context,
                        const std::string& triggers = "");
  // Runs `sluice ARGS` in `p` against this test's database.
  CommandResult Sluice(const SluiceProject& p, const std::string& args);
  std::unique_ptr<ChildProcess> StartSluice(const SluiceProject& p,
                                            const std::vector<std::string>& args);
};

// Writes to `table` while a migration runs, and repeats every write to
// `mirror` in the same transaction: once the migration is over, both tables
// must hold the same rows. Updates, inserts (ids above `rows`) and deletes.
// Failed transactions (deadlock, lock wait, killed connection, table being
// renamed) roll back and count as failures, never as writes.
class MirroredWriter {
 public:
  MirroredWriter(Dsn dsn, std::string table, std::string mirror, int64_t rows, uint64_t seed);
  ~MirroredWriter();  // stops
  void Start();
  void Stop();
  int64_t committed() const { return committed_; }
  int64_t failed() const { return failed_; }
  // Creates `mirror` as a copy of (id, v) of `table`.
  static Status CreateMirror(Connection& c, const std::string& table, const std::string& mirror);

 private:
  void Loop();
  Dsn dsn_;
  std::string table_;
  std::string mirror_;
  int64_t rows_;
  std::mt19937_64 rng_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> committed_{0};
  std::atomic<int64_t> failed_{0};
  std::thread thread_;
};

// Sleeps for `seconds` (fractional).
void SleepSeconds(double seconds);

}  // namespace sluice::testing
