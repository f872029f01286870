#include "engine/db/error_classifier.h"

namespace sluice {

bool IsConnectionLost(int code) {
  switch (code) {
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 1927:  // ER_CONNECTION_KILLED (MariaDB)
    case 1053:  // ER_SERVER_SHUTDOWN
    case 2002:  // CR_CONNECTION_ERROR (socket)
    case 2003:  // CR_CONN_HOST_ERROR
      return true;
    default:
      return false;
  }
}

ErrorClass ClassifyErrorCode(int code) {
  if (IsConnectionLost(code)) return ErrorClass::kRetry;
  switch (code) {
    // MySQL / MariaDB
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
    case 1213:  // ER_LOCK_DEADLOCK
    case 1317:  // ER_QUERY_INTERRUPTED (KILL QUERY)
    case 1040:  // ER_CON_COUNT_ERROR: too many connections
    case 1159:  // ER_NET_READ_INTERRUPTED
    case 1161:  // ER_NET_WRITE_INTERRUPTED
    case 1180:  // ER_ERROR_DURING_COMMIT
    case 1615:  // ER_NEED_REPREPARE
    case 3024:  // ER_QUERY_TIMEOUT (MySQL max_execution_time)
    case 1969:  // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
    // TiDB
    case 8002:  // can not retry select for update
    case 8005:  // write conflict, stale
    case 8022:  // KV error safe to retry
    case 8027:  // information schema out of date
    case 8028:  // information schema changed
    case 9001:  // PD server timeout
    case 9002:  // TiKV server timeout
    case 9003:  // TiKV server busy
    case 9004:  // resolve lock timeout
    case 9005:  // region unavailable
    case 9007:  // write conflict
      return ErrorClass::kRetry;
    case 1197:  // ER_TRANS_CACHE_FULL: binlog cache too small for the batch
    case 1206:  // ER_LOCK_TABLE_FULL: too many locks
    case 1153:  // ER_NET_PACKET_TOO_LARGE
    case 8004:  // TiDB: transaction too large
    case 8025:  // TiDB: entry too large
      return ErrorClass::kShrinkBatch;
    default:
      return ErrorClass::kFatal;
  }
}

}  // namespace sluice
