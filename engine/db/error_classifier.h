// Maps server and client error codes to what the engine should do.
#pragma once

#include "engine/status.h"

namespace sluice {

// The classes of the MySQL, MariaDB, client-library and TiDB codes that
// sluice knows. Unknown codes are fatal.
ErrorClass ClassifyErrorCode(int code);

// True when the connection is gone (2006, 2013, 1927...) and the outcome of
// the last statement is unknown: the caller must reconnect and check.
bool IsConnectionLost(int code);

}  // namespace sluice
