#include "bench/report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bench/charts.h"

namespace sluice::bench {
namespace {

BenchResults Sample() {
  BenchResults r;
  r.date = "2026-01-01T00:00:00Z";
  r.server = "10.11.6-MariaDB";
  r.dialect = "mysql";
  r.rows = 20000;
  r.pk = "int";
  r.idle_p99_s = 0.002;
  for (int workers : {1, 2}) {
    for (int batch : {1000, 5000}) {
      ConfigResult c;
      c.scenario = "backfill";
      c.batch_size = batch;
      c.workers = workers;
      c.repeats = 1;
      c.rows = 20000;
      c.seconds = 2.0 / workers;
      c.rows_per_s = c.rows / c.seconds;
      c.batch_p50_s = 0.01;
      c.batch_p99_s = 0.02;
      c.fg_p99_s = 0.004 * workers;
      c.fg_p99_ratio = c.fg_p99_s / r.idle_p99_s;
      c.step_line = "-- sluice:step batch-size=1 workers=1";
      r.configs.push_back(c);
    }
  }
  return r;
}

TEST(Report, TableHasOneLinePerConfiguration) {
  std::string table = FormatTable(Sample());
  EXPECT_NE(table.find("rows/s"), std::string::npos);
  EXPECT_NE(table.find("fg/idle"), std::string::npos);
  size_t lines = 0;
  for (size_t p = table.find("backfill"); p != std::string::npos; p = table.find("backfill", p + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 4u);
  EXPECT_NE(table.find("4.00x"), std::string::npos);  // 8 ms / 2 ms
}

TEST(Report, CsvColumns) {
  std::string csv = FormatCsv(Sample());
  EXPECT_EQ(csv.substr(0, csv.find('\n')), CsvHeader());
  size_t rows = 0;
  for (char c : csv) rows += c == '\n';
  EXPECT_EQ(rows, 5u);
  EXPECT_NE(csv.find("backfill,5000,2,off,1,20000,1.0000,20000.0,"), std::string::npos);
}

TEST(Report, JsonKeys) {
  auto j = nlohmann::json::parse(FormatJson(Sample()));
  EXPECT_EQ(j["table"]["rows"], 20000);
  EXPECT_DOUBLE_EQ(j["idle"]["p99_ms"].get<double>(), 2.0);
  ASSERT_EQ(j["configs"].size(), 4u);
  EXPECT_EQ(j["configs"][3]["workers"], 2);
  EXPECT_DOUBLE_EQ(j["configs"][3]["rows_per_s"].get<double>(), 20000.0);
}

TEST(Report, TheAlterCaptureIsShownWhenAskedFor) {
  BenchResults r = Sample();
  r.configs[0].scenario = r.configs[1].scenario = "alter";
  r.configs[0].capture = "binlog";
  r.configs[1].capture = "auto";
  std::string table = FormatTable(r);
  EXPECT_NE(table.find("\nalter/binlog "), std::string::npos) << table;
  EXPECT_NE(table.find("\nalter "), std::string::npos) << table;
  std::string csv = FormatCsv(r);
  EXPECT_NE(csv.find(",binlog\n"), std::string::npos) << csv;
  auto j = nlohmann::json::parse(FormatJson(r));
  EXPECT_EQ(j["configs"][0]["capture"], "binlog");
}

TEST(Report, Durations) {
  EXPECT_EQ(FormatDuration(0.0123), "12.3 ms");
  EXPECT_EQ(FormatDuration(0.00085), "850 us");
  EXPECT_EQ(FormatDuration(2.1), "2.10 s");
  EXPECT_EQ(FormatDuration(0), "-");
}

TEST(Charts, OneDataBlockPerWorkerCount) {
  std::string data = GnuplotData(Sample(), "backfill");
  EXPECT_NE(data.find("# workers=1\n"), std::string::npos);
  EXPECT_NE(data.find("\n\n\n# workers=2\n"), std::string::npos);
  EXPECT_NE(data.find("1000 10000.0 4.000 20.000\n"), std::string::npos);
  std::string gp = GnuplotScript(Sample(), "backfill", "/tmp/o'ut");
  EXPECT_NE(gp.find("set output '/tmp/o''ut/backfill_throughput.png'"), std::string::npos);
  EXPECT_NE(gp.find("index 1 using 1:3"), std::string::npos);
  EXPECT_NE(gp.find("title 'workers=2'"), std::string::npos);
}

}  // namespace
}  // namespace sluice::bench
