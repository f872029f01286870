// Replica lag as a throttle signal (--max-lag with --replica DSN). Reads
// Seconds_Behind_Master (Seconds_Behind_Source on MySQL 8) from the
// replica's SHOW REPLICA STATUS (SHOW SLAVE STATUS on older servers). A
// stopped SQL thread or an unknown (NULL) lag counts as lagging.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/db/session_factory.h"
#include "engine/throttle/throttler.h"

namespace sluice::mysql {

class ReplicaLagSignal : public ThrottleSignal {
 public:
  // `name`: how the replica appears in reasons (host:port, never a password).
  ReplicaLagSignal(std::unique_ptr<SessionFactory> replica, std::string name, double max_lag_s);
  // From a --replica DSN. A malformed DSN yields a signal whose every check
  // fails with the parse error (so the run throttles and says why).
  static std::unique_ptr<ReplicaLagSignal> FromDsn(const std::string& dsn, double max_lag_s);
  std::string Name() const override { return "lag"; }
  Result<ThrottleDecision> Check() override;

 private:
  Result<ResultSet> ReplicaStatus();

  std::unique_ptr<SessionFactory> replica_;
  std::string name_;
  double max_lag_s_;
  std::unique_ptr<Session> session_;
  bool legacy_syntax_ = false;  // server only knows SHOW SLAVE STATUS
  std::optional<Error> broken_;  // set by FromDsn on a malformed DSN
};

}  // namespace sluice::mysql
