// sluice init DIR: a new project, as `alembic init`: ./sluice.ini pointing at
// DIR/versions and DIR/schema (the desired schema autogenerate compares
// with), and both directories, empty.
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
  const fs::path schema = dir / "schema";
  if (fs::exists("sluice.ini")) {
    return Fail(InputError("sluice.ini already exists here; remove it or run init elsewhere"));
  }
  if (fs::exists(versions) && !fs::is_empty(versions)) {
    return Fail(InputError(fmt::format("{} already holds files", versions.string())));
  }
  for (const fs::path& d : {versions, schema}) {
    std::error_code ec;
    fs::create_directories(d, ec);
    if (ec) {
      return Fail(RuntimeError(fmt::format("cannot create {}: {}", d.string(), ec.message())));
    }
  }
  std::ofstream ini("sluice.ini");
  ini << "# sluice configuration. Keys are the long flag names; flags and SLUICE_* environment\n"
         "# variables override them. Keep passwords out of this file: use SLUICE_DSN.\n"
         "versions = "
      << versions.generic_string()
      << "\n"
         "# The desired schema (CREATE TABLE / INDEX / VIEW files) for revision --autogenerate,\n"
         "# check --drift and test; dev-dsn names the server for their scratch databases.\n"
         "schema = "
      << schema.generic_string()
      << "\n"
         "# dev-dsn = mysql://user@127.0.0.1:3306/\n"
         "# dsn = mysql://user@127.0.0.1:3306/mydb\n"
         "# version-table = sluice_version\n"
         "# workers = 4\n"
         "# batch-size = 1000\n";
  ini.close();
  if (!ini) return Fail(RuntimeError("cannot write sluice.ini"));
  std::cout << fmt::format(
      "created sluice.ini, {}/ and {}/\nnext: sluice revision -m \"first change\", or write "
      "CREATE TABLE statements in {}/ and run sluice revision --autogenerate -m \"first change\"\n",
      versions.generic_string(), schema.generic_string(), schema.generic_string());
  return 0;
}

}  // namespace

Command MakeInitCommand() {
  Command c;
  c.name = "init";
  c.synopsis = "DIR";
  c.summary = "start a project: ./sluice.ini, DIR/versions/ and DIR/schema/";
  c.add_options = [](po::options_description&) {};
  c.run = RunInit;
  c.min_args = 1;
  c.max_args = 1;
  return c;
}

}  // namespace sluice::cli
