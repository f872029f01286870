// Batch-size semantics against the real server: batch-size=N runs every
// batch with N keys however fast they are; auto grows towards the target
// time but stays within min-batch-size and max-batch-size; the snapshot
// names the mode.
#include <algorithm>
#include <mutex>
#include <set>

#include "engine/chunk/adaptive_batch_size.h"
#include "tests/integration/data_step_fixture.h"

namespace sluice::testing {
namespace {

// Every batch's size as asked, and the mode shown after it.
class SizeRecorder : public ProgressSink {
 public:
  void OnBatch(const ProgressSnapshot& s, const BatchEvent& e) override {
    std::lock_guard<std::mutex> lock(mu);
    if (e.outcome == BatchOutcome::kOk) sizes.push_back(e.batch_size);
    modes.insert(s.batch_mode);
  }
  std::mutex mu;
  std::vector<int> sizes;
  std::set<std::string> modes;
};

class BatchSizeTest : public DataStepTest {
 protected:
  void SetUp() override {
    DataStepTest::SetUp();
    if (HasFatalFailure()) return;
    recorder_ = std::make_shared<SizeRecorder>();
    progress_->AddSink(recorder_);
  }
  std::shared_ptr<SizeRecorder> recorder_;
};

TEST_F(BatchSizeTest, FixedSizeIsHonouredForEveryBatch) {
  MakeIntTable(30000);
  // Batches of 1000 rows take milliseconds: the old adaptive sizing would
  // have grown them 100-fold towards its 0.5 s target.
  Status st = Run("UPDATE t SET n = n + 1", Options(1000, 2));
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n <> 1"), "0");
  std::lock_guard<std::mutex> lock(recorder_->mu);
  ASSERT_GE(recorder_->sizes.size(), 30u);
  for (int n : recorder_->sizes) EXPECT_EQ(n, 1000);
  EXPECT_EQ(recorder_->modes, std::set<std::string>{"fixed"});
}

TEST_F(BatchSizeTest, AutoSizeAdaptsWithinFloorAndCeiling) {
  MakeIntTable(30000);
  DataStepOptions o = Options(kAutoBatchSize, 2);
  o.min_batch_size = 200;
  o.max_batch_size = 3000;
  Status st = Run("UPDATE t SET n = n + 1", o);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM t WHERE n <> 1"), "0");
  std::lock_guard<std::mutex> lock(recorder_->mu);
  ASSERT_FALSE(recorder_->sizes.empty());
  int largest = 0;
  for (int n : recorder_->sizes) {
    EXPECT_GE(n, 200);
    EXPECT_LE(n, 3000);
    largest = std::max(largest, n);
  }
  // Millisecond batches against a 0.5 s target: auto reaches the ceiling.
  EXPECT_EQ(largest, 3000);
  EXPECT_EQ(recorder_->modes, std::set<std::string>{"auto"});
}

TEST_F(BatchSizeTest, OperatorCanSwitchAFixedRunToAuto) {
  MakeIntTable(30000);
  RunControl control;
  control.SetBatchSize(chunk::kAutoOverride);
  control.SetMaxBatchSize(2500);
  Status st = Run("UPDATE t SET n = n + 1", Options(100, 1), "r1", &control);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  std::lock_guard<std::mutex> lock(recorder_->mu);
  EXPECT_EQ(*std::max_element(recorder_->sizes.begin(), recorder_->sizes.end()), 2500);
  EXPECT_EQ(recorder_->modes, std::set<std::string>{"auto"});
}

}  // namespace
}  // namespace sluice::testing
