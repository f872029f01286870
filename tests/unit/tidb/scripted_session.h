// A Session that answers from a script and records what it was sent, for
// the TiDB dialect's unit tests (no TiDB can run here). Result sets are
// shaped as TiDB's documentation gives them (see job_rows.h).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/db/session.h"
#include "engine/db/session_factory.h"

namespace sluice::tidb::testing {

class ScriptedSession : public Session {
 public:
  explicit ScriptedSession(
      ServerInfo info = ServerInfo::FromVersionString("8.0.11-TiDB-v8.5.1"))
      : info_(std::move(info)) {}

  // Answers for statements starting with `prefix`, used in order; the last
  // one repeats. Longer prefixes win over shorter ones.
  void On(const std::string& prefix, ResultSet rs) {
    std::lock_guard<std::mutex> l(mu_);
    rules_[prefix].push_back(Result<ResultSet>(std::move(rs)));
  }
  void OnError(const std::string& prefix, Error e) {
    std::lock_guard<std::mutex> l(mu_);
    rules_[prefix].push_back(Result<ResultSet>(std::move(e)));
  }
  // Drops the answers scripted for `prefix`.
  void Forget(const std::string& prefix) {
    std::lock_guard<std::mutex> l(mu_);
    rules_.erase(prefix);
  }
  // Called (outside the lock) before answering each statement; may block.
  std::function<void(const std::string&)> before;

  Result<ResultSet> Query(std::string_view sql) override { return Answer(std::string(sql), true); }
  Result<ExecResult> Exec(std::string_view sql) override {
    auto r = Answer(std::string(sql), false);
    if (!r.ok()) return r.error();
    return ExecResult{};
  }
  const ServerInfo& server() const override { return info_; }

  std::vector<std::string> sent() const {
    std::lock_guard<std::mutex> l(mu_);
    return sent_;
  }
  // Statements sent that start with `prefix`.
  std::vector<std::string> SentStartingWith(const std::string& prefix) const {
    std::vector<std::string> out;
    for (const std::string& s : sent()) {
      if (s.rfind(prefix, 0) == 0) out.push_back(s);
    }
    return out;
  }

 private:
  Result<ResultSet> Answer(const std::string& sql, bool query) {
    if (before) before(sql);
    std::lock_guard<std::mutex> l(mu_);
    sent_.push_back(sql);
    std::string best;
    for (const auto& [prefix, answers] : rules_) {
      if (sql.rfind(prefix, 0) == 0 && prefix.size() >= best.size() && !answers.empty()) {
        best = prefix;
      }
    }
    if (best.empty() && !rules_.count("")) {
      if (!query) return ResultSet{};
      return RuntimeError("unscripted query: " + sql);
    }
    auto& answers = rules_[best];
    Result<ResultSet> r = answers.front();
    if (answers.size() > 1) answers.pop_front();
    return r;
  }

  ServerInfo info_;
  mutable std::mutex mu_;
  std::map<std::string, std::deque<Result<ResultSet>>> rules_;
  std::vector<std::string> sent_;
};

// Hands out prepared sessions in order.
class ScriptedFactory : public SessionFactory {
 public:
  void Add(std::unique_ptr<Session> s) { pending_.push_back(std::move(s)); }
  Result<std::unique_ptr<Session>> Open() override {
    if (pending_.empty()) return RuntimeError("no more scripted sessions");
    auto s = std::move(pending_.front());
    pending_.pop_front();
    return s;
  }

 private:
  std::deque<std::unique_ptr<Session>> pending_;
};

}  // namespace sluice::tidb::testing
