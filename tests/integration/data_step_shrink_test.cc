// Shrink-batch errors split the chunk and the step still processes every
// row exactly once. A trigger plays the server refusing a too-large
// transaction (errno 1197, as when the binlog cache is exceeded) once the
// batch has modified more than 300 rows (counted in a session variable that
// the batch's checkpoint update resets).
#include "engine/state/checkpoint_store.h"
#include "tests/integration/data_step_fixture.h"

namespace sluice::testing {
namespace {

class ShrinkCounter : public ProgressSink {
 public:
  void OnBatch(const ProgressSnapshot&, const BatchEvent& e) override {
    if (e.outcome == BatchOutcome::kShrink) shrinks++;
  }
  std::atomic<int> shrinks{0};
};

using ShrinkTest = DataStepTest;

TEST_F(ShrinkTest, TooLargeBatchesAreSplitUntilTheyFit) {
  MakeIntTable(4000);
  ASSERT_TRUE(CheckpointStore("sluice_checkpoint", "r1", 1).EnsureTable(conn()).ok());
  Exec("CREATE TRIGGER batch_done BEFORE UPDATE ON sluice_checkpoint FOR EACH ROW SET @c = 0");
  Exec(
      "CREATE TRIGGER too_large BEFORE UPDATE ON t FOR EACH ROW BEGIN "
      "SET @c = IFNULL(@c, 0) + 1; "
      "IF @c > 300 THEN SET @c = 0; "
      "SIGNAL SQLSTATE 'HY000' SET MYSQL_ERRNO = 1197, MESSAGE_TEXT = 'batch too large'; "
      "END IF; END");
  auto counter = std::make_shared<ShrinkCounter>();
  progress_->AddSink(counter);
  Status st = Run("UPDATE t SET n = n + 1", Options(1000, 2));
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_GT(counter->shrinks.load(), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n <> 1"), "0");
}

TEST_F(ShrinkTest, OneRowTooLargeIsFatal) {
  MakeIntTable(50);
  Exec(
      "CREATE TRIGGER always BEFORE UPDATE ON t FOR EACH ROW "
      "SIGNAL SQLSTATE 'HY000' SET MYSQL_ERRNO = 1197, MESSAGE_TEXT = 'never fits'");
  Status st = Run("UPDATE t SET n = n + 1", Options(16, 1));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("one row is still too large"), std::string::npos)
      << st.error().message;
}

}  // namespace
}  // namespace sluice::testing
