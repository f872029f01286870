#include "engine/db/connection.h"

#include <fmt/format.h>
#include <mysql.h>

#include <mutex>

#include "engine/db/error_classifier.h"
#include "engine/log.h"

namespace sluice {
namespace {
// mysql_library_init is not thread-safe; the first connection calls it once.
void InitLibraryOnce() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}
}  // namespace

int ResultSet::Column(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string& c = columns[i];
    if (c.size() != name.size()) continue;
    bool eq = true;
    for (size_t j = 0; j < c.size() && eq; ++j) {
      eq = std::tolower(static_cast<unsigned char>(c[j])) ==
           std::tolower(static_cast<unsigned char>(name[j]));
    }
    if (eq) return static_cast<int>(i);
  }
  return -1;
}

Connection::Connection(Dsn dsn, std::vector<std::string> setup)
    : dsn_(std::move(dsn)), setup_(std::move(setup)) {}

Connection::~Connection() {
  if (mysql_ != nullptr) mysql_close(mysql_);
}

Result<std::unique_ptr<Connection>> Connection::Open(const Dsn& dsn,
                                                     std::vector<std::string> setup) {
  InitLibraryOnce();
  std::unique_ptr<Connection> c(new Connection(dsn, std::move(setup)));
  SLUICE_TRY(c->Connect());
  return c;
}

Error Connection::LastError(std::string_view what) const {
  Error e;
  e.code = static_cast<int>(mysql_errno(mysql_));
  e.sqlstate = mysql_sqlstate(mysql_);
  e.message = RedactSecrets(mysql_error(mysql_));
  e.cls = ClassifyErrorCode(e.code);
  if (!what.empty()) e.message = fmt::format("{}: {}", what, e.message);
  return e;
}

Status Connection::Connect() {
  if (mysql_ != nullptr) mysql_close(mysql_);
  mysql_ = mysql_init(nullptr);
  if (mysql_ == nullptr) return RuntimeError("out of memory in mysql_init");
  unsigned int connect_timeout = dsn_.connect_timeout_s;
  mysql_optionsv(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  if (dsn_.read_timeout_s > 0) {
    unsigned int t = dsn_.read_timeout_s;
    mysql_optionsv(mysql_, MYSQL_OPT_READ_TIMEOUT, &t);
  }
  if (dsn_.write_timeout_s > 0) {
    unsigned int t = dsn_.write_timeout_s;
    mysql_optionsv(mysql_, MYSQL_OPT_WRITE_TIMEOUT, &t);
  }
  mysql_optionsv(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (dsn_.tls != "disabled") {
    const char* ca = dsn_.tls_ca.empty() ? nullptr : dsn_.tls_ca.c_str();
    mysql_ssl_set(mysql_, nullptr, nullptr, ca, nullptr, nullptr);
    my_bool enforce = dsn_.tls != "preferred";
    mysql_optionsv(mysql_, MYSQL_OPT_SSL_ENFORCE, &enforce);
    my_bool verify = dsn_.tls == "verify-ca" || dsn_.tls == "verify-identity";
    mysql_optionsv(mysql_, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
  }
  const bool use_socket = !dsn_.socket.empty();
  const char* db = dsn_.database.empty() ? nullptr : dsn_.database.c_str();
  unsigned long flags = CLIENT_FOUND_ROWS | CLIENT_MULTI_RESULTS;
  if (mysql_real_connect(mysql_, use_socket ? "localhost" : dsn_.host.c_str(),
                         dsn_.user.c_str(), dsn_.has_password ? dsn_.password.c_str() : nullptr,
                         db, use_socket ? 0 : dsn_.port,
                         use_socket ? dsn_.socket.c_str() : nullptr, flags) == nullptr) {
    Error e = LastError(fmt::format("cannot connect to {}", dsn_.Redacted()));
    if (e.code == 1045 || e.code == 1044 || e.code == 1049) e.cls = ErrorClass::kFatal;
    return e;
  }
  // Connector/C 3.3 connects in plain text to a server without TLS even with
  // MYSQL_OPT_SSL_ENFORCE (only VERIFY_SERVER_CERT refuses): never let a
  // required-TLS session go on unencrypted.
  if (dsn_.tls != "disabled" && dsn_.tls != "preferred" && mysql_get_ssl_cipher(mysql_) == nullptr) {
    mysql_close(mysql_);
    mysql_ = mysql_init(nullptr);  // unconnected, as after a failed connect
    return RuntimeError(fmt::format(
        "cannot connect to {}: tls={} but the server offers no TLS/SSL (the connection would "
        "not be encrypted)",
        dsn_.Redacted(), dsn_.tls));
  }
  MYSQL_RES* res = nullptr;
  if (mysql_query(mysql_, "SELECT VERSION()") == 0 && (res = mysql_store_result(mysql_))) {
    MYSQL_ROW row = mysql_fetch_row(res);
    if (row != nullptr && row[0] != nullptr) info_ = ServerInfo::FromVersionString(row[0]);
    mysql_free_result(res);
  } else {
    return LastError("cannot read the server version");
  }
  for (const std::string& s : setup_) {
    auto r = Exec(s);
    if (!r.ok()) return r.error();
  }
  return Status::Ok();
}

Status Connection::Reconnect() {
  spdlog::debug("reconnecting to {}", dsn_.Redacted());
  return Connect();
}

unsigned long Connection::ThreadId() const { return mysql_thread_id(mysql_); }

Result<ResultSet> Connection::Query(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return LastError("");
  ResultSet rs;
  MYSQL_RES* res = mysql_store_result(mysql_);
  if (res == nullptr) {
    if (mysql_field_count(mysql_) != 0) return LastError("");
    return rs;  // a statement without a result set
  }
  unsigned int n = mysql_num_fields(res);
  MYSQL_FIELD* fields = mysql_fetch_fields(res);
  rs.columns.reserve(n);
  for (unsigned int i = 0; i < n; ++i) rs.columns.emplace_back(fields[i].name);
  rs.rows.reserve(mysql_num_rows(res));
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    unsigned long* lengths = mysql_fetch_lengths(res);
    Row r;
    r.reserve(n);
    for (unsigned int i = 0; i < n; ++i) {
      if (row[i] == nullptr) {
        r.emplace_back(std::nullopt);
      } else {
        r.emplace_back(std::string(row[i], lengths[i]));
      }
    }
    rs.rows.push_back(std::move(r));
  }
  mysql_free_result(res);
  // Drain further results (CALL, multi-results) so the connection stays usable.
  while (mysql_more_results(mysql_)) {
    if (mysql_next_result(mysql_) > 0) return LastError("");
    if (MYSQL_RES* extra = mysql_store_result(mysql_)) mysql_free_result(extra);
  }
  return rs;
}

Result<ExecResult> Connection::Exec(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return LastError("");
  ExecResult out;
  if (MYSQL_RES* res = mysql_store_result(mysql_)) {
    mysql_free_result(res);
  } else if (mysql_field_count(mysql_) != 0) {
    return LastError("");
  }
  out.affected_rows = mysql_affected_rows(mysql_);
  out.last_insert_id = mysql_insert_id(mysql_);
  while (mysql_more_results(mysql_)) {
    if (mysql_next_result(mysql_) > 0) return LastError("");
    if (MYSQL_RES* extra = mysql_store_result(mysql_)) mysql_free_result(extra);
  }
  return out;
}

Result<std::unique_ptr<Connection>> ConnectionFactory::OpenConnection() {
  return Connection::Open(dsn_, setup_);
}

Result<std::unique_ptr<Session>> ConnectionFactory::Open() {
  auto c = OpenConnection();
  if (!c.ok()) return c.error();
  return std::unique_ptr<Session>(std::move(c).value());
}

}  // namespace sluice
