// `sluice bench` end to end on the real MariaDB: a small sweep, then the
// shape and the consistency of what it wrote (table, CSV, JSON, charts).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/run_command.h"
#include "tests/support/sluice_project.h"
#include "tests/support/test_db.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::stringstream ss(s);
  while (std::getline(ss, item, sep)) out.push_back(item);
  return out;
}

bool HaveGnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

class BenchTest : public TestDatabase {
 protected:
  void SetUp() override {
    TestDatabase::SetUp();
    char tmpl[] = "/tmp/sluice_bench_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    out_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(out_, ec);
    TestDatabase::TearDown();
  }
  CommandResult Bench(const std::string& args) {
    return RunCommand(SluiceBinary() + " --dsn '" + dsn_string() + "' bench --out '" +
                      out_.string() + "' " + args);
  }
  int TableCount(const std::string& like) {
    return std::stoi(Scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" +
                            db_name() + "' AND TABLE_NAME LIKE '" + like + "'"));
  }
  fs::path out_;
};

TEST_F(BenchTest, SmallSweepWritesConsistentResults) {
  CommandResult r = Bench(
      "--rows 20000 --batch-sizes 1000,5000 --workers 1,2 --repeat 1 --idle-seconds 1 "
      "--fg-threads 1 --fg-rate 100 --p99-budget 10s");
  ASSERT_EQ(r.exit_code, 0) << r.output;

  // The terminal table: a header and one line per configuration, then the pick.
  EXPECT_NE(r.output.find("rows/s"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("fg p99"), std::string::npos);
  EXPECT_NE(r.output.find("recommended for backfill"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("-- sluice:step batch-size="), std::string::npos);

  // CSV: the documented columns, four rows, rows/s x seconds = rows.
  std::vector<std::string> lines = Split(ReadFile(out_ / "results.csv"), '\n');
  ASSERT_EQ(lines.size(), 5u) << ReadFile(out_ / "results.csv");
  std::vector<std::string> header = Split(lines[0], ',');
  for (const char* col : {"scenario", "batch_size", "workers", "defer_indexes", "rows", "seconds",
                          "rows_per_s", "batch_p50_ms", "batch_p99_ms", "fg_p99_ms",
                          "fg_p99_ratio", "idle_p99_ms"}) {
    EXPECT_NE(std::find(header.begin(), header.end(), col), header.end()) << col;
  }
  auto column = [&](const std::vector<std::string>& row, const std::string& name) {
    size_t i = std::find(header.begin(), header.end(), name) - header.begin();
    return std::stod(row.at(i));
  };
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> row = Split(lines[i], ',');
    ASSERT_EQ(row.size(), header.size()) << lines[i];
    EXPECT_EQ(row[0], "backfill");
    EXPECT_EQ(column(row, "rows"), 20000);
    double seconds = column(row, "seconds");
    double rate = column(row, "rows_per_s");
    EXPECT_GT(seconds, 0);
    EXPECT_GT(rate, 0);
    EXPECT_NEAR(rate * seconds, 20000, 20000 * 0.01) << lines[i];
    EXPECT_GT(column(row, "batch_p50_ms"), 0);
    EXPECT_GE(column(row, "batch_p99_ms"), column(row, "batch_p50_ms"));
    EXPECT_GT(column(row, "fg_p99_ms"), 0);
    EXPECT_GT(column(row, "fg_p99_ratio"), 0);
  }

  // JSON: the same configurations.
  auto j = nlohmann::json::parse(ReadFile(out_ / "results.json"));
  for (const char* key : {"date", "machine", "server", "table", "foreground", "idle", "configs"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_GT(j["idle"]["queries"].get<int>(), 0);
  ASSERT_EQ(j["configs"].size(), 4u);
  for (const auto& c : j["configs"]) {
    EXPECT_EQ(c["rows"].get<int>(), 20000);
    EXPECT_NEAR(c["rows_per_s"].get<double>() * c["seconds"].get<double>(), 20000, 200);
    EXPECT_GE(c["batches"].get<int>(), 20000 / c["batch_size"].get<int>());
    EXPECT_EQ(c["step_line"].get<std::string>().rfind("-- sluice:step batch-size=", 0), 0u);
  }

  // Charts: real PNGs when gnuplot is there.
  if (HaveGnuplot()) {
    for (const char* png : {"backfill_throughput.png", "backfill_fg_p99.png"}) {
      std::string bytes = ReadFile(out_ / png);
      ASSERT_GE(bytes.size(), 8u) << png;
      EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << png;
    }
  } else {
    EXPECT_NE(r.output.find("charts skipped"), std::string::npos);
  }

  // Everything it created is gone, the engine's state tables included.
  EXPECT_EQ(TableCount("sluice%"), 0);
}

// Also loads through the recursive CTE (the MySQL / TiDB path) on MariaDB.
TEST_F(BenchTest, CopyScenarioKeepsTablesWhenAsked) {
  CommandResult r = Bench(
      "--rows 5000 --pk composite --generator cte --indexes 2 --scenarios copy --batch-sizes 700 --workers 2 "
      "--defer-indexes on,off --idle-seconds 0.2 --fg-threads 1 --keep");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sluice_bench_orders"), "5000");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sluice_bench_orders_copy"), "5000");
  // The deferred indexes are back on the copy after the last run.
  EXPECT_EQ(Scalar("SELECT COUNT(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS WHERE "
                   "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'sluice_bench_orders_copy'"),
            "3");
  auto j = nlohmann::json::parse(ReadFile(out_ / "results.json"));
  ASSERT_EQ(j["configs"].size(), 2u);
  for (const auto& c : j["configs"]) EXPECT_EQ(c["rows"].get<int>(), 5000);
}

// Ctrl-C during a shadow-copy alter: the step stops, the bench drops its
// tables (the shadow too) and exits 3. A shadow that a killed bench left
// behind does not block the next bench.
TEST_F(BenchTest, InterruptedAlterLeavesNoTablesAndNoneBlocksTheNextRun) {
  auto child = ChildProcess::Start({SLUICE_BINARY, "--dsn", dsn_string(), "bench", "--out",
                                    out_.string(), "--rows", "200000", "--scenarios", "alter",
                                    "--batch-sizes", "500", "--workers", "1", "--repeat", "5",
                                    "--idle-seconds", "0.2"});
  ASSERT_NE(child, nullptr);
  for (int i = 0; i < 600 && child->Output().find("INSERT ... SELECT") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_NE(child->Output().find("INSERT ... SELECT"), std::string::npos) << child->Output();
  child->Signal(SIGINT);
  EXPECT_EQ(child->Wait(120), 3) << child->Output();
  EXPECT_NE(child->Output().find("bench stopped"), std::string::npos) << child->Output();
  EXPECT_EQ(TableCount("sluice_bench%"), 0);

  Exec("CREATE TABLE sluice_bench_orders_sluice_new (id INT PRIMARY KEY)");
  CommandResult r = Bench("--rows 3000 --scenarios alter --batch-sizes 500 --workers 1 "
                          "--idle-seconds 0.2 --fg-threads 1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(TableCount("sluice_bench%"), 0);
}

TEST_F(BenchTest, BadSweepIsAnInputError) {
  CommandResult r = Bench("--rows 100 --workers 0");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = Bench("--rows 100 --scenarios vacuum");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("unknown scenario"), std::string::npos);
  EXPECT_EQ(TableCount("sluice_bench%"), 0);
}

// What the bench recommends is what `sluice upgrade` runs: the recommended
// step line, in a revision over the bench's own table and statement, gives
// the same batch size (every batch) and a rate within 20% of the bench's.
TEST_F(BenchTest, RecommendedStepLineRunsAsMeasured) {
  CommandResult r = Bench(
      "--rows 200000 --table agree_orders --batch-sizes 2000 --workers 2 --repeat 5 "
      "--fg-threads 0 --idle-seconds 0.2 --p99-budget 10s --keep");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = nlohmann::json::parse(ReadFile(out_ / "results.json"));
  ASSERT_EQ(j["configs"].size(), 1u);
  const std::string line = j["configs"][0]["step_line"].get<std::string>();
  const double bench_rate = j["configs"][0]["rows_per_s"].get<double>();
  EXPECT_EQ(line, "-- sluice:step batch-size=2000 workers=2");
  EXPECT_NE(r.output.find(line), std::string::npos) << r.output;

  SluiceProject project;
  // Five runs of the bench's statement, as the bench's five: the medians are
  // compared (the machine is shared and noisy).
  std::string up_sql;
  for (int i = 0; i < 5; ++i) {
    up_sql += line + "\nUPDATE agree_orders SET total_cents = price_cents * quantity + " +
              std::to_string(100 + i) + ";\n";
  }
  project.AddRevision("aaaa", "", up_sql);
  CommandResult up = project.Run(dsn_string(), "upgrade head --progress json --control-socket none");
  ASSERT_EQ(up.exit_code, 0) << up.output;
  int batches = 0;  // progress lines of the data step
  std::vector<double> rates;
  for (const std::string& l : Split(up.output, '\n')) {
    if (l.empty() || l[0] != '{') continue;
    auto e = nlohmann::json::parse(l);
    if (e["event"] == "progress" && e["step_kind"] == "data") {
      ++batches;
      EXPECT_EQ(e["batch_size"].get<int>(), 2000) << l;
      EXPECT_EQ(e["batch_mode"].get<std::string>(), "fixed") << l;
    }
    if (e["event"] == "finish") rates.push_back(e["rows_per_s"].get<double>());
  }
  ASSERT_EQ(rates.size(), 5u) << up.output;
  std::sort(rates.begin(), rates.end());
  const double upgrade_rate = rates[2];
  EXPECT_GE(batches, 1);
  std::cout << "bench " << bench_rate << " rows/s, upgrade " << upgrade_rate << " rows/s\n";
  EXPECT_NEAR(upgrade_rate, bench_rate, bench_rate * 0.2)
      << "bench " << bench_rate << " rows/s, upgrade " << upgrade_rate << " rows/s";
  Exec("DROP TABLE IF EXISTS agree_orders");
}

}  // namespace
}  // namespace sluice::testing
