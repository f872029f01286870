// Client side of the control socket, for `sluice status|pause|resume|set|
// cut-over|abort`: sends one line, returns the JSON answer.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine/status.h"

namespace sluice {

// Errors say when no run is listening on `path`.
Result<nlohmann::json> SendControlCommand(const std::string& path, const std::string& line,
                                          double timeout_s = 10);

}  // namespace sluice
