#include "engine/exec/own_connections.h"

#include <mutex>

namespace sluice {
namespace {

std::mutex& Mu() {
  static std::mutex mu;
  return mu;
}
std::multiset<uint64_t>& Ids() {
  static std::multiset<uint64_t> ids;
  return ids;
}

}  // namespace

void OwnConnections::Add(uint64_t id) {
  std::lock_guard<std::mutex> lock(Mu());
  Ids().insert(id);
}

void OwnConnections::Remove(uint64_t id) {
  std::lock_guard<std::mutex> lock(Mu());
  auto it = Ids().find(id);
  if (it != Ids().end()) Ids().erase(it);
}

std::set<uint64_t> OwnConnections::Snapshot() {
  std::lock_guard<std::mutex> lock(Mu());
  return {Ids().begin(), Ids().end()};
}

}  // namespace sluice
