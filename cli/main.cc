// sluice: parses global options, finds the command, merges its options from
// flags > environment (SLUICE_*) > sluice.ini > defaults, and runs it.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>

#include "cli/command.h"
#include "engine/db/dsn.h"
#include "engine/log.h"

namespace sluice::cli {
namespace {

po::options_description GlobalDescription() {
  po::options_description g("Global options");
  g.add_options()
      ("help,h", "show help (sluice COMMAND --help for a command's options)")
      ("version", "print the version")
      ("config,c", po::value<std::string>(), "config file (default ./sluice.ini when present)")
      ("dsn", po::value<std::string>(),
       "database: mysql://user:pass@host:port/db or tidb://... Prefer the SLUICE_DSN "
       "environment variable: command lines are visible in ps")
      ("dialect", po::value<std::string>()->default_value("auto"), "auto | mysql | tidb")
      ("log-level", po::value<std::string>()->default_value("info"),
       "trace | debug | info | warn | error | off")
      ("log-json", po::bool_switch(), "log JSON lines instead of text")
      ("db-port", po::value<int>()->default_value(3307), "port of the local MariaDB (sluice db)")
      ("db-dir", po::value<std::string>()->default_value(".sluice/db"),
       "directory of the local MariaDB (sluice db)");
  return g;
}

const Command* FindCommand(const std::string& name) {
  for (const Command& c : AllCommands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

void PrintUsage(std::ostream& out) {
  out << "sluice " << SLUICE_VERSION
      << ": online schema and data migrations for MySQL, MariaDB and TiDB\n\n"
         "usage: sluice [global options] COMMAND [args] [options]\n\ncommands:\n";
  for (const Command& c : AllCommands()) {
    out << fmt::format("  {} {}\n      {}\n", c.name, c.synopsis, c.summary);
  }
  out << "\n" << GlobalDescription() << "\n";
  out << "Exit status: 0 ok, 1 failed, 2 usage or input error, 3 aborted by the operator, "
         "4 lock held.\n";
}

po::options_description UnionDescription();

// Whether `arg` is an option (of any command: run options may come before the
// command, as `git -c` users expect) whose value is the next argument, so
// the scan for the command name skips it.
bool TakesValue(const std::string& arg) {
  if (arg == "-c") return true;
  if (arg.rfind("--", 0) != 0 || arg.find('=') != std::string::npos) return false;
  static const po::options_description all = UnionDescription();
  const po::option_description* d = all.find_nothrow(arg.substr(2), false);
  return d != nullptr && d->semantic()->max_tokens() > 0;
}

// Overwrites passwords in argv so they do not show in ps (the kernel exposes
// the original argv memory). SLUICE_DSN is the safe way to pass them.
void HideArgvPasswords(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string redacted = RedactSecrets(argv[i]);
    if (redacted != argv[i]) {
      size_t n = std::strlen(argv[i]);
      std::memset(argv[i], 0, n);
      std::memcpy(argv[i], redacted.data(), std::min(n, redacted.size()));
    }
  }
}

// Every option any command knows, to check sluice.ini keys.
po::options_description UnionDescription() {
  po::options_description all;
  all.add(GlobalDescription());
  std::set<std::string> seen;
  for (const Command& c : AllCommands()) {
    po::options_description d;
    c.add_options(d);
    for (const auto& opt : d.options()) {
      if (seen.insert(opt->long_name()).second && !all.find_nothrow(opt->long_name(), false)) {
        all.add(opt);
      }
    }
  }
  return all;
}

// "unknown option '--x'", or where the option belongs when another command
// has it.
std::string UnknownOptionMessage(const Command& cmd, const std::string& option) {
  std::string name = option.substr(0, option.find('='));
  std::string owners;
  if (name.rfind("--", 0) == 0) {
    for (const Command& c : AllCommands()) {
      po::options_description d;
      c.add_options(d);
      if (d.find_nothrow(name.substr(2), false)) owners += (owners.empty() ? "" : ", ") + c.name;
    }
  }
  if (owners.empty()) return fmt::format("unknown option '{}'", RedactSecrets(name));
  return fmt::format("{} is not an option of sluice {}; it belongs to: {}", name, cmd.name,
                     owners);
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  HideArgvPasswords(argc, argv);

  // Find the command: the first argument that is neither an option nor the
  // value of one. Options before the command are then parsed with the
  // command's own: an option it does not know is refused by name.
  int cmd_index = -1;
  static const po::options_description known = UnionDescription();
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) == 0 && a.size() > 2 &&
        !known.find_nothrow(a.substr(2, a.find('=') - 2), false)) {
      // Unknown before the command: name it, not the word after it.
      std::cerr << "sluice: unknown option '" << RedactSecrets(a.substr(0, a.find('=')))
                << "'\n(see sluice --help)\n";
      return 2;
    }
    if (TakesValue(args[i])) {
      ++i;
      continue;
    }
    if (!args[i].empty() && args[i][0] != '-') {
      cmd_index = static_cast<int>(i);
      break;
    }
  }
  bool want_help = std::find(args.begin(), args.end(), "--help") != args.end() ||
                   std::find(args.begin(), args.end(), "-h") != args.end();
  if (std::find(args.begin(), args.end(), "--version") != args.end() && cmd_index < 0) {
    std::cout << "sluice " << SLUICE_VERSION << "\n";
    return 0;
  }
  if (cmd_index < 0) {
    PrintUsage(want_help ? std::cout : std::cerr);
    return want_help ? 0 : 2;
  }
  const Command* cmd = FindCommand(args[cmd_index]);
  if (cmd == nullptr) {
    std::cerr << "sluice: unknown command '" << args[cmd_index] << "'\n\n";
    PrintUsage(std::cerr);
    return 2;
  }
  po::options_description own(fmt::format("Options of sluice {}", cmd->name));
  cmd->add_options(own);
  po::options_description all;
  all.add(GlobalDescription()).add(own);
  all.add_options()("args", po::value<std::vector<std::string>>(), "positional arguments");
  if (want_help) {
    std::cout << fmt::format("usage: sluice {} {}\n{}\n\n", cmd->name, cmd->synopsis,
                             cmd->summary)
              << own << "\n"
              << GlobalDescription() << "\n";
    return 0;
  }

  CommandContext ctx;
  std::vector<std::string> rest = args;
  rest.erase(rest.begin() + cmd_index);
  po::positional_options_description positional;
  positional.add("args", -1);
  try {
    // A bare "-N" (downgrade -1) is a relative target, not an option.
    auto negative_number = [](std::vector<std::string>& av) {
      std::vector<po::option> out;
      if (!av.empty() && av[0].size() > 1 && av[0][0] == '-' &&
          av[0].find_first_not_of("0123456789", 1) == std::string::npos) {
        po::option o;
        o.value.push_back(av[0]);
        o.original_tokens.push_back(av[0]);
        out.push_back(o);
        av.erase(av.begin());
      }
      return out;
    };
    po::store(po::command_line_parser(rest)
                  .options(all)
                  .positional(positional)
                  .extra_style_parser(negative_number)
                  .run(),
              ctx.vm);
    po::store(po::parse_environment(all,
                                    [&all](const std::string& env) -> std::string {
                                      if (env.rfind("SLUICE_", 0) != 0) return "";
                                      std::string name = env.substr(7);
                                      for (char& ch : name) {
                                        ch = ch == '_' ? '-' : static_cast<char>(std::tolower(ch));
                                      }
                                      if (name == "args") return "";
                                      return all.find_nothrow(name, false) ? name : "";
                                    }),
              ctx.vm);
    std::string config;
    if (ctx.vm.count("config")) {
      config = ctx.vm["config"].as<std::string>();
      if (!std::filesystem::exists(config)) {
        return Fail(InputError(fmt::format("config file {} does not exist", config)));
      }
    } else if (std::filesystem::exists("sluice.ini")) {
      config = "sluice.ini";
    }
    if (!config.empty()) {
      auto parsed = po::parse_config_file<char>(config.c_str(), all, true);
      po::options_description known = UnionDescription();
      for (const auto& o : parsed.options) {
        if (o.unregistered && !known.find_nothrow(o.string_key, false)) {
          return Fail(InputError(fmt::format("{}: unknown key '{}'", config, o.string_key)));
        }
      }
      po::store(parsed, ctx.vm);
      ctx.global.config_path = config;
      ctx.global.config_dir =
          std::filesystem::absolute(config).parent_path().lexically_normal().string();
    }
    po::notify(ctx.vm);
  } catch (const po::unknown_option& e) {
    std::cerr << "sluice " << cmd->name << ": " << UnknownOptionMessage(*cmd, e.get_option_name())
              << "\n(see sluice " << cmd->name << " --help)\n";
    return 2;
  } catch (const po::error& e) {
    std::cerr << "sluice " << cmd->name << ": " << RedactSecrets(e.what())
              << "\n(see sluice " << cmd->name << " --help)\n";
    return 2;
  }
  GlobalOptions& g = ctx.global;
  g.dsn = ctx.Get<std::string>("dsn", "");
  g.dialect = ctx.Get<std::string>("dialect", "auto");
  g.log_level = ctx.vm["log-level"].defaulted() ? cmd->default_log_level
                                                : ctx.Get<std::string>("log-level", "info");
  g.log_json = ctx.Get<bool>("log-json", false);
  g.db_port = ctx.Get<int>("db-port", 3307);
  g.db_dir = ctx.Get<std::string>("db-dir", ".sluice/db");
  if (ctx.vm.count("args")) ctx.args = ctx.vm["args"].as<std::vector<std::string>>();

  if (!SetUpLogging({g.log_level, g.log_json})) {
    std::cerr << "sluice: unknown --log-level '" << g.log_level << "'\n";
    return 2;
  }
  if (g.dialect != "auto" && g.dialect != "mysql" && g.dialect != "tidb") {
    return Fail(InputError(fmt::format("unknown --dialect '{}': use auto, mysql or tidb",
                                       g.dialect)));
  }
  if (ctx.args.size() < cmd->min_args || ctx.args.size() > cmd->max_args) {
    std::cerr << fmt::format("usage: sluice {} {}\n(see sluice {} --help)\n", cmd->name,
                             cmd->synopsis, cmd->name);
    return 2;
  }
  return cmd->run(ctx);
}

}  // namespace
}  // namespace sluice::cli

int main(int argc, char** argv) { return sluice::cli::Main(argc, argv); }
