#include "mysql/triggers.h"

#include <fmt/format.h>

#include "engine/log.h"
#include "engine/sql/quote.h"
#include "mysql/cut_over.h"

namespace sluice::mysql {
namespace {

using sql::QuoteIdent;
using sql::QuoteString;
using sql::QuoteTable;

std::string TriggerRef(const ShadowNames& n, const std::string& name) {
  return QuoteTable({n.table.schema, name});
}

std::string ReplaceNewRow(const CopyPlan& p) {
  std::string targets, values;
  for (const auto& c : p.columns) {
    if (!targets.empty()) {
      targets += ", ";
      values += ", ";
    }
    targets += QuoteIdent(c.target);
    values += p.SourceExpr(c, "NEW.");
  }
  return fmt::format("REPLACE INTO {} ({}) VALUES ({})", QuoteTable(p.names.shadow), targets,
                     values);
}

// `k1` <=> OLD.`k1` AND ... over the new key against the old row's key.
std::string MatchOldKey(const CopyPlan& p) {
  std::string out;
  for (size_t i = 0; i < p.new_key.size(); ++i) {
    if (i > 0) out += " AND ";
    out += fmt::format("{} <=> OLD.{}", QuoteIdent(p.new_key[i]), QuoteIdent(p.old_key[i]));
  }
  return out;
}

std::string KeyUnchanged(const CopyPlan& p) {
  std::string out;
  for (size_t i = 0; i < p.old_key.size(); ++i) {
    if (i > 0) out += " AND ";
    out += fmt::format("OLD.{0} <=> NEW.{0}", QuoteIdent(p.old_key[i]));
  }
  return out;
}

}  // namespace

std::vector<std::string> CreateTriggerSql(const CopyPlan& p) {
  const ShadowNames& n = p.names;
  const std::string table = QuoteTable(n.table);
  const std::string delete_old =
      fmt::format("DELETE FROM {} WHERE {}", QuoteTable(n.shadow), MatchOldKey(p));
  // A key that is not unique in the new table cannot tell REPLACE which row
  // to replace: the old row goes first, always.
  const std::string update_body =
      p.delete_by_key ? fmt::format("BEGIN {}; {}; END", delete_old, ReplaceNewRow(p))
                      : fmt::format("BEGIN IF NOT ({}) THEN {}; END IF; {}; END", KeyUnchanged(p),
                                    delete_old, ReplaceNewRow(p));
  return {
      fmt::format("CREATE TRIGGER {} AFTER INSERT ON {} FOR EACH ROW {}",
                  TriggerRef(n, n.insert_trigger), table, ReplaceNewRow(p)),
      fmt::format("CREATE TRIGGER {} AFTER UPDATE ON {} FOR EACH ROW {}",
                  TriggerRef(n, n.update_trigger), table, update_body),
      fmt::format("CREATE TRIGGER {} AFTER DELETE ON {} FOR EACH ROW {}",
                  TriggerRef(n, n.delete_trigger), table, delete_old),
  };
}

std::vector<std::string> DropTriggerSql(const ShadowNames& n) {
  std::vector<std::string> out;
  for (const auto* name : {&n.insert_trigger, &n.update_trigger, &n.delete_trigger}) {
    out.push_back("DROP TRIGGER IF EXISTS " + TriggerRef(n, *name));
  }
  return out;
}

Result<std::vector<std::string>> ListTriggers(Session& s, const TableRef& table) {
  SLUICE_ASSIGN(ResultSet rs,
                s.Query(fmt::format("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
                                    "WHERE EVENT_OBJECT_SCHEMA = {} AND EVENT_OBJECT_TABLE = {} "
                                    "ORDER BY TRIGGER_NAME",
                                    QuoteString(table.schema), QuoteString(table.name))));
  std::vector<std::string> names;
  for (const auto& row : rs.rows) names.push_back(row[0].value_or(""));
  return names;
}

Status InstallTriggers(Session& s, const CopyPlan& p, const CutOverOptions& lock,
                       RunControl& control) {
  SLUICE_TRY(s.Exec(fmt::format("SET SESSION sql_mode = {}", QuoteString(kCopySqlMode))));
  for (const std::string& stmt : CreateTriggerSql(p)) {
    Status r = ExecWithShortLock(s, stmt, lock, control, "creating the copy triggers");
    if (!r.ok()) {
      for (const std::string& drop : DropTriggerSql(p.names)) (void)s.Exec(drop);
      Error e = r.error();
      e.message = "cannot create the copy triggers: " + e.message;
      return e;
    }
  }
  spdlog::info("installed triggers {}, {}, {} on {} mirroring writes into {}",
               p.names.insert_trigger, p.names.update_trigger, p.names.delete_trigger,
               QuoteTable(p.names.table), QuoteTable(p.names.shadow));
  return Status::Ok();
}

}  // namespace sluice::mysql
