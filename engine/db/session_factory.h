// Opens new sessions: every parallel worker and watcher gets its own.
#pragma once

#include <memory>

#include "engine/db/session.h"

namespace sluice {

class SessionFactory {
 public:
  virtual ~SessionFactory() = default;
  virtual Result<std::unique_ptr<Session>> Open() = 0;
};

}  // namespace sluice
