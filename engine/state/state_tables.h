// Names of the tables sluice keeps in the target database. Configurable
// (`version_table = ...` in sluice.ini); every statement quotes them.
#pragma once

#include <string>

namespace sluice {

struct StateTables {
  std::string version_table = "sluice_version";        // applied heads, one row each
  std::string history_table = "sluice_history";        // one row per revision run
  std::string checkpoint_table = "sluice_checkpoint";  // finished chunks of data steps
  std::string lock_table = "sluice_lock";              // who holds the migrator lock
};

}  // namespace sluice
