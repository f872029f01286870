// A child process for tests that must watch or kill a running command (ps
// checks, kill -9 at random moments): started without a shell, its stdout and
// stderr captured to a file.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace sluice::testing {

class ChildProcess {
 public:
  // Starts argv[0] (a path) with `argv`; `env` entries ("K=V") are added to
  // this process's environment; `cwd` empty keeps ours. Returns null when fork
  // fails (exec failures show as exit code 127).
  static std::unique_ptr<ChildProcess> Start(const std::vector<std::string>& argv,
                                             const std::vector<std::string>& env = {},
                                             const std::string& cwd = "");
  ~ChildProcess();  // SIGKILLs and reaps a child still running

  pid_t pid() const { return pid_; }
  // Still running (reaps it when it has ended)?
  bool Running();
  // Waits up to timeout_s; the exit code, 128+signal when killed, -1 on timeout.
  int Wait(double timeout_s);
  void Signal(int sig);
  // Everything written to stdout and stderr so far.
  std::string Output() const;

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  int status_ = -1;  // the decoded exit status once reaped
  std::string output_path_;
};

// Reads /proc/<pid>/cmdline with the NUL separators turned into spaces.
std::string ProcCmdline(pid_t pid);

// A TCP port on 127.0.0.1 that was free a moment ago (for servers a test
// starts itself), or 0.
int FreeTcpPort();

}  // namespace sluice::testing
