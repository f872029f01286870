// One transaction around several statements of one session: the state tables
// are written together, so a crash between two of them cannot leave one
// saying done and another not.
#pragma once

#include <functional>

#include "engine/db/session.h"
#include "engine/status.h"

namespace sluice {

// Runs `body` between START TRANSACTION and COMMIT; rolls back when the body
// or the commit fails and returns that error.
Status InTransaction(Session& s, const std::function<Status()>& body);

}  // namespace sluice
