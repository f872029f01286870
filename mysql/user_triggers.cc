#include "mysql/user_triggers.h"

#include <fmt/format.h>

#include <functional>

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

// Runs `fn`, then puts the session's sql_mode and character set back.
Status KeepingSessionSettings(Session& s, const std::function<Status()>& fn) {
  SLUICE_ASSIGN(ResultSet saved,
                s.Query("SELECT @@SESSION.sql_mode, @@SESSION.character_set_client, "
                        "@@SESSION.collation_connection"));
  Status st = fn();
  const Row& r = saved.rows.at(0);
  (void)s.Exec(
      fmt::format("SET SESSION sql_mode = {}, character_set_client = {}, collation_connection = {}",
                  QuoteString(r[0].value_or("")), QuoteString(r[1].value_or("")),
                  QuoteString(r[2].value_or(""))));
  return st;
}

constexpr int kJournalSeq = -100;  // and below: one row per trigger
constexpr char kSep = '\x1f';

std::string Hex(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string Unhex(const std::string& h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
  }
  return out;
}

std::string Serialize(const UserTrigger& t) {
  std::string out;
  for (const std::string* f : {&t.name, &t.timing, &t.event, &t.definer, &t.sql_mode,
                               &t.charset_client, &t.collation_connection, &t.body}) {
    out += (out.empty() ? "" : std::string(1, kSep)) + *f;
  }
  return Hex(out);
}

UserTrigger Deserialize(const std::string& hex) {
  std::vector<std::string> f;
  std::string cur;
  for (char c : Unhex(hex)) {
    if (c == kSep && f.size() < 7) {
      f.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  f.push_back(cur);
  f.resize(8);
  return {f[0], f[1], f[2], f[7], f[3], f[4], f[5], f[6]};
}

}  // namespace

Status JournalUserTriggers(Session& s, const std::string& checkpoint_table,
                           const std::string& revision, int step,
                           const std::vector<UserTrigger>& triggers) {
  SLUICE_TRY(
      s.Exec(fmt::format("DELETE FROM {} WHERE revision = {} AND step = {} AND seq <= {}",
                         QuoteIdent(checkpoint_table), QuoteString(revision), step, kJournalSeq)));
  for (size_t i = 0; i < triggers.size(); ++i) {
    SLUICE_TRY(s.Exec(fmt::format(
        "INSERT INTO {} (revision, step, seq, kind, lo_key) VALUES ({}, {}, {}, 'trigger', {})",
        QuoteIdent(checkpoint_table), QuoteString(revision), step,
        kJournalSeq - static_cast<int>(i), QuoteString(Serialize(triggers[i])))));
  }
  return Status::Ok();
}

Status RestoreJournaledTriggers(Session& s, const std::string& checkpoint_table,
                                const std::string& revision, int step, const TableRef& on) {
  auto rs = s.Query(fmt::format(
      "SELECT lo_key FROM {} WHERE revision = {} AND step = {} AND seq <= {} ORDER BY seq DESC",
      QuoteIdent(checkpoint_table), QuoteString(revision), step, kJournalSeq));
  if (!rs.ok()) return Status::Ok();  // no checkpoint table yet: no journal
  for (const auto& row : rs->rows) {
    UserTrigger t = Deserialize(row[0].value_or(""));
    SLUICE_ASSIGN(ResultSet found,
                  s.Query(fmt::format("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE "
                                      "EVENT_OBJECT_SCHEMA = {} AND TRIGGER_NAME = {}",
                                      QuoteString(on.schema), QuoteString(t.name))));
    if (found.rows.empty() || found.rows[0][0].value_or("0") != "0") continue;
    spdlog::warn("trigger {} of {} was lost by an interrupted cut-over; re-creating it",
                 QuoteIdent(t.name), QuoteTable(on));
    SLUICE_TRY(KeepingSessionSettings(s, [&] { return CreateOn(s, t, on); }));
  }
  return Status::Ok();
}

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
  size_t moved = 0;
  Status st = KeepingSessionSettings(s, [&]() -> Status {
    Status r;
    for (; moved < triggers.size(); ++moved) {
      const UserTrigger& t = triggers[moved];
      r = s.Exec("DROP TRIGGER " + QuoteTable({to.schema, t.name})).status();
      if (r.ok()) {
        r = CreateOn(s, t, to);
        if (!r.ok()) (void)CreateOn(s, t, back);  // this one goes back at once
      }
      if (!r.ok()) break;
    }
    if (!r.ok()) {
      for (size_t i = 0; i < moved; ++i) {
        (void)s.Exec("DROP TRIGGER IF EXISTS " + QuoteTable({to.schema, triggers[i].name}));
        (void)CreateOn(s, triggers[i], back);
      }
    }
    return r;
  });
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
