// PNG charts of the sweep, drawn by gnuplot: per scenario, throughput and
// foreground p99 against batch size, one line per worker count (and per
// defer-indexes setting when both were measured). We write the data and a .gp
// script next to the PNGs, so a chart can be redrawn or restyled by hand.
#pragma once

#include <string>
#include <vector>

#include "bench/results.h"
#include "engine/status.h"

namespace sluice::bench {

// The gnuplot script for one scenario: reads `<scenario>.dat` and writes
// `<scenario>_throughput.png` and `<scenario>_fg_p99.png` in `dir`.
std::string GnuplotScript(const BenchResults& r, const std::string& scenario,
                          const std::string& dir);
// The data file: one block per line of the chart, separated by two blank
// lines (gnuplot's `index`).
std::string GnuplotData(const BenchResults& r, const std::string& scenario);

// True when a gnuplot executable is on PATH.
bool GnuplotAvailable();

// Writes data, scripts and PNGs for every scenario into `dir`; returns the
// PNG paths. Fails if gnuplot fails (the caller decides whether that is fatal).
Result<std::vector<std::string>> WriteCharts(const BenchResults& r, const std::string& dir);

}  // namespace sluice::bench
