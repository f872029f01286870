// Errors as values at module boundaries: Status for operations without a
// result, Result<T> for those with one.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace sluice {

// What a caller should do about an error.
enum class ErrorClass {
  kRetry,        // transient: retry the same work after a backoff
  kShrinkBatch,  // the batch was too large: retry with a smaller one
  kFatal,        // stop: retrying will not help
};

// Process exit codes (see README "Exit status").
enum class ExitCode {
  kOk = 0,
  kFailed = 1,
  kUsage = 2,     // usage or input error (bad flag, malformed file, bad DSN)
  kAborted = 3,   // aborted by the operator (signal or control socket)
  kLockHeld = 4,  // another migrator holds the lock
};

const char* ErrorClassName(ErrorClass c);

struct Error {
  std::string message;                 // human-readable, never contains a password
  int code = 0;                        // server errno (0 when not from a server)
  std::string sqlstate;                // SQLSTATE when from a server
  ErrorClass cls = ErrorClass::kFatal;
  ExitCode exit = ExitCode::kFailed;   // exit code if this error ends the process

  // "ERROR 1213 (40001): Deadlock found ..." or just the message.
  std::string ToString() const;
};

// An input error: malformed file, bad flag, bad DSN. Exits with code 2.
Error InputError(std::string message);
// A fatal runtime error that did not come from the server. Exits with code 1.
Error RuntimeError(std::string message);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : error_(std::move(e)) {}  // NOLINT: implicit by design
  static Status Ok() { return Status(); }

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }
  Error& error() { return *error_; }

 private:
  std::optional<Error> error_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Error e) : v_(std::move(e)) {}            // NOLINT: implicit by design
  Result(Status s) : v_(std::move(s.error())) {}   // NOLINT: only from a failed Status

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<Error>(v_); }
  Status status() const { return ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace sluice

// Early return on error: SLUICE_TRY(status_expr); and
// SLUICE_ASSIGN(auto x, result_expr);
#define SLUICE_CONCAT_INNER(a, b) a##b
#define SLUICE_CONCAT(a, b) SLUICE_CONCAT_INNER(a, b)
#define SLUICE_TRY(expr)                         \
  do {                                           \
    auto sluice_try_s = (expr);                  \
    if (!sluice_try_s.ok()) return sluice_try_s.error(); \
  } while (0)
#define SLUICE_ASSIGN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                        \
  if (!tmp.ok()) return tmp.error();        \
  decl = std::move(tmp).value()
#define SLUICE_ASSIGN(decl, expr) \
  SLUICE_ASSIGN_IMPL(SLUICE_CONCAT(sluice_assign_, __LINE__), decl, expr)
