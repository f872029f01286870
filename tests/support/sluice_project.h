// A throw-away sluice project for tests that drive the real binary: a temp
// directory with sluice.ini (versions = versions) and revision files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/run_command.h"

namespace sluice::testing {

class SluiceProject {
 public:
  SluiceProject();   // creates /tmp/sluice-project-XXXXXX with sluice.ini and versions/
  ~SluiceProject();  // removes the directory

  const std::string& dir() const { return dir_; }
  // Writes versions/<id>_<slug>.sql with the headers, an up and a down section.
  // `parent` empty: a root revision.
  void AddRevision(const std::string& id, const std::string& parent, const std::string& up,
                   const std::string& down = "");
  // Writes a file relative to the project directory.
  void WriteFile(const std::string& relative, const std::string& content);
  // Runs `sluice ARGS` (a shell-quoted argument string) in the project
  // directory with SLUICE_DSN=dsn (empty: unset), and waits.
  CommandResult Run(const std::string& dsn, const std::string& args) const;
  // Starts `sluice ARGS...` in the project directory without waiting.
  std::unique_ptr<ChildProcess> Start(const std::string& dsn,
                                      const std::vector<std::string>& args) const;

 private:
  std::string dir_;
};

// Single-quotes a string for /bin/sh.
std::string ShellQuote(const std::string& s);

}  // namespace sluice::testing
