// The list of commands. Add a command: write cli/cmd_<name>.cc defining
// `Command Make<Name>Command()`, declare it here and append it to the list.
#include "cli/command.h"

namespace sluice::cli {

Command MakeDbCommand();
Command MakeStatusCommand();
Command MakePauseCommand();
Command MakeResumeCommand();
Command MakeSetCommand();
Command MakeCutOverCommand();
Command MakeAbortCommand();
Command MakeBenchCommand();

const std::vector<Command>& AllCommands() {
  static const std::vector<Command> kCommands = {
      MakeDbCommand(),
      MakeStatusCommand(),
      MakePauseCommand(),
      MakeResumeCommand(),
      MakeSetCommand(),
      MakeCutOverCommand(),
      MakeAbortCommand(),
      MakeBenchCommand(),
  };
  return kCommands;
}

}  // namespace sluice::cli
