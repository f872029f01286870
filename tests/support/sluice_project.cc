#include "tests/support/sluice_project.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace sluice::testing {

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

SluiceProject::SluiceProject() {
  char tmpl[] = "/tmp/sluice-project-XXXXXX";
  if (mkdtemp(tmpl) != nullptr) dir_ = tmpl;
  std::filesystem::create_directories(dir_ + "/versions");
  WriteFile("sluice.ini", "versions = versions\n");
}

SluiceProject::~SluiceProject() {
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

void SluiceProject::AddRevision(const std::string& id, const std::string& parent,
                                const std::string& up, const std::string& down) {
  std::string text = "-- sluice:revision " + id + "\n-- sluice:parent " +
                     (parent.empty() ? "none" : parent) + "\n-- sluice:message test " + id +
                     "\n\n-- sluice:up\n" + up + "\n\n-- sluice:down\n" + down + "\n";
  WriteFile("versions/" + id + "_r.sql", text);
}

void SluiceProject::WriteFile(const std::string& relative, const std::string& content) {
  std::filesystem::path p = std::filesystem::path(dir_) / relative;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
}

CommandResult SluiceProject::Run(const std::string& dsn, const std::string& args) const {
  std::string env = dsn.empty() ? "env -u SLUICE_DSN " : "SLUICE_DSN=" + ShellQuote(dsn) + " ";
  return RunCommand("cd " + ShellQuote(dir_) + " && " + env + SluiceBinary() + " " + args);
}

std::unique_ptr<ChildProcess> SluiceProject::Start(const std::string& dsn,
                                                   const std::vector<std::string>& args) const {
  std::string binary = SluiceBinary();
  binary = binary.substr(1, binary.size() - 2);  // SluiceBinary() is shell-quoted
  std::vector<std::string> argv = {binary};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env;
  if (!dsn.empty()) env.push_back("SLUICE_DSN=" + dsn);
  return ChildProcess::Start(argv, env, dir_);
}

}  // namespace sluice::testing
