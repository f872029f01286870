#include "mysql/replica_lag_signal.h"

#include <fmt/format.h>

#include <initializer_list>

#include "engine/db/connection.h"
#include "engine/db/dsn.h"

namespace sluice::mysql {
namespace {

constexpr int kParseError = 1064;  // ER_PARSE_ERROR: SHOW REPLICA STATUS unknown

// The first of `names` present in the row, or nullopt when absent or NULL.
Cell Field(const ResultSet& rs, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    int col = rs.Column(n);
    if (col >= 0) return rs.rows[0][col];
  }
  return std::nullopt;
}

}  // namespace

ReplicaLagSignal::ReplicaLagSignal(std::unique_ptr<SessionFactory> replica, std::string name,
                                   double max_lag_s)
    : replica_(std::move(replica)), name_(std::move(name)), max_lag_s_(max_lag_s) {}

std::unique_ptr<ReplicaLagSignal> ReplicaLagSignal::FromDsn(const std::string& dsn,
                                                           double max_lag_s) {
  auto parsed = ParseDsn(dsn);
  if (!parsed.ok()) {
    auto s = std::make_unique<ReplicaLagSignal>(nullptr, RedactSecrets(dsn), max_lag_s);
    s->broken_ = parsed.error();
    return s;
  }
  std::string name = parsed->socket.empty() ? fmt::format("{}:{}", parsed->host, parsed->port)
                                            : parsed->socket;
  return std::make_unique<ReplicaLagSignal>(std::make_unique<ConnectionFactory>(*parsed),
                                            std::move(name), max_lag_s);
}

Result<ResultSet> ReplicaLagSignal::ReplicaStatus() {
  if (broken_) return *broken_;
  if (!session_) {
    SLUICE_ASSIGN(session_, replica_->Open());
  }
  if (!legacy_syntax_) {
    auto rs = session_->Query("SHOW REPLICA STATUS");
    if (rs.ok() || rs.error().code != kParseError) {
      if (!rs.ok()) session_.reset();
      return rs;
    }
    legacy_syntax_ = true;
  }
  auto rs = session_->Query("SHOW SLAVE STATUS");
  if (!rs.ok()) session_.reset();
  return rs;
}

Result<ThrottleDecision> ReplicaLagSignal::Check() {
  auto rs = ReplicaStatus();
  if (!rs.ok()) {
    Error e = rs.error();
    e.message = fmt::format("replica {}: {}", name_, e.message);
    return e;
  }
  if (rs->rows.empty()) {
    return RuntimeError(fmt::format("replica {}: not a replica (empty replica status)", name_));
  }
  ThrottleDecision d;
  Cell sql_running = Field(*rs, {"Replica_SQL_Running", "Slave_SQL_Running"});
  Cell io_running = Field(*rs, {"Replica_IO_Running", "Slave_IO_Running"});
  Cell lag = Field(*rs, {"Seconds_Behind_Master", "Seconds_Behind_Source"});
  if (sql_running.value_or("No") != "Yes") {
    d.throttle = true;
    d.reason = fmt::format("replica {}: SQL thread stopped, lag unknown", name_);
    Cell err = Field(*rs, {"Last_SQL_Error"});
    if (err && !err->empty()) d.reason += " (" + *err + ")";
    return d;
  }
  if (!lag) {
    d.throttle = true;
    d.reason = fmt::format("replica {}: lag unknown (Seconds_Behind_Master NULL, IO thread {})",
                           name_, io_running.value_or("NULL"));
    return d;
  }
  double seconds = 0;
  try {
    seconds = std::stod(*lag);
  } catch (const std::exception&) {
    return RuntimeError(fmt::format("replica {}: lag '{}' is not a number", name_, *lag));
  }
  if (seconds > max_lag_s_) {
    d.throttle = true;
    d.reason = fmt::format("replica {} lag {:g}s > {:g}s", name_, seconds, max_lag_s_);
  }
  return d;
}

}  // namespace sluice::mysql
