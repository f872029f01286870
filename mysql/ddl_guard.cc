#include "mysql/ddl_guard.h"

#include <fmt/format.h>

#include <set>

#include "engine/log.h"
#include "engine/sql/quote.h"
#include "mysql/index_lines.h"
#include "mysql/triggers.h"

namespace sluice::mysql {

using sql::QuoteIdent;
using sql::QuoteTable;

DdlGuard::DdlGuard(ShadowNames names, TableDefinition original, std::string shadow_shape,
                   CutOverOptions lock_opts, bool triggers)
    : names_(std::move(names)),
      original_(std::move(original)),
      shadow_shape_(std::move(shadow_shape)),
      lock_opts_(lock_opts),
      triggers_(triggers) {}

DdlGuard::~DdlGuard() { Unwatch(); }

Result<std::string> DdlGuard::Check(Session& s) const {
  SLUICE_ASSIGN(std::optional<TableDefinition> now, ReadTableDefinition(s, names_.table));
  if (!now) return QuoteTable(names_.table) + " was renamed or dropped";
  std::string changed = DescribeDefinitionChange(original_, *now);
  if (!changed.empty()) return QuoteTable(names_.table) + " changed: " + changed;

  SLUICE_ASSIGN(std::optional<TableDefinition> shadow, ReadTableDefinition(s, names_.shadow));
  if (!shadow) return "the shadow table " + QuoteTable(names_.shadow) + " was renamed or dropped";
  // Only its columns and options: the copy adds the deferred indexes itself.
  TableDefinition want{shadow_shape_, ""}, have{ShapeWithoutIndexes("\n" + shadow->body), ""};
  changed = DescribeDefinitionChange(want, have);
  if (!changed.empty())
    return "the shadow table " + QuoteTable(names_.shadow) + " changed: " + changed;

  if (!triggers_) return std::string();
  SLUICE_ASSIGN(std::vector<std::string> triggers, ListTriggers(s, names_.table));
  std::set<std::string> present(triggers.begin(), triggers.end());
  for (const auto* name :
       {&names_.insert_trigger, &names_.update_trigger, &names_.delete_trigger}) {
    if (present.count(*name) == 0) {
      return fmt::format("the copy trigger {} on {} was dropped", QuoteIdent(*name),
                         QuoteTable(names_.table));
    }
  }
  return std::string();
}

void DdlGuard::Watch(SessionFactory& sessions, RunControl& control,
                     std::chrono::milliseconds interval) {
  thread_ =
      std::thread([this, &sessions, &control, interval] { Loop(sessions, control, interval); });
}

void DdlGuard::Unwatch() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string DdlGuard::change() const {
  std::lock_guard<std::mutex> lock(mu_);
  return change_;
}

std::chrono::steady_clock::time_point DdlGuard::detected_at() const {
  std::lock_guard<std::mutex> lock(mu_);
  return detected_at_;
}

Error DdlGuard::ChangeError(const std::string& change) const {
  Error e = RuntimeError(fmt::format(
      "concurrent DDL on {}: {}. The shadow copy would lose it at the swap, so it stopped: the "
      "copy triggers and {} are dropped, {} is untouched. Run the change again to start afresh",
      QuoteTable(names_.table), change, QuoteTable(names_.shadow), QuoteTable(names_.table)));
  e.cls = ErrorClass::kFatal;
  return e;
}

void DdlGuard::Loop(SessionFactory& sessions, RunControl& control,
                    std::chrono::milliseconds interval) {
  std::unique_ptr<Session> s;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, interval, [this] { return stop_; })) return;
    }
    if (!s) {
      auto opened = sessions.Open();
      if (!opened.ok()) continue;  // the copy's own sessions will meet the same trouble
      s = std::move(opened).value();
    }
    auto found = Check(*s);
    if (!found.ok()) {
      spdlog::debug("concurrent-DDL check of {}: {}", QuoteTable(names_.table),
                    found.error().ToString());
      s.reset();  // reconnect next time
      continue;
    }
    if (found->empty()) continue;
    spdlog::error("concurrent DDL on {}: {}; dropping the copy triggers", QuoteTable(names_.table),
                  *found);
    // First the triggers: while they name what may no longer exist, writes to
    // the table fail. The copy's clean-up drops the shadow after.
    RunControl local;  // must run although the copy is stopping
    for (const std::string& drop : DropTriggerSql(names_)) {
      Status st = ExecWithShortLock(*s, drop, lock_opts_, local, "dropping the copy triggers");
      if (!st.ok()) spdlog::error("{}", st.error().ToString());
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      change_ = *found;
      detected_at_ = std::chrono::steady_clock::now();
    }
    control.RequestAbort("concurrent DDL on " + QuoteTable(names_.table) + ": " + *found);
    return;
  }
}

}  // namespace sluice::mysql
