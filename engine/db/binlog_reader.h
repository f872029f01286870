// BinlogReader: the binary-log stream of a MySQL/MariaDB server, read as a
// replica reads it (MariaDB Connector/C's replication API, COM_BINLOG_DUMP),
// on a connection of its own. It frames events and keeps the position; the
// row images are left raw for the caller to decode (mysql/binlog_rows.h):
// Connector/C's own row decoder refuses table maps without column metadata
// (a table of integer columns only: "Missing table map metadata").
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/db/connection.h"
#include "engine/status.h"

struct st_mariadb_rpl;
struct st_mariadb_rpl_event;

namespace sluice {

// A place in the binary log: the file and the byte offset in it.
struct BinlogPosition {
  std::string file;
  uint64_t pos = 0;
  // Binlog file names share their base and count up in their suffix, which
  // is zero-padded to 6 digits but grows past 999999: compared as a number.
  bool operator<(const BinlogPosition& o) const {
    return file != o.file ? FileBefore(file, o.file) : pos < o.pos;
  }
  static bool FileBefore(const std::string& a, const std::string& b);
  bool operator<=(const BinlogPosition& o) const { return !(o < *this); }
  bool operator==(const BinlogPosition& o) const { return file == o.file && pos == o.pos; }
  bool empty() const { return file.empty(); }
  std::string ToString() const { return file + ":" + std::to_string(pos); }
  static Result<BinlogPosition> Parse(const std::string& text);
};

// The file and offset a rotate event points to, from its bytes as received
// (`raw`, with the event header at `header_at`); `checksum_bytes` is 4 when
// the stream carries CRC32 checksums.
Result<BinlogPosition> RotateTarget(const unsigned char* raw, size_t raw_size, size_t header_at,
                                    uint32_t event_length, size_t checksum_bytes);

struct BinlogEvent {
  enum class Kind {
    kOther,
    kBegin,  // a transaction's first event (MariaDB's GTID event, or BEGIN)
    kTableMap,
    kWriteRows,
    kUpdateRows,
    kDeleteRows,
    kCommit,     // XID, COMMIT, ROLLBACK, XA PREPARE / XA COMMIT / XA ROLLBACK: a group's end
    kQuery,      // any other statement: `statement`, in default database `schema`
    kHeartbeat,  // the server has sent everything: `next` is its end
  };
  Kind kind = Kind::kOther;
  BinlogPosition next;  // where the stream stands after this event
  // kTableMap (and kQuery's default database):
  uint64_t table_id = 0;
  std::string schema, table;
  std::string statement;  // kQuery
  std::string column_types;  // one type byte per column
  std::string metadata;      // the table map's column metadata block
  // k*Rows: the rows part of the event (for updates: before and after image
  // of each row), and how many columns each image has.
  uint32_t column_count = 0;
  std::string row_data;
  bool all_columns = true;  // every column is in every image (binlog_row_image=FULL)
};

class BinlogReader {
 public:
  // Streams from `from` as replica `server_id` (which must be unique among the
  // server's replicas: the server drops an older dump of the same id). The
  // server sends a heartbeat every `heartbeat_ms` while it has nothing else,
  // so a read that waits 30 s for any event means the connection is dead:
  // Next() then fails with a lost connection.
  static Result<std::unique_ptr<BinlogReader>> Open(const Dsn& dsn, const BinlogPosition& from,
                                                    uint32_t server_id, int heartbeat_ms = 100);
  ~BinlogReader();
  BinlogReader(const BinlogReader&) = delete;
  BinlogReader& operator=(const BinlogReader&) = delete;

  // The next event; blocks until one (or a heartbeat) arrives.
  Result<BinlogEvent> Next();
  const BinlogPosition& position() const { return position_; }

 private:
  BinlogReader() = default;
  Error StreamError(const std::string& what) const;

  std::unique_ptr<Connection> conn_;
  st_mariadb_rpl* rpl_ = nullptr;
  st_mariadb_rpl_event* event_ = nullptr;
  BinlogPosition position_;
  size_t checksum_bytes_ = 0;  // 4: the stream's events end in a CRC32
};

}  // namespace sluice
