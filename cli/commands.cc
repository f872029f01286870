// The list of commands. Add a command: write cli/cmd_<name>.cc defining
// `Command Make<Name>Command()`, declare it here and append it to the list.
#include "cli/command.h"

namespace sluice::cli {

Command MakeDbCommand();
Command MakeInitCommand();
Command MakeRevisionCommand();
Command MakeUpgradeCommand();
Command MakeDowngradeCommand();
Command MakeCurrentCommand();
Command MakeHistoryCommand();
Command MakeHeadsCommand();
Command MakeBranchesCommand();
Command MakeShowCommand();
Command MakeMergeCommand();
Command MakeStampCommand();
Command MakeCheckCommand();
Command MakeTestCommand();
Command MakeStatusCommand();
Command MakePauseCommand();
Command MakeResumeCommand();
Command MakeSetCommand();
Command MakeCutOverCommand();
Command MakeAbortCommand();
Command MakeBenchCommand();
Command MakeAlterCommand();

const std::vector<Command>& AllCommands() {
  static const std::vector<Command> kCommands = {
      MakeInitCommand(),
      MakeRevisionCommand(),
      MakeUpgradeCommand(),
      MakeDowngradeCommand(),
      MakeCurrentCommand(),
      MakeHistoryCommand(),
      MakeHeadsCommand(),
      MakeBranchesCommand(),
      MakeShowCommand(),
      MakeMergeCommand(),
      MakeStampCommand(),
      MakeCheckCommand(),
      MakeTestCommand(),
      MakeDbCommand(),
      MakeStatusCommand(),
      MakePauseCommand(),
      MakeResumeCommand(),
      MakeSetCommand(),
      MakeCutOverCommand(),
      MakeAbortCommand(),
      MakeBenchCommand(),
      MakeAlterCommand(),
  };
  return kCommands;
}

}  // namespace sluice::cli
