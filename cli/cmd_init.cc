// sluice init DIR: a new project, as `alembic init`: ./sluice.ini pointing at
// DIR/versions, and the empty versions directory.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/command.h"

namespace sluice::cli {
namespace {

int RunInit(CommandContext& ctx) {
  namespace fs = std::filesystem;
  const fs::path dir = ctx.args[0];
  const fs::path versions = dir / "versions";
  if (fs::exists("sluice.ini")) {
    return Fail(InputError("sluice.ini already exists here; remove it or run init elsewhere"));
  }
  if (fs::exists(versions) && !fs::is_empty(versions)) {
    return Fail(InputError(fmt::format("{} already holds files", versions.string())));
  }
  std::error_code ec;
  fs::create_directories(versions, ec);
  if (ec) {
    return Fail(RuntimeError(fmt::format("cannot create {}: {}", versions.string(), ec.message())));
  }
  std::ofstream ini("sluice.ini");
  ini << "# sluice configuration. Keys are the long flag names; flags and SLUICE_* environment\n"
         "# variables override them. Keep passwords out of this file: use SLUICE_DSN.\n"
         "versions = "
      << versions.generic_string()
      << "\n"
         "# dsn = mysql://user@127.0.0.1:3306/mydb\n"
         "# version-table = sluice_version\n"
         "# workers = 4\n"
         "# batch-size = 1000\n";
  ini.close();
  if (!ini) return Fail(RuntimeError("cannot write sluice.ini"));
  std::cout << fmt::format(
      "created sluice.ini and {}/\nnext: sluice revision -m \"first change\"\n",
      versions.generic_string());
  return 0;
}

}  // namespace

Command MakeInitCommand() {
  Command c;
  c.name = "init";
  c.synopsis = "DIR";
  c.summary = "start a project: ./sluice.ini and DIR/versions/";
  c.add_options = [](po::options_description&) {};
  c.run = RunInit;
  c.min_args = 1;
  c.max_args = 1;
  return c;
}

}  // namespace sluice::cli
