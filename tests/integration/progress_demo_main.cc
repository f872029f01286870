// progress_demo DSN [bar|plain|auto] [pause_between_s]: runs real batches
// over table `items` of DSN's database (ids 1..N, N = its row count) with the
// terminal sink on stderr and the graceful signal handler, like a migration
// step. Prints "rows_done=N" on stdout at the end. Exit 0 when done, 3 when
// stopped by a signal. Used by the terminal and signal integration tests.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/db/connection.h"
#include "engine/exec/run_control.h"
#include "engine/exec/signal_handler.h"
#include "engine/progress/terminal_sink.h"
#include "tests/integration/progress_batch_loop.h"

int main(int argc, char** argv) {
  using namespace sluice;
  if (argc < 2) {
    std::fprintf(stderr, "usage: progress_demo DSN [bar|plain|auto] [pause_between_s]\n");
    return 2;
  }
  auto dsn = ParseDsn(argv[1]);
  if (!dsn.ok()) {
    std::fprintf(stderr, "%s\n", dsn.error().message.c_str());
    return 2;
  }
  TerminalSinkOptions term;
  term.mode = argc > 2 ? argv[2] : "auto";
  term.plain_interval_s = 0.2;
  term.bar_interval_s = 0.05;
  const double pause_between = argc > 3 ? std::atof(argv[3]) : 0.02;

  ConnectionFactory sessions(*dsn);
  auto conn = sessions.OpenConnection();
  if (!conn.ok()) {
    std::fprintf(stderr, "%s\n", conn.error().message.c_str());
    return 1;
  }
  auto rs = (*conn)->Query("SELECT COUNT(*) FROM items");
  if (!rs.ok()) {
    std::fprintf(stderr, "%s\n", rs.error().message.c_str());
    return 1;
  }
  const uint64_t rows = std::stoull(*rs->rows[0][0]);

  RunControl control;
  StopSignalHandler signals(control);
  ProgressReporter progress;
  progress.AddSink(std::make_shared<TerminalSink>(stderr, term));
  testing::BatchLoop loop(sessions, control, progress);
  Status st = loop.Run({.rows = rows, .batch_size = 10, .pause_between_s = pause_between});
  std::printf("rows_done=%llu\n", static_cast<unsigned long long>(loop.rows_done()));
  std::fflush(stdout);
  if (!st.ok()) return 1;
  return control.stopping() ? 3 : 0;
}
