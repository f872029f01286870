// The server connection ids of this process's batch sessions, so that a
// lock-wait monitor can tell which waits sluice causes (the blocking
// transaction is one of ours) from the application's own. Thread-safe.
#pragma once

#include <cstdint>
#include <set>

namespace sluice {

class OwnConnections {
 public:
  static void Add(uint64_t id);
  static void Remove(uint64_t id);
  static std::set<uint64_t> Snapshot();
};

}  // namespace sluice
