// The bench report: a terminal table and CSV / JSON files of the results.
#pragma once

#include <string>

#include "bench/results.h"
#include "engine/status.h"

namespace sluice::bench {

// The terminal table: one line per configuration, after a header that names
// the table, server and idle baseline.
std::string FormatTable(const BenchResults& r);

// The CSV header line (without newline), and the whole file's text.
std::string CsvHeader();
std::string FormatCsv(const BenchResults& r);
// The JSON document: {"date":..., "configs":[...], ...}.
std::string FormatJson(const BenchResults& r);

// Writes results.csv and results.json into `dir` (created if missing).
Status WriteReportFiles(const BenchResults& r, const std::string& dir);

// Writes `text` to `path`, replacing the file.
Status WriteTextFile(const std::string& path, const std::string& text);

// "12.3 ms", "850 us", "2.10 s".
std::string FormatDuration(double seconds);

}  // namespace sluice::bench
