// A live writer for the online-alter tests: every write to `orders` is
// repeated on `expected` in the same transaction, so after the ALTER both
// must hold the same rows.
#pragma once

#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "engine/db/connection.h"

namespace sluice::testing {

// Inserts, updates (also of the key and of `customer`) and deletes on
// `orders` and, in the same transaction, on `expected`, until stopped.
// Retries deadlocks. With `code_from` > 0, inserts also fill a unique `code`
// column with fresh values from there.
class Writer {
 public:
  explicit Writer(std::unique_ptr<Connection> c, int code_from = 0)
      : c_(std::move(c)), next_code_(code_from) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~Writer() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int writes() const { return writes_; }
  int inserts() const { return inserts_; }
  std::string error() const { return error_; }

 private:
  void Loop() {
    std::mt19937 rng(7);
    while (!stop_) {
      int id = 1 + static_cast<int>(rng() % 3000);
      std::string sql;
      switch (rng() % 5) {
        case 0:
          sql = next_code_ > 0 ? "INSERT INTO {t} (customer, amount, note, code) VALUES (5, 9.5, "
                                 "'live', " +
                                     std::to_string(next_code_++) + ")"
                               : "INSERT INTO {t} (customer, amount, note) VALUES (5, 9.5, 'live')";
          break;
        case 3:
          sql = "UPDATE {t} SET customer = customer + 1 WHERE id = " + std::to_string(id);
          break;
        case 1:
          sql = "UPDATE {t} SET amount = amount + 1, note = 'upd' WHERE id = " + std::to_string(id);
          break;
        case 2:
          sql = "DELETE FROM {t} WHERE id = " + std::to_string(id);
          break;
        default:  // move a row to a new key
          sql = "UPDATE {t} SET id = -id WHERE id = " + std::to_string(id);
      }
      if (!Apply(sql)) return;
      ++writes_;
      if (sql.rfind("INSERT", 0) == 0) ++inserts_;
    }
  }
  bool Apply(const std::string& tmpl) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      bool ok = c_->Exec("START TRANSACTION").ok();
      for (const char* t : {"orders", "expected"}) {
        std::string sql = tmpl;
        sql.replace(sql.find("{t}"), 3, t);
        // Inserts take the same id in both tables.
        if (sql.rfind("INSERT", 0) == 0 && std::string(t) == "expected") {
          sql.replace(sql.find("(customer"), 1, "(id, ");
          sql.replace(sql.find("VALUES ("), 8, "VALUES (LAST_INSERT_ID(), ");
        }
        auto r = ok ? c_->Exec(sql) : Result<ExecResult>(RuntimeError("begin failed"));
        if (!r.ok()) {
          ok = false;
          if (r.error().code != 1213 && r.error().code != 1205 && r.error().code != 1412) {
            error_ = sql + ": " + r.error().ToString();
          }
          break;
        }
      }
      if (ok && c_->Exec("COMMIT").ok()) return true;
      (void)c_->Exec("ROLLBACK");
      if (!error_.empty()) return false;
    }
    error_ = "too many deadlocks";
    return false;
  }

  std::unique_ptr<Connection> c_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> writes_{0};
  std::atomic<int> inserts_{0};
  int next_code_ = 0;
  std::string error_;
};

}  // namespace sluice::testing
