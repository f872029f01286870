#include "engine/plan/plan.h"

#include <gtest/gtest.h>

#include "engine/plan/offline_sql.h"
#include "engine/revision/revision_graph.h"
#include "engine/throttle/throttler.h"

namespace sluice::plan {
namespace {

revision::RevisionFile Parse(const std::string& text, const std::string& path = "v/x.sql") {
  auto r = revision::ParseRevisionFile(text, path);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : revision::RevisionFile{};
}

constexpr const char* kFile = R"(-- sluice:revision aaaa
-- sluice:message add totals
-- sluice:up
CREATE TABLE t (id INT PRIMARY KEY, a INT);
-- sluice:step strategy=instant workers=2
ALTER TABLE t ADD COLUMN b INT;
-- sluice:step batch-size=500 key=PRIMARY max-rate=100
UPDATE t SET b = a WHERE b IS NULL;
-- sluice:step chunked=false
DELETE FROM t WHERE a < 0;
CREATE INDEX ib ON t (b);
-- sluice:down
DROP TABLE t;
)";

TEST(PlanRevision, ClassifiesStepsAndKeepsOptions) {
  auto p = PlanRevision(Parse(kFile), Direction::kUp);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->revision, "aaaa");
  EXPECT_EQ(p->checksum.size(), 64u);
  ASSERT_EQ(p->steps.size(), 5u);
  EXPECT_EQ(p->steps[0].kind, StepKind::kPlain);
  EXPECT_EQ(p->steps[1].kind, StepKind::kSchema);
  EXPECT_EQ(p->steps[2].kind, StepKind::kData);
  EXPECT_EQ(p->steps[3].kind, StepKind::kData);
  EXPECT_EQ(p->steps[4].kind, StepKind::kSchema);
  EXPECT_EQ(p->steps[4].classified.alter_spec, "ADD INDEX ib (b)");
  EXPECT_EQ(p->steps[2].index, 3);
  EXPECT_EQ(p->steps[2].line, 8);
  auto down = PlanRevision(Parse(kFile), Direction::kDown);
  ASSERT_TRUE(down.ok());
  ASSERT_EQ(down->steps.size(), 1u);
  EXPECT_EQ(down->steps[0].sql, "DROP TABLE t");
}

TEST(PlanRevision, OptionsThatDoNotApplyAreInputErrors) {
  auto p =
      PlanRevision(Parse("-- sluice:revision aaaa\n-- sluice:up\n-- sluice:step batch-size=10\n"
                         "CREATE TABLE t (id INT);\n"),
                   Direction::kUp);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().message.rfind("v/x.sql:3: step option batch-size does not apply to the "
                                    "statement at line 4",
                                    0),
            0u)
      << p.error().message;
  EXPECT_EQ(p.error().exit, ExitCode::kUsage);
  auto multi =
      PlanRevision(Parse("-- sluice:revision aaaa\n-- sluice:up\n-- sluice:step workers=2\n"
                         "UPDATE a JOIN b ON a.id = b.id SET a.x = b.x;\n"),
                   Direction::kUp);
  ASSERT_FALSE(multi.ok());
  EXPECT_NE(multi.error().message.find("several tables"), std::string::npos);
  auto schema = PlanRevision(Parse("-- sluice:revision aaaa\n-- sluice:up\n-- sluice:step key=k\n"
                                   "ALTER TABLE t ADD COLUMN c INT;\n"),
                             Direction::kUp);
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.error().message.find("it is a schema step"), std::string::npos);
}

TEST(PlanRevision, UnchunkableDataStepsAreRefusedBeforeAnythingRuns) {
  auto p = PlanRevision(Parse("-- sluice:revision aaaa\n-- sluice:up\nCREATE TABLE t (id INT);\n"
                              "DELETE FROM t WHERE id < 5 LIMIT 10;\n"),
                        Direction::kUp);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(
      p.error().message.rfind("v/x.sql:4: cannot chunk a statement with ORDER BY or LIMIT", 0), 0u)
      << p.error().message;
  EXPECT_EQ(p.error().exit, ExitCode::kUsage);
  auto ok =
      PlanRevision(Parse("-- sluice:revision aaaa\n-- sluice:up\n-- sluice:step chunked=false\n"
                         "DELETE FROM t WHERE id < 5 LIMIT 10;\n"),
                   Direction::kUp);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->steps[0].kind, StepKind::kData);
}

TEST(PlanRevision, RequestsMergeStepOptionsOverRunDefaults) {
  auto p = PlanRevision(Parse(kFile), Direction::kUp);
  ASSERT_TRUE(p.ok());
  RunDefaults d;
  d.workers = 8;
  d.batch_size = 2000;
  DataStepRequest data = MakeDataStepRequest(*p, p->steps[2], d);
  EXPECT_EQ(data.revision, "aaaa");
  EXPECT_EQ(data.step_index, 3);
  EXPECT_EQ(data.options.batch_size, 500);  // the step's own option wins
  EXPECT_EQ(data.options.workers, 8);       // the run's flag fills the gap
  EXPECT_EQ(data.options.key, "PRIMARY");
  EXPECT_DOUBLE_EQ(data.options.max_rate, 100);
  EXPECT_TRUE(data.options.chunked);
  EXPECT_FALSE(MakeDataStepRequest(*p, p->steps[3], d).options.chunked);
  SchemaChangeRequest schema = MakeSchemaChangeRequest(*p, p->steps[1], d);
  EXPECT_EQ(schema.table.name, "t");
  EXPECT_EQ(schema.alter_spec, "ADD COLUMN b INT");
  EXPECT_EQ(schema.options.strategy, "instant");
  EXPECT_EQ(schema.options.workers, 2);
  EXPECT_EQ(schema.options.batch_size, 2000);
}

// capture= is a shadow copy's: a schema step's own value wins over the
// run's --capture; on a data step it is an input error.
TEST(PlanRevision, CaptureIsASchemaStepOption) {
  auto p = PlanRevision(Parse("-- sluice:revision aaaa\n-- sluice:up\n"
                              "-- sluice:step strategy=copy capture=triggers\n"
                              "ALTER TABLE t MODIFY COLUMN b BIGINT;\n"
                              "ALTER TABLE t MODIFY COLUMN c BIGINT;\n"),
                        Direction::kUp);
  ASSERT_TRUE(p.ok()) << p.error().message;
  RunDefaults d;
  d.capture = "binlog";
  EXPECT_EQ(MakeSchemaChangeRequest(*p, p->steps[0], d).options.capture, "triggers");
  EXPECT_EQ(MakeSchemaChangeRequest(*p, p->steps[1], d).options.capture, "binlog");
  auto data = PlanRevision(Parse("-- sluice:revision aaaa\n-- sluice:up\n"
                                 "-- sluice:step capture=binlog\nUPDATE t SET b = 1;\n"),
                           Direction::kUp);
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().message.rfind("v/x.sql:3: step option capture does not apply", 0), 0u)
      << data.error().message;
}

TEST(PlanRevision, BatchSizeIsAutoOnlyWhenNoSizeIsGiven) {
  auto p = PlanRevision(Parse("-- sluice:revision aaaa\n-- sluice:up\n"
                              "UPDATE t SET a = 1;\n"
                              "-- sluice:step batch-size=auto max-batch-size=900\n"
                              "UPDATE t SET a = 2;\n"
                              "-- sluice:step batch-size=700\n"
                              "UPDATE t SET a = 3;\n"),
                        Direction::kUp);
  ASSERT_TRUE(p.ok()) << p.error().message;
  RunDefaults none;
  EXPECT_EQ(MakeDataStepRequest(*p, p->steps[0], none).options.batch_size, kAutoBatchSize);
  RunDefaults fixed;
  fixed.batch_size = 300;
  fixed.min_batch_size = 40;
  fixed.target_batch_time = 0.05;
  DataStepOptions first = MakeDataStepRequest(*p, p->steps[0], fixed).options;
  EXPECT_EQ(first.batch_size, 300) << "--batch-size N is a fixed size";
  EXPECT_EQ(first.min_batch_size, 40);
  EXPECT_DOUBLE_EQ(first.target_batch_seconds, 0.05);
  DataStepOptions second = MakeDataStepRequest(*p, p->steps[1], fixed).options;
  EXPECT_EQ(second.batch_size, kAutoBatchSize) << "the step's batch-size=auto wins";
  EXPECT_EQ(second.max_batch_size, 900);
  EXPECT_EQ(MakeDataStepRequest(*p, p->steps[2], none).options.batch_size, 700);
  auto bad = PlanRevision(Parse("-- sluice:revision aaaa\n-- sluice:up\n"
                                "-- sluice:step min-batch-size=10\nCREATE TABLE u (a INT);\n"),
                          Direction::kUp);
  EXPECT_FALSE(bad.ok());
}

// A dialect that cannot plan anything: offline rendering falls back to the
// statements as written.
class NoPlanDialect : public Dialect {
 public:
  std::string Name() const override { return "test"; }
  Result<TableInfo> InspectTable(Session&, const TableRef&) override { return RuntimeError("no"); }
  Result<ChunkKey> ChooseChunkKey(const TableInfo&, const std::string&) override {
    return RuntimeError("no");
  }
  Result<std::vector<KeyTuple>> SplitPoints(Session&, const TableInfo&, const ChunkKey&) override {
    return std::vector<KeyTuple>{};
  }
  Result<std::unique_ptr<SchemaChange>> PlanSchemaChange(SessionFactory&,
                                                         const SchemaChangeRequest&,
                                                         bool) override {
    return RuntimeError("schema changes are not implemented here");
  }
  std::vector<std::unique_ptr<ThrottleSignal>> ThrottleSignals(SessionFactory&,
                                                               const ThrottleOptions&) override {
    return {};
  }
  ErrorClass Classify(int) const override { return ErrorClass::kFatal; }
  std::vector<std::string> BatchSessionSetup() const override { return {}; }
};

revision::RevisionGraph TwoRevisions() {
  std::vector<revision::RevisionFile> files;
  files.push_back(
      Parse("-- sluice:revision aaaa\n-- sluice:message create\n-- sluice:up\n"
            "CREATE TABLE t (id INT PRIMARY KEY);\n-- sluice:down\nDROP TABLE t;\n",
            "v/aaaa.sql"));
  files.push_back(
      Parse("-- sluice:revision bbbb\n-- sluice:parent aaaa\n-- sluice:up\n"
            "ALTER TABLE t ADD COLUMN c INT;\nDELIMITER //\n"
            "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.c = 1; "
            "SET NEW.c = 2; END//\nDELIMITER ;\n"
            "-- sluice:down\nDROP TRIGGER tr;\nALTER TABLE t DROP COLUMN c;\n",
            "v/bbbb.sql"));
  auto g = revision::RevisionGraph::Build(std::move(files));
  EXPECT_TRUE(g.ok());
  return std::move(g).value();
}

TEST(OfflineSql, UpgradeRendersStatementsAndVersionWrites) {
  auto g = TwoRevisions();
  NoPlanDialect d;
  OfflineRequest req;
  req.range = "head";
  auto out = RenderOfflineSql(g, d, req);
  ASSERT_TRUE(out.ok()) << out.error().message;
  const std::string& s = *out;
  EXPECT_EQ(s.find("-- step 3"), std::string::npos) << s;
  auto at = [&](const std::string& needle) {
    size_t p = s.find(needle);
    EXPECT_NE(p, std::string::npos) << needle << "\n" << s;
    return p;
  };
  size_t create_version = at("CREATE TABLE IF NOT EXISTS `sluice_version`");
  size_t create_t = at("CREATE TABLE t (id INT PRIMARY KEY);\n");
  size_t insert_a = at("INSERT INTO `sluice_version` (version_num) VALUES ('aaaa');\n");
  size_t alter = at("ALTER TABLE t ADD COLUMN c INT;\n");
  size_t trigger =
      at("DELIMITER $$\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET "
         "NEW.c = 1; SET NEW.c = 2; END$$\nDELIMITER ;\n");
  size_t move =
      at("DELETE FROM `sluice_version` WHERE version_num = 'aaaa';\n"
         "INSERT INTO `sluice_version` (version_num) VALUES ('bbbb');\n");
  EXPECT_LT(create_version, create_t);
  EXPECT_LT(create_t, insert_a);
  EXPECT_LT(insert_a, alter);
  EXPECT_LT(alter, trigger);
  EXPECT_LT(trigger, move);
}

TEST(OfflineSql, DowngradeNeedsAStartingPoint) {
  auto g = TwoRevisions();
  NoPlanDialect d;
  OfflineRequest req;
  req.direction = Direction::kDown;
  req.range = "base";
  auto bad = RenderOfflineSql(g, d, req);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("FROM:TO"), std::string::npos);
  req.range = "head:base";
  auto out = RenderOfflineSql(g, d, req);
  ASSERT_TRUE(out.ok()) << out.error().message;
  size_t drop_trigger = out->find("DROP TRIGGER tr;");
  size_t drop_table = out->find("DROP TABLE t;");
  size_t last_delete = out->find("DELETE FROM `sluice_version` WHERE version_num = 'aaaa';");
  ASSERT_NE(drop_trigger, std::string::npos);
  ASSERT_NE(drop_table, std::string::npos);
  ASSERT_NE(last_delete, std::string::npos);
  EXPECT_LT(drop_trigger, drop_table);
  EXPECT_LT(drop_table, last_delete);
  req.range = "aaaa:bbbb";
  req.direction = Direction::kUp;
  auto partial = RenderOfflineSql(g, d, req);
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->find("CREATE TABLE t "), std::string::npos);
  EXPECT_NE(partial->find("ALTER TABLE t ADD COLUMN c INT;"), std::string::npos);
}

}  // namespace
}  // namespace sluice::plan
