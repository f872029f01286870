#include "engine/db/error_classifier.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(ErrorClassifierTest, RetryableCodes) {
  for (int code : {1213, 1205, 2006, 2013, 8022, 8027, 8028, 9001, 9002, 9003, 9005, 9007}) {
    EXPECT_EQ(ClassifyErrorCode(code), ErrorClass::kRetry) << code;
  }
}

TEST(ErrorClassifierTest, ShrinkBatchCodes) {
  for (int code : {8004, 8025, 1197}) {
    EXPECT_EQ(ClassifyErrorCode(code), ErrorClass::kShrinkBatch) << code;
  }
}

TEST(ErrorClassifierTest, FatalCodes) {
  // syntax error, unknown table, duplicate key, access denied, TiDB memory
  // quota, txn too old, GC life time.
  for (int code : {1064, 1146, 1062, 1045, 8001, 8229, 9006, 0}) {
    EXPECT_EQ(ClassifyErrorCode(code), ErrorClass::kFatal) << code;
  }
}

TEST(ErrorClassifierTest, ConnectionLost) {
  EXPECT_TRUE(IsConnectionLost(2013));
  EXPECT_TRUE(IsConnectionLost(2006));
  EXPECT_TRUE(IsConnectionLost(1927));
  EXPECT_FALSE(IsConnectionLost(1213));
}

}  // namespace
}  // namespace sluice
