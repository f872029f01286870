#include "tidb/region_split.h"

#include <gtest/gtest.h>

#include "tests/unit/tidb/scripted_session.h"

namespace sluice::tidb {
namespace {

using testing::ScriptedSession;

TEST(RegionKey, RecordKeysWithIntegerHandles) {
  RegionKey k = ParseRegionKey("t_75_r_1000");
  EXPECT_EQ(k.kind, RegionKey::kRecord);
  EXPECT_EQ(k.table_id, 75);
  EXPECT_EQ(k.handle, 1000);
  k = ParseRegionKey("t_75_r_-9223372036854775808");
  EXPECT_EQ(k.kind, RegionKey::kRecord);
  EXPECT_EQ(k.handle, INT64_MIN);
}

TEST(RegionKey, TableStartIndexUnboundedOpaque) {
  EXPECT_EQ(ParseRegionKey("").kind, RegionKey::kUnbounded);
  EXPECT_EQ(ParseRegionKey("t_75_").kind, RegionKey::kTableStart);
  EXPECT_EQ(ParseRegionKey("t_75_r").kind, RegionKey::kTableStart);
  EXPECT_EQ(ParseRegionKey("t_75").kind, RegionKey::kTableStart);
  EXPECT_EQ(ParseRegionKey("t_75_i_1_0380000000000003e8").kind, RegionKey::kIndex);
  // A clustered non-integer primary key: the handle is an encoded byte string.
  EXPECT_EQ(ParseRegionKey("t_75_r_0161636d65000000fc").kind, RegionKey::kOpaque);
  EXPECT_EQ(ParseRegionKey("7480000000000000FF4B5F728000000000FF0003E80000000000FA").kind,
            RegionKey::kOpaque);
  EXPECT_EQ(ParseRegionKey("t_x_r_1").kind, RegionKey::kOpaque);
}

ResultSet Regions(const std::vector<std::tuple<std::string, std::string, long>>& rows) {
  // SHOW TABLE t REGIONS, as documented (v8.x column list).
  ResultSet rs;
  rs.columns = {"REGION_ID", "START_KEY", "END_KEY", "LEADER_ID", "LEADER_STORE_ID", "PEERS",
                "SCATTERING", "WRITTEN_BYTES", "READ_BYTES", "APPROXIMATE_SIZE(MB)",
                "APPROXIMATE_KEYS", "SCHEDULING_CONSTRAINTS", "SCHEDULING_STATE"};
  long id = 2;
  for (const auto& [start, end, keys] : rows) {
    rs.rows.push_back({std::to_string(id++), start, end, std::string("3"), std::string("1"),
                       std::string("3, 7, 11"), std::string("0"), std::string("0"),
                       std::string("0"), std::string("96"), std::to_string(keys),
                       std::string(""), std::string("")});
  }
  return rs;
}

TEST(RegionRows, ParseByName) {
  auto r = ParseTableRegions(Regions({{"t_75_", "t_75_r_1000", 1000}, {"t_75_r_1000", "", 5}}));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].region_id, 2);
  EXPECT_EQ((*r)[0].approximate_keys, 1000u);
  EXPECT_EQ((*r)[1].start_key, "t_75_r_1000");
  EXPECT_EQ((*r)[1].end_key, "");
  ResultSet bad;
  bad.columns = {"REGION_ID"};
  EXPECT_FALSE(ParseTableRegions(bad).ok());
}

TEST(Interpolate, EvenCuts) {
  EXPECT_EQ(Interpolate(0, 100, 4), (std::vector<int64_t>{25, 50, 75}));
  EXPECT_EQ(Interpolate(0, 3, 10), (std::vector<int64_t>{1, 2}));  // never duplicates
  EXPECT_TRUE(Interpolate(5, 5, 3).empty());
  EXPECT_TRUE(Interpolate(0, 100, 1).empty());
}

TableInfo NonClustered() {
  TableInfo t;
  t.ref = {"shop", "events"};
  t.clustered_pk = false;
  t.columns = {{"id", "bigint", "bigint(20)", false, false}};
  t.estimated_rows = 1000000;
  return t;
}

ResultSet Starts(const std::vector<std::string>& keys, const std::string& col) {
  ResultSet rs;
  rs.columns = {col};
  for (const auto& k : keys) rs.rows.push_back({k});
  return rs;
}

TEST(RegionSplit, RowidRegionsSplitFurtherWhenLarge) {
  ScriptedSession s;
  s.On("SELECT `_tidb_rowid` FROM `shop`.`events` TABLESAMPLE REGIONS()",
       Starts({"1", "100001", "400001"}, "_tidb_rowid"));
  s.On("SHOW TABLE `shop`.`events` REGIONS",
       Regions({{"t_75_", "t_75_r_100001", 100000},
                {"t_75_r_100001", "t_75_r_400001", 300000},  // large: 3 pieces of 100k
                {"t_75_r_400001", "", 50000}}));
  RegionSplitOptions o;
  o.max_rows_per_segment = 100000;
  auto pts = RegionSplitPoints(s, NonClustered(), ChunkKey{{"_tidb_rowid"}, true}, o);
  ASSERT_TRUE(pts.ok()) << pts.error().ToString();
  std::vector<std::string> got;
  for (const auto& k : *pts) got.push_back(*k[0]);
  EXPECT_EQ(got, (std::vector<std::string>{"100001", "200001", "300001", "400001"}));
  EXPECT_EQ(s.sent().size(), 2u);  // no probes for integer handles
}

TEST(RegionSplit, SmallRegionsAreTheSplitPoints) {
  ScriptedSession s;
  s.On("SELECT `_tidb_rowid`", Starts({"1", "5000", "9000"}, "_tidb_rowid"));
  s.On("SHOW TABLE", Regions({{"t_75_", "t_75_r_5000", 4999},
                              {"t_75_r_5000", "t_75_r_9000", 4000},
                              {"t_75_r_9000", "", 1000}}));
  TableInfo t = NonClustered();
  t.estimated_rows = 10000;
  auto pts = RegionSplitPoints(s, t, ChunkKey{{"_tidb_rowid"}, true}, {});
  ASSERT_TRUE(pts.ok());
  ASSERT_EQ(pts->size(), 2u);
  EXPECT_EQ(*(*pts)[0][0], "5000");
  EXPECT_EQ(*(*pts)[1][0], "9000");
}

TEST(RegionSplit, EmptyTableHasNoSplitPoints) {
  ScriptedSession s;
  s.On("SELECT `_tidb_rowid`", Starts({}, "_tidb_rowid"));
  auto pts = RegionSplitPoints(s, NonClustered(), ChunkKey{{"_tidb_rowid"}, true}, {});
  ASSERT_TRUE(pts.ok());
  EXPECT_TRUE(pts->empty());
}

TEST(RegionSplit, CompositeKeyProbesByOffsetInsideLargeRegions) {
  TableInfo t;
  t.ref = {"shop", "orders"};
  t.clustered_pk = true;
  t.columns = {{"tenant", "varchar", "varchar(32)", false, false},
               {"id", "bigint", "bigint(20)", false, false}};
  t.indexes = {{"PRIMARY", {"tenant", "id"}, true, true, ""}};
  t.estimated_rows = 500;  // two regions, 250 rows each on average
  ScriptedSession s;
  ResultSet starts;
  starts.columns = {"tenant", "id"};
  starts.rows = {{std::string("a"), std::string("1")}, {std::string("m"), std::string("7")}};
  s.On("SELECT `tenant`, `id` FROM `shop`.`orders` TABLESAMPLE", starts);
  ResultSet probe;
  probe.columns = {"tenant", "id"};
  probe.rows = {{std::string("f"), std::string("3")}};
  s.On("SELECT `tenant`, `id` FROM `shop`.`orders` WHERE (`tenant`, `id`) >= ('a', 1)", probe);
  ResultSet probe2;
  probe2.columns = {"tenant", "id"};
  probe2.rows = {{std::string("t"), std::string("9")}};
  s.On("SELECT `tenant`, `id` FROM `shop`.`orders` WHERE (`tenant`, `id`) >= ('m', 7)", probe2);
  RegionSplitOptions o;
  o.max_rows_per_segment = 100;
  auto pts = RegionSplitPoints(s, t, ChunkKey{{"tenant", "id"}, false}, o);
  ASSERT_TRUE(pts.ok()) << pts.error().ToString();
  std::vector<std::string> got;
  for (const auto& k : *pts) got.push_back(*k[0] + "/" + *k[1]);
  // Probes at offsets 100 and 200 in each region (scripted answers repeat).
  EXPECT_EQ(got, (std::vector<std::string>{"f/3", "f/3", "m/7", "t/9", "t/9"}));
  auto probes = s.SentStartingWith("SELECT `tenant`, `id` FROM `shop`.`orders` WHERE");
  ASSERT_EQ(probes.size(), 4u);
  EXPECT_EQ(probes[0],
            "SELECT `tenant`, `id` FROM `shop`.`orders` WHERE (`tenant`, `id`) >= ('a', 1) AND "
            "(`tenant`, `id`) < ('m', 7) ORDER BY `tenant`, `id` LIMIT 1 OFFSET 100");
  EXPECT_EQ(probes[3],
            "SELECT `tenant`, `id` FROM `shop`.`orders` WHERE (`tenant`, `id`) >= ('m', 7) "
            "ORDER BY `tenant`, `id` LIMIT 1 OFFSET 200");
}

TEST(RegionSplit, ShowRegionsFailureFallsBackToStarts) {
  ScriptedSession s;
  s.On("SELECT `_tidb_rowid`", Starts({"1", "5000"}, "_tidb_rowid"));
  s.OnError("SHOW TABLE", RuntimeError("access denied"));
  TableInfo t = NonClustered();
  t.estimated_rows = 100;
  auto pts = RegionSplitPoints(s, t, ChunkKey{{"_tidb_rowid"}, true}, {});
  ASSERT_TRUE(pts.ok());
  ASSERT_EQ(pts->size(), 1u);
  EXPECT_EQ(*(*pts)[0][0], "5000");
}

}  // namespace
}  // namespace sluice::tidb
