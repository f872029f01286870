// JSON form of a progress snapshot, shared by the JSON-lines sink and the
// control socket's `status` answer.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/progress/progress.h"

namespace sluice {

nlohmann::json SnapshotToJson(const ProgressSnapshot& s);
// The inverse, for clients of the control socket; missing fields keep defaults.
ProgressSnapshot SnapshotFromJson(const nlohmann::json& j);

}  // namespace sluice
