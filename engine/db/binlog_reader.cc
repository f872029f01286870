#include "engine/db/binlog_reader.h"

#include <fmt/format.h>
#include <mysql.h>
#include <mariadb_rpl.h>

#include <cstring>

#include "engine/db/error_classifier.h"

namespace sluice {
namespace {

std::string Str(const MARIADB_STRING& s) { return s.str == nullptr ? "" : std::string(s.str, s.length); }

bool AllSet(const unsigned char* bitmap, uint32_t columns) {
  if (bitmap == nullptr) return true;
  for (uint32_t i = 0; i < columns; ++i) {
    if ((bitmap[i / 8] & (1u << (i % 8))) == 0) return false;
  }
  return true;
}

}  // namespace

bool BinlogPosition::FileBefore(const std::string& a, const std::string& b) {
  const size_t da = a.rfind('.'), db = b.rfind('.');
  auto numeric = [](const std::string& s, size_t dot) {
    return dot != std::string::npos && dot + 1 < s.size() &&
           s.find_first_not_of("0123456789", dot + 1) == std::string::npos;
  };
  if (!numeric(a, da) || !numeric(b, db) || a.compare(0, da, b, 0, db) != 0) return a < b;
  // The suffix without its leading zeros: a longer number is a larger one.
  auto digits = [](const std::string& s, size_t dot) {
    const size_t first = s.find_first_not_of('0', dot + 1);
    return first == std::string::npos ? std::string() : s.substr(first);
  };
  const std::string x = digits(a, da), y = digits(b, db);
  return x.size() != y.size() ? x.size() < y.size() : x < y;
}

// Connector/C 3.3 misreads the post-header of a rotate that the server
// writes at the end of a file (MariaDB 10.11: binlog.000015 came out as the
// name '00015' and an offset made of the name's first 8 bytes), so the
// event's own bytes are read: the 19-byte header, the 8-byte offset, the
// name, and the checksum if the stream has one.
Result<BinlogPosition> RotateTarget(const unsigned char* raw, size_t raw_size, size_t header_at,
                                    uint32_t event_length, size_t checksum_bytes) {
  constexpr size_t kHeader = 19, kOffset = 8;
  if (raw == nullptr || event_length < kHeader + kOffset + checksum_bytes ||
      header_at + event_length > raw_size) {
    return RuntimeError(fmt::format("binlog rotate event of {} bytes cannot be read", event_length));
  }
  const unsigned char* p = raw + header_at + kHeader;
  BinlogPosition to;
  for (int i = 7; i >= 0; --i) to.pos = (to.pos << 8) | p[i];
  to.file.assign(reinterpret_cast<const char*>(p + kOffset),
                 event_length - kHeader - kOffset - checksum_bytes);
  if (to.file.empty()) return RuntimeError("binlog rotate event names no file");
  return to;
}

Result<BinlogPosition> BinlogPosition::Parse(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return InputError(fmt::format("not a binlog position (file:offset): '{}'", text));
  }
  BinlogPosition p;
  p.file = text.substr(0, colon);
  try {
    p.pos = std::stoull(text.substr(colon + 1));
  } catch (const std::exception&) {
    return InputError(fmt::format("not a binlog position (file:offset): '{}'", text));
  }
  return p;
}

Result<std::unique_ptr<BinlogReader>> BinlogReader::Open(const Dsn& dsn,
                                                        const BinlogPosition& from,
                                                        uint32_t server_id, int heartbeat_ms) {
  Dsn d = dsn;
  d.read_timeout_s = 30;  // hundreds of heartbeat periods: a half-open connection, not a pause
  std::unique_ptr<BinlogReader> r(new BinlogReader());
  SLUICE_ASSIGN(r->conn_, Connection::Open(d));
  // The server sends checksummed events only to a replica that says it can
  // take them, and heartbeats only when asked (period in nanoseconds).
  SLUICE_TRY(r->conn_->Exec("SET @master_binlog_checksum = @@global.binlog_checksum"));
  SLUICE_ASSIGN(ResultSet checksum, r->conn_->Query("SELECT @master_binlog_checksum"));
  r->checksum_bytes_ =
      !checksum.rows.empty() && checksum.rows[0][0].value_or("NONE") != "NONE" ? 4 : 0;
  SLUICE_TRY(r->conn_->Exec("SET @mariadb_slave_capability = 4"));
  SLUICE_TRY(r->conn_->Exec(
      fmt::format("SET @master_heartbeat_period = {}", int64_t{heartbeat_ms} * 1000000)));
  r->rpl_ = mariadb_rpl_init(r->conn_->handle());
  if (r->rpl_ == nullptr) return RuntimeError("cannot start a binlog stream: out of memory");
  mariadb_rpl_optionsv(r->rpl_, MARIADB_RPL_FILENAME, from.file.c_str(), from.file.size());
  mariadb_rpl_optionsv(r->rpl_, MARIADB_RPL_START, static_cast<unsigned long>(from.pos));
  mariadb_rpl_optionsv(r->rpl_, MARIADB_RPL_SERVER_ID, server_id);
  mariadb_rpl_optionsv(r->rpl_, MARIADB_RPL_FLAGS, 0);
  if (mariadb_rpl_open(r->rpl_) != 0) {
    return r->StreamError(fmt::format("cannot read the binary log from {}", from.ToString()));
  }
  r->position_ = from;
  return r;
}

BinlogReader::~BinlogReader() {
  if (event_ != nullptr) mariadb_free_rpl_event(event_);
  if (rpl_ != nullptr) mariadb_rpl_close(rpl_);
}

Error BinlogReader::StreamError(const std::string& what) const {
  MYSQL* m = conn_->handle();
  Error e;
  e.code = static_cast<int>(mysql_errno(m));
  std::string msg = mysql_error(m);
  if (msg.empty() && rpl_ != nullptr) msg = mariadb_rpl_error(rpl_);
  e.message = fmt::format("{}: {}", what, RedactSecrets(msg.empty() ? "connection lost" : msg));
  e.cls = ClassifyErrorCode(e.code);
  return e;
}

Result<BinlogEvent> BinlogReader::Next() {
  event_ = mariadb_rpl_fetch(rpl_, event_);
  if (event_ == nullptr) return StreamError("the binary log stream ended");
  const MARIADB_RPL_EVENT& ev = *event_;
  BinlogEvent out;
  switch (ev.event_type) {
    case ROTATE_EVENT: {
      SLUICE_ASSIGN(position_, RotateTarget(ev.raw_data, ev.raw_data_size, ev.raw_data_ofs,
                                            ev.event_length, checksum_bytes_));
      out.next = position_;
      return out;
    }
    case TABLE_MAP_EVENT: {
      const auto& tm = ev.event.table_map;
      out.kind = BinlogEvent::Kind::kTableMap;
      out.table_id = tm.table_id;
      out.schema = Str(tm.database);
      out.table = Str(tm.table);
      out.column_count = tm.column_count;
      out.column_types = Str(tm.column_types);
      out.metadata = Str(tm.metadata);
      break;
    }
    case WRITE_ROWS_EVENT_V1:
    case WRITE_ROWS_EVENT:
    case UPDATE_ROWS_EVENT_V1:
    case UPDATE_ROWS_EVENT:
    case DELETE_ROWS_EVENT_V1:
    case DELETE_ROWS_EVENT: {
      const auto& rows = ev.event.rows;
      const bool write = ev.event_type == WRITE_ROWS_EVENT_V1 || ev.event_type == WRITE_ROWS_EVENT;
      const bool update =
          ev.event_type == UPDATE_ROWS_EVENT_V1 || ev.event_type == UPDATE_ROWS_EVENT;
      out.kind = write    ? BinlogEvent::Kind::kWriteRows
                 : update ? BinlogEvent::Kind::kUpdateRows
                          : BinlogEvent::Kind::kDeleteRows;
      out.table_id = rows.table_id;
      out.column_count = rows.column_count;
      out.row_data.assign(static_cast<const char*>(rows.row_data), rows.row_data_size);
      out.all_columns = AllSet(rows.column_bitmap, rows.column_count) &&
                        (!update || AllSet(rows.column_update_bitmap, rows.column_count));
      break;
    }
    case WRITE_ROWS_COMPRESSED_EVENT_V1:
    case UPDATE_ROWS_COMPRESSED_EVENT_V1:
    case DELETE_ROWS_COMPRESSED_EVENT_V1:
    case WRITE_ROWS_COMPRESSED_EVENT:
    case UPDATE_ROWS_COMPRESSED_EVENT:
    case DELETE_ROWS_COMPRESSED_EVENT:
      return RuntimeError(
          "the binary log holds compressed row events (log_bin_compress=ON), which sluice "
          "cannot read; use the trigger capture (--capture triggers)");
    case XID_EVENT:
    case XA_PREPARE_LOG_EVENT:  // MariaDB's: a prepared XA transaction's group ends here
      out.kind = BinlogEvent::Kind::kCommit;
      break;
    case QUERY_EVENT: {
      const std::string q = Str(ev.event.query.statement);
      if (q == "BEGIN") {
        out.kind = BinlogEvent::Kind::kBegin;
      } else if (q == "COMMIT" || q == "ROLLBACK" || q.rfind("XA COMMIT", 0) == 0 ||
                 q.rfind("XA ROLLBACK", 0) == 0) {
        out.kind = BinlogEvent::Kind::kCommit;
      } else {
        out.kind = BinlogEvent::Kind::kQuery;
        out.statement = q;
        out.schema = Str(ev.event.query.database);
      }
      break;
    }
    case GTID_EVENT:  // MariaDB's; a DDL's stands alone, with no commit event after it
      if ((ev.event.gtid.flags & FL_STANDALONE) == 0) out.kind = BinlogEvent::Kind::kBegin;
      break;
    case HEARTBEAT_LOG_EVENT:
      out.kind = BinlogEvent::Kind::kHeartbeat;
      out.next = position_;
      if (ev.next_event_pos != 0) out.next.pos = ev.next_event_pos;
      return out;
    default:
      break;
  }
  // Artificial events (the stream's first rotate) carry 0.
  if (ev.next_event_pos != 0) position_.pos = ev.next_event_pos;
  out.next = position_;
  return out;
}

}  // namespace sluice
