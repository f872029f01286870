#include "mysql/load_signal.h"

#include <fmt/format.h>

#include <charconv>

#include "engine/sql/quote.h"

namespace sluice::mysql {

LoadSignal::LoadSignal(SessionFactory& sessions, LoadLimit limit)
    : sessions_(sessions), limit_(std::move(limit)) {}

Result<long> LoadSignal::Read() {
  if (!session_) {
    SLUICE_ASSIGN(session_, sessions_.Open());
  }
  auto rs = session_->Query("SHOW GLOBAL STATUS LIKE " + sql::QuoteString(limit_.variable));
  if (!rs.ok()) {
    session_.reset();  // a dead connection is reopened on the next check
    return rs.error();
  }
  int col = rs->Column("Value");
  if (rs->rows.empty() || col < 0 || !rs->rows[0][col]) {
    return InputError(fmt::format("load: no global status variable {}", limit_.variable));
  }
  const std::string& text = *rs->rows[0][col];
  long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return InputError(fmt::format("load: {}={} is not a number", limit_.variable, text));
  }
  return value;
}

Result<ThrottleDecision> LoadSignal::Check() {
  SLUICE_ASSIGN(long value, Read());
  ThrottleDecision d;
  if (limit_.critical > 0 && value > limit_.critical) {
    d.abort = true;
    d.throttle = true;
    d.reason = fmt::format("{}={} > critical {}", limit_.variable, value, limit_.critical);
  } else if (limit_.max > 0 && value > limit_.max) {
    d.throttle = true;
    d.reason = fmt::format("{}={} > {}", limit_.variable, value, limit_.max);
  }
  return d;
}

}  // namespace sluice::mysql
