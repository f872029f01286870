#include "tests/fault/fault_support.h"

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "engine/sql/quote.h"

namespace sluice::testing {

uint64_t FaultSeed(const std::string& scenario) {
  uint64_t seed = 20261125;
  if (const char* env = std::getenv("SLUICE_FAULT_SEED"); env != nullptr && *env != '\0') {
    seed = std::strtoull(env, nullptr, 10);
  }
  std::cout << "[fault] " << scenario << ": seed " << seed
            << " (replay with SLUICE_FAULT_SEED=" << seed << ")" << std::endl;
  return seed;
}

void SleepSeconds(double seconds) {
  std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6)));
}

void FaultTest::ResetDatabase() {
  std::string db = sql::QuoteIdent(db_name());
  Exec("DROP DATABASE IF EXISTS " + db);
  Exec("CREATE DATABASE " + db);
  Exec("USE " + db);
}

std::string FaultTest::ContentHash(const std::string& table, const std::string& columns) {
  return Scalar("SELECT CONCAT(COUNT(*), ':', COALESCE(SUM(CRC32(CONCAT_WS('#', " + columns +
                "))), 0)) FROM " + sql::QuoteIdent(table));
}

CommandResult FaultTest::Sluice(const SluiceProject& p, const std::string& args) {
  return p.Run(dsn_string(), args);
}

std::unique_ptr<ChildProcess> FaultTest::StartSluice(const SluiceProject& p,
                                                     const std::vector<std::string>& args) {
  return p.Start(dsn_string(), args);
}

void FaultTest::VerifyFinalState(const FinalState& s, const std::string& context,
                                 const std::string& triggers) {
  SCOPED_TRACE(context);
  std::string db = sql::QuoteString(db_name());
  EXPECT_EQ(Scalar("SELECT COALESCE(GROUP_CONCAT(CONCAT(TRIGGER_NAME, '@', EVENT_OBJECT_TABLE) "
                   "ORDER BY TRIGGER_NAME), '') FROM information_schema.TRIGGERS WHERE "
                   "EVENT_OBJECT_SCHEMA = " + db),
            triggers)
      << "leftover or missing triggers";
  EXPECT_EQ(Scalar("SELECT COALESCE(GROUP_CONCAT(TABLE_NAME), '') FROM information_schema.TABLES "
                   "WHERE TABLE_SCHEMA = " + db +
                   " AND (TABLE_NAME LIKE '%\\_sluice\\_new' OR TABLE_NAME LIKE '%\\_sluice\\_old')"),
            "")
      << "leftover shadow tables";
  for (const char* state : {"sluice_checkpoint", "sluice_deferred_index", "sluice_lock"}) {
    std::string exists = Scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                                "TABLE_SCHEMA = " + db + " AND TABLE_NAME = '" + state + "'");
    if (exists == "1") {
      EXPECT_EQ(Scalar(std::string("SELECT COUNT(*) FROM ") + state), "0")
          << "rows left in " << state << ": "
          << Scalar(std::string("SELECT GROUP_CONCAT(CONCAT_WS(' ', revision, step, seq, kind, "
                                "lo_key) SEPARATOR ' | ') FROM ") + state);
    }
  }
  EXPECT_EQ(Scalar("SELECT GROUP_CONCAT(version_num) FROM sluice_version"), s.head);
  for (const auto& rev : s.revisions) {
    EXPECT_EQ(Scalar("SELECT CONCAT(direction, ' ', status) FROM sluice_history WHERE revision "
                     "= " + sql::QuoteString(rev) + " ORDER BY id DESC LIMIT 1"),
              "up done")
        << "history of " << rev;
  }
  for (const auto& idx : s.indexes) {
    EXPECT_EQ(Scalar("SELECT COUNT(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS "
                     "WHERE TABLE_SCHEMA = " + db + " AND TABLE_NAME = " +
                     sql::QuoteString(s.table) + " AND INDEX_NAME = " + sql::QuoteString(idx)),
              "1")
        << "index " << idx << " is missing";
  }
  for (const auto& col : s.columns) {
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                     db + " AND TABLE_NAME = " + sql::QuoteString(s.table) +
                     " AND COLUMN_NAME = " + sql::QuoteString(col)),
              "1")
        << "column " << col << " is missing";
  }
}

MirroredWriter::MirroredWriter(Dsn dsn, std::string table, std::string mirror, int64_t rows,
                               uint64_t seed)
    : dsn_(std::move(dsn)),
      table_(std::move(table)),
      mirror_(std::move(mirror)),
      rows_(rows),
      rng_(seed) {}

MirroredWriter::~MirroredWriter() { Stop(); }

Status MirroredWriter::CreateMirror(Connection& c, const std::string& table,
                                    const std::string& mirror) {
  SLUICE_TRY(c.Exec("CREATE TABLE " + sql::QuoteIdent(mirror) +
                    " (id BIGINT PRIMARY KEY, v BIGINT NOT NULL) ENGINE=InnoDB"));
  return c.Exec("INSERT INTO " + sql::QuoteIdent(mirror) + " SELECT id, v FROM " +
                sql::QuoteIdent(table))
      .status();
}

void MirroredWriter::Start() {
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void MirroredWriter::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void MirroredWriter::Loop() {
  std::unique_ptr<Connection> c;
  int64_t next_id = rows_ + 1 + static_cast<int64_t>(rng_() % 1000) * 1000000;
  std::string t = sql::QuoteIdent(table_), m = sql::QuoteIdent(mirror_);
  while (!stop_) {
    if (!c) {
      auto opened = Connection::Open(dsn_);
      if (!opened.ok()) {
        SleepSeconds(0.05);
        continue;
      }
      c = std::move(opened).value();
      (void)c->Exec("SET SESSION innodb_lock_wait_timeout = 2");
    }
    int64_t id = 1 + static_cast<int64_t>(rng_() % static_cast<uint64_t>(rows_));
    int op = static_cast<int>(rng_() % 100);
    std::vector<std::string> stmts;
    if (op < 70) {
      for (const auto& tbl : {t, m}) {
        stmts.push_back("UPDATE " + tbl + " SET v = v + 1 WHERE id = " + std::to_string(id));
      }
    } else if (op < 85) {
      int64_t nid = next_id++;
      for (const auto& tbl : {t, m}) {
        stmts.push_back("INSERT INTO " + tbl + " (id, v) VALUES (" + std::to_string(nid) + ", " +
                        std::to_string(nid % 97) + ")");
      }
    } else {
      for (const auto& tbl : {t, m}) {
        stmts.push_back("DELETE FROM " + tbl + " WHERE id = " + std::to_string(id));
      }
    }
    Status st = c->Exec("BEGIN").status();
    for (const auto& s : stmts) {
      if (st.ok()) st = c->Exec(s).status();
    }
    if (st.ok()) st = c->Exec("COMMIT").status();
    if (st.ok()) {
      ++committed_;
    } else {
      ++failed_;
      if (!c->Exec("ROLLBACK").ok()) c.reset();  // lost: reconnect
    }
    SleepSeconds(0.002);
  }
}

}  // namespace sluice::testing
