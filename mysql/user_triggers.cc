#include "mysql/user_triggers.h"

#include <fmt/format.h>

#include "engine/log.h"
#include "engine/sql/quote.h"

namespace sluice::mysql {
namespace {

using sql::QuoteIdent;
using sql::QuoteString;
using sql::QuoteTable;

bool IsCopyTrigger(const ShadowNames& n, const std::string& name) {
  return name == n.insert_trigger || name == n.update_trigger || name == n.delete_trigger;
}

// 'user'@'host' from information_schema's user@host.
std::string QuoteDefiner(const std::string& definer) {
  auto at = definer.rfind('@');
  if (at == std::string::npos) return QuoteString(definer);
  return QuoteString(definer.substr(0, at)) + "@" + QuoteString(definer.substr(at + 1));
}

Status CreateOn(Session& s, const UserTrigger& t, const TableRef& on) {
  SLUICE_TRY(
      s.Exec(fmt::format("SET SESSION sql_mode = {}, character_set_client = {}, "
                         "collation_connection = {}",
                         QuoteString(t.sql_mode), QuoteString(t.charset_client),
                         QuoteString(t.collation_connection))));
  return s.Exec(CreateUserTriggerSql(t, on)).status();
}

}  // namespace

Result<std::vector<UserTrigger>> ListUserTriggers(Session& s, const TableRef& table,
                                                  const ShadowNames& n) {
  SLUICE_ASSIGN(ResultSet rs,
                s.Query(fmt::format(
                    "SELECT TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT, "
                    "DEFINER, SQL_MODE, CHARACTER_SET_CLIENT, COLLATION_CONNECTION FROM "
                    "information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = {} AND "
                    "EVENT_OBJECT_TABLE = {} ORDER BY EVENT_MANIPULATION, ACTION_TIMING, "
                    "ACTION_ORDER",
                    QuoteString(table.schema), QuoteString(table.name))));
  std::vector<UserTrigger> out;
  for (const auto& r : rs.rows) {
    UserTrigger t{r[0].value_or(""), r[1].value_or(""), r[2].value_or(""), r[3].value_or(""),
                  r[4].value_or(""), r[5].value_or(""), r[6].value_or(""), r[7].value_or("")};
    if (IsCopyTrigger(n, t.name)) {
      // Ours write into the shadow; a user's trigger of that name does not.
      if (t.body.find(QuoteIdent(n.shadow.name)) != std::string::npos) continue;
      return InputError(fmt::format(
          "trigger {} on {} has a name the shadow copy needs for its own copy triggers ({}, {}, "
          "{}); rename that trigger first",
          QuoteIdent(t.name), QuoteTable(table), n.insert_trigger, n.update_trigger,
          n.delete_trigger));
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string CreateUserTriggerSql(const UserTrigger& t, const TableRef& on) {
  return fmt::format("CREATE DEFINER={} TRIGGER {} {} {} ON {} FOR EACH ROW {}",
                     QuoteDefiner(t.definer), QuoteTable({on.schema, t.name}), t.timing, t.event,
                     QuoteTable(on), t.body);
}

Status MoveUserTriggers(Session& s, const std::vector<UserTrigger>& triggers, const TableRef& to,
                        const TableRef& back) {
  if (triggers.empty()) return Status::Ok();
  SLUICE_ASSIGN(ResultSet saved,
                s.Query("SELECT @@SESSION.sql_mode, @@SESSION.character_set_client, "
                        "@@SESSION.collation_connection"));
  size_t moved = 0;
  Status st;
  for (; moved < triggers.size(); ++moved) {
    const UserTrigger& t = triggers[moved];
    st = s.Exec("DROP TRIGGER " + QuoteTable({to.schema, t.name})).status();
    if (st.ok()) {
      st = CreateOn(s, t, to);
      if (!st.ok()) (void)CreateOn(s, t, back);  // this one goes back at once
    }
    if (!st.ok()) break;
  }
  if (!st.ok()) {
    for (size_t i = 0; i < moved; ++i) {
      (void)s.Exec("DROP TRIGGER IF EXISTS " + QuoteTable({to.schema, triggers[i].name}));
      (void)CreateOn(s, triggers[i], back);
    }
  }
  const Row& r = saved.rows.at(0);
  (void)s.Exec(
      fmt::format("SET SESSION sql_mode = {}, character_set_client = {}, collation_connection = {}",
                  QuoteString(r[0].value_or("")), QuoteString(r[1].value_or("")),
                  QuoteString(r[2].value_or(""))));
  if (!st.ok()) {
    Error e = st.error();
    e.message = fmt::format("moving trigger {} to {}: {}", QuoteIdent(triggers[moved].name),
                            QuoteTable(to), e.message);
    return e;
  }
  spdlog::info("moved {} trigger(s) of the application to {}", triggers.size(), QuoteTable(to));
  return Status::Ok();
}

}  // namespace sluice::mysql
