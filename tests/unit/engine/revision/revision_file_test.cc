#include "engine/revision/revision_file.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::revision {
namespace {

constexpr const char* kGood = R"(-- sluice:revision 4b1c2e9f0a7d
-- sluice:parent 9a0c13d2ef01
-- sluice:message backfill order totals
-- a plain comment in the header

-- sluice:up
ALTER TABLE orders ADD COLUMN total_cents BIGINT NULL;

-- sluice:step batch-size=5000 workers=4 max-rate=200.5 chunked=true target-batch-time=250ms
UPDATE orders SET total_cents = price_cents * quantity, note = 'a;
-- sluice:down inside a string'
WHERE total_cents IS NULL;
INSERT INTO log VALUES ('x');

-- sluice:down
ALTER TABLE orders DROP COLUMN total_cents;
)";

Result<RevisionFile> Parse(std::string_view text) { return ParseRevisionFile(text, "v/a.sql"); }

std::string ErrorOf(std::string_view text) {
  auto r = Parse(text);
  return r.ok() ? "<ok>" : r.error().message;
}

TEST(RevisionFile, ParsesHeaderSectionsAndStepOptions) {
  auto r = Parse(kGood);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const RevisionFile& f = *r;
  EXPECT_EQ(f.id, "4b1c2e9f0a7d");
  EXPECT_EQ(f.parents, (std::vector<std::string>{"9a0c13d2ef01"}));
  EXPECT_EQ(f.message, "backfill order totals");
  ASSERT_EQ(f.up.size(), 3u);
  EXPECT_EQ(f.up[0].sql, "ALTER TABLE orders ADD COLUMN total_cents BIGINT NULL");
  EXPECT_EQ(f.up[0].line, 7);
  EXPECT_TRUE(f.up[0].options.empty());
  EXPECT_EQ(f.up[1].line, 10);
  EXPECT_EQ(f.up[1].options.line, 9);
  EXPECT_EQ(f.up[1].options.batch_size, 5000);
  EXPECT_EQ(f.up[1].options.workers, 4);
  EXPECT_DOUBLE_EQ(*f.up[1].options.max_rate, 200.5);
  EXPECT_EQ(f.up[1].options.chunked, true);
  EXPECT_DOUBLE_EQ(*f.up[1].options.target_batch_time, 0.25);
  EXPECT_FALSE(f.up[1].options.key.has_value());
  // Options apply to the next statement only.
  EXPECT_TRUE(f.up[2].options.empty());
  EXPECT_TRUE(f.has_down);
  ASSERT_EQ(f.down.size(), 1u);
  EXPECT_EQ(f.down[0].sql, "ALTER TABLE orders DROP COLUMN total_cents");
  EXPECT_EQ(f.content, kGood);
}

TEST(RevisionFile, RootMergeLabelsAndDependsOn) {
  auto r = Parse(
      "-- sluice:revision abcd\n-- sluice:parent none\n-- sluice:branch feature-x\n"
      "-- sluice:depends-on 1111 2222\n-- sluice:up\nSELECT 1;\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->parents.empty());
  EXPECT_EQ(r->branch_labels, (std::vector<std::string>{"feature-x"}));
  EXPECT_EQ(r->depends_on, (std::vector<std::string>{"1111", "2222"}));
  EXPECT_FALSE(r->has_down);
  auto m = Parse("-- sluice:revision abcd\n-- sluice:parent 1111 2222\n-- sluice:up\nSELECT 1");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->parents, (std::vector<std::string>{"1111", "2222"}));
  EXPECT_EQ(m->up.size(), 1u);  // the last statement may omit ';'
}

TEST(RevisionFile, CrlfLineEndings) {
  auto r = Parse(
      "-- sluice:revision abcd\r\n-- sluice:up\r\nSELECT 1;\r\n-- sluice:down\r\nSELECT 2;\r\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id, "abcd");
  EXPECT_EQ(r->down.size(), 1u);
}

TEST(RevisionFile, MissingRevisionId) {
  EXPECT_EQ(ErrorOf("-- sluice:message hi\n-- sluice:up\nSELECT 1;\n"),
            "v/a.sql:1: missing '-- sluice:revision' line");
}

TEST(RevisionFile, BadRevisionId) {
  EXPECT_EQ(ErrorOf("-- sluice:revision AB\n-- sluice:up\nSELECT 1;\n"),
            "v/a.sql:1: bad revision id 'AB' (4-64 characters of [0-9a-z_])");
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:parent x-y\n-- sluice:up\nSELECT 1;\n"),
            "v/a.sql:2: bad parent id 'x-y'");
}

TEST(RevisionFile, DuplicateHeaderLine) {
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:revision abce\n-- sluice:up\nSELECT 1;"),
            "v/a.sql:2: duplicate '-- sluice:revision' line (first at line 1)");
}

TEST(RevisionFile, UnknownDirective) {
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:up\nSELECT 1;\n-- sluice:stepp x=1\n"),
            "v/a.sql:4: unknown directive '-- sluice:stepp' (known: revision, parent, message, "
            "branch, depends-on, up, down, step)");
}

TEST(RevisionFile, UnknownAndBadStepOptions) {
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:up\n-- sluice:step batchsize=5\nSELECT 1;"),
            "v/a.sql:3: unknown step option 'batchsize' (known: batch-size, min-batch-size, "
            "max-batch-size, workers, key, "
            "max-rate, defer-indexes, chunked, strategy, target-batch-time, capture)");
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:up\n-- sluice:step workers=0\nSELECT 1;"),
            "v/a.sql:3: bad value for workers: '0' (a positive integer)");
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:up\n-- sluice:step chunked=no\nSELECT 1;"),
            "v/a.sql:3: bad value for chunked: 'no' (true or false)");
  EXPECT_EQ(
      ErrorOf("-- sluice:revision abcd\n-- sluice:up\n-- sluice:step strategy=fast\nSELECT 1;"),
      "v/a.sql:3: bad value for strategy: 'fast' (auto, instant, inplace, copy, native or "
      "tidb-batch)");
  EXPECT_EQ(
      ErrorOf("-- sluice:revision abcd\n-- sluice:up\n-- sluice:step capture=replica\nSELECT 1;"),
      "v/a.sql:3: bad value for capture: 'replica' (auto, triggers or binlog)");
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:up\n-- sluice:step workers\nSELECT 1;"),
            "v/a.sql:3: step option 'workers' is not key=value");
}

TEST(RevisionFile, StepOptionValues) {
  auto o = ParseStepOptions("key=uk_email defer-indexes=idx_a,idx_b strategy=copy max-rate=0");
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->key, "uk_email");
  EXPECT_EQ(o->defer_indexes, "idx_a,idx_b");
  EXPECT_EQ(o->strategy, "copy");
  EXPECT_DOUBLE_EQ(*o->max_rate, 0);
  EXPECT_FALSE(o->capture.has_value());
  auto c = ParseStepOptions("strategy=copy capture=binlog");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->capture, "binlog");
  EXPECT_FALSE(ParseStepOptions("defer-indexes=a,").ok());
  EXPECT_FALSE(ParseStepOptions("max-rate=-1").ok());
  EXPECT_FALSE(ParseStepOptions("target-batch-time=0").ok());
  auto t = ParseStepOptions("target-batch-time=2s");
  ASSERT_TRUE(t.ok());
  EXPECT_DOUBLE_EQ(*t->target_batch_time, 2);
  auto b = ParseStepOptions("batch-size=auto min-batch-size=50 max-batch-size=8000");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->batch_size, 0) << "auto";
  EXPECT_EQ(b->min_batch_size, 50);
  EXPECT_EQ(b->max_batch_size, 8000);
  EXPECT_EQ(ParseStepOptions("batch-size=1000")->batch_size, 1000);
  EXPECT_FALSE(ParseStepOptions("batch-size=0").ok());
  EXPECT_FALSE(ParseStepOptions("min-batch-size=auto").ok());
}

TEST(RevisionFile, UnterminatedQuote) {
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:up\nSELECT 1;\n\nUPDATE t SET a = 'x;\n"),
            "v/a.sql:5: unterminated '...' string");
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:up\nSELECT `x;\n-- sluice:down\nSELECT 2;"),
            "v/a.sql:3: unterminated `...` identifier");
}

TEST(RevisionFile, EmptyOrMissingUpSection) {
  EXPECT_EQ(
      ErrorOf("-- sluice:revision abcd\n-- sluice:up\n-- nothing here\n-- sluice:down\nSELECT 1;"),
      "v/a.sql:2: empty '-- sluice:up' section");
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:message m\n"),
            "v/a.sql:2: missing '-- sluice:up' section");
  // A merge may have nothing to do.
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:parent aaaa bbbb\n-- sluice:up\n"), "<ok>");
}

TEST(RevisionFile, StepMisplaced) {
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:step workers=2\n-- sluice:up\nSELECT 1;"),
            "v/a.sql:2: '-- sluice:step' outside the up and down sections");
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:up\nSELECT 1;\n-- sluice:step workers=2\n"
                    "-- sluice:down\nSELECT 2;"),
            "v/a.sql:4: -- sluice:step is not followed by a statement");
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:up\nUPDATE t SET a = 1\n"
                    "-- sluice:step workers=2\nWHERE b = 2;"),
            "v/a.sql:4: -- sluice:step inside a statement (the statement at line 3 does not end "
            "with ';')");
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:up\n-- sluice:step workers=2\n"
                    "-- sluice:step batch-size=2\nSELECT 1;"),
            "v/a.sql:4: two -- sluice:step lines for one statement (the other is at line 3)");
}

TEST(RevisionFile, SqlOutsideSectionsAndHeaderAfterUp) {
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\nSELECT 1;\n-- sluice:up\nSELECT 1;"),
            "v/a.sql:2: SQL before '-- sluice:up' (statements belong in the up or down section)");
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:up\nSELECT 1;\n-- sluice:parent ffff\n"),
            "v/a.sql:4: '-- sluice:parent' must come before '-- sluice:up'");
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:up\nSELECT 1;\n-- sluice:up\nSELECT 2;"),
            "v/a.sql:4: duplicate '-- sluice:up' section");
}

TEST(RevisionFile, OwnParentAndBadLabel) {
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:parent abcd\n-- sluice:up\nSELECT 1;"),
            "v/a.sql:2: a revision cannot be its own parent");
  EXPECT_EQ(ErrorOf("-- sluice:revision abcd\n-- sluice:branch head\n-- sluice:up\nSELECT 1;"),
            "v/a.sql:2: bad branch label 'head' (letters, digits, '_' and '-'; not head, heads or "
            "base)");
}

TEST(RevisionFile, InputErrorExitCode) {
  auto r = Parse("-- sluice:up\nSELECT 1;");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().exit, ExitCode::kUsage);
}

TEST(RevisionFile, IdValidation) {
  EXPECT_TRUE(IsValidRevisionId("abcd"));
  EXPECT_TRUE(IsValidRevisionId("0123_abc"));
  EXPECT_FALSE(IsValidRevisionId("abc"));
  EXPECT_FALSE(IsValidRevisionId(std::string(65, 'a')));
  EXPECT_FALSE(IsValidRevisionId("ABCD"));
}

}  // namespace
}  // namespace sluice::revision
