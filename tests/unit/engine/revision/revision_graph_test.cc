#include "engine/revision/revision_graph.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace sluice::revision {
namespace {

using Ids = std::vector<std::string>;

RevisionFile Rev(std::string id, Ids parents = {}, Ids labels = {}, Ids depends = {}) {
  RevisionFile f;
  f.path = "versions/" + id + ".sql";
  f.id = std::move(id);
  f.parents = std::move(parents);
  f.branch_labels = std::move(labels);
  f.depends_on = std::move(depends);
  f.id_line = 1;
  f.parent_line = 2;
  f.branch_line = 3;
  f.depends_on_line = 4;
  f.up.push_back({"SELECT 1", 6, {}});
  return f;
}

RevisionGraph Build(std::vector<RevisionFile> files) {
  auto g = RevisionGraph::Build(std::move(files));
  EXPECT_TRUE(g.ok()) << (g.ok() ? "" : g.error().message);
  return std::move(g).value();
}

// a1 -> a2 -> a3 (linear)
RevisionGraph Linear() {
  return Build({Rev("aaa1"), Rev("aaa2", {"aaa1"}), Rev("aaa3", {"aaa2"})});
}

// root -> b1 -> b2 (label feat) and root -> c1; merge m of b2 and c1.
std::vector<RevisionFile> Branchy() {
  return {Rev("root"), Rev("bbb1", {"root"}, {"feat"}), Rev("bbb2", {"bbb1"}),
          Rev("ccc1", {"root"})};
}

TEST(RevisionGraph, LinearHeadsBasesAndOrder) {
  auto g = Linear();
  EXPECT_EQ(g.Heads(), (Ids{"aaa3"}));
  EXPECT_EQ(g.Bases(), (Ids{"aaa1"}));
  EXPECT_EQ(g.TopoOrder(), (Ids{"aaa1", "aaa2", "aaa3"}));
  EXPECT_TRUE(g.BranchPoints().empty());
}

TEST(RevisionGraph, UpgradeAndDowngradeTargets) {
  auto g = Linear();
  EXPECT_EQ(*g.UpgradePath({}, "head"), (Ids{"aaa1", "aaa2", "aaa3"}));
  EXPECT_EQ(*g.UpgradePath({}, "heads"), (Ids{"aaa1", "aaa2", "aaa3"}));
  EXPECT_EQ(*g.UpgradePath({"aaa1"}, "head"), (Ids{"aaa2", "aaa3"}));
  EXPECT_EQ(*g.UpgradePath({"aaa3"}, "head"), (Ids{}));
  EXPECT_EQ(*g.UpgradePath({}, "aaa2"), (Ids{"aaa1", "aaa2"}));
  EXPECT_EQ(*g.UpgradePath({}, "+1"), (Ids{"aaa1"}));
  EXPECT_EQ(*g.UpgradePath({"aaa1"}, "+2"), (Ids{"aaa2", "aaa3"}));
  EXPECT_EQ(*g.UpgradePath({}, "aaa1+1"), (Ids{"aaa1", "aaa2"}));
  EXPECT_EQ(*g.DowngradePath({"aaa3"}, "base"), (Ids{"aaa3", "aaa2", "aaa1"}));
  EXPECT_EQ(*g.DowngradePath({"aaa3"}, "-1"), (Ids{"aaa3"}));
  EXPECT_EQ(*g.DowngradePath({"aaa3"}, "-3"), (Ids{"aaa3", "aaa2", "aaa1"}));
  EXPECT_EQ(*g.DowngradePath({"aaa3"}, "aaa1"), (Ids{"aaa3", "aaa2"}));
  EXPECT_EQ(*g.DowngradePath({"aaa3"}, "aaa3-1"), (Ids{"aaa3"}));
}

TEST(RevisionGraph, RelativeTargetsOutOfRange) {
  auto g = Linear();
  auto up = g.UpgradePath({"aaa2"}, "+2");
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.error().message, "cannot go 2 revisions up from aaa2: only 1 above it");
  auto down = g.DowngradePath({"aaa2"}, "-3");
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().message, "cannot go 3 revisions down from aaa2: only 2 below it");
  EXPECT_FALSE(g.UpgradePath({"aaa1"}, "-1").ok());
  EXPECT_FALSE(g.DowngradePath({"aaa1"}, "+1").ok());
  EXPECT_FALSE(g.DowngradePath({"aaa1"}, "aaa3").ok());  // not applied
}

TEST(RevisionGraph, PartialIds) {
  auto g = Build({Rev("abc123"), Rev("abd456", {"abc123"}), Rev("abd789", {"abc123"})});
  EXPECT_EQ(*g.ResolveId("abc"), "abc123");
  EXPECT_EQ(*g.ResolveId("abd4"), "abd456");
  auto amb = g.ResolveId("abd");
  ASSERT_FALSE(amb.ok());
  EXPECT_EQ(amb.error().message, "ambiguous revision 'abd': it matches abd456, abd789");
  auto none = g.ResolveId("zzz");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "unknown revision 'zzz'");
  EXPECT_EQ(*g.UpgradePath({}, "abd7"), (Ids{"abc123", "abd789"}));
}

TEST(RevisionGraph, MultipleHeadsNeedMergeOrName) {
  auto g = Build(Branchy());
  EXPECT_EQ(g.Heads(), (Ids{"bbb2", "ccc1"}));
  EXPECT_EQ(g.BranchPoints(), (Ids{"root"}));
  auto r = g.UpgradePath({}, "head");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("several heads: bbb2, ccc1"), std::string::npos);
  EXPECT_NE(r.error().message.find("sluice merge"), std::string::npos);
  EXPECT_NE(r.error().message.find("`heads`"), std::string::npos);
  EXPECT_EQ(r.error().exit, ExitCode::kUsage);
  auto all = g.UpgradePath({}, "heads");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 4u);
  EXPECT_EQ(all->front(), "root");
  // A relative step from root cannot choose between two children.
  auto step = g.UpgradePath({"root"}, "+1");
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(step.error().message,
            "root has several children (bbb1, ccc1): name the target revision");
}

TEST(RevisionGraph, BranchLabels) {
  auto g = Build(Branchy());
  EXPECT_EQ(*g.UpgradePath({}, "feat@head"), (Ids{"root", "bbb1", "bbb2"}));
  EXPECT_EQ(*g.UpgradePath({}, "feat"), (Ids{"root", "bbb1", "bbb2"}));
  EXPECT_EQ(*g.DowngradePath({"bbb2", "ccc1"}, "feat@base"), (Ids{"bbb2", "bbb1"}));
  EXPECT_EQ(g.LabelsOf("bbb2"), (Ids{"feat"}));
  EXPECT_TRUE(g.LabelsOf("ccc1").empty());
  // Downgrading one branch leaves the other alone.
  EXPECT_EQ(*g.DowngradePath({"bbb2", "ccc1"}, "bbb1"), (Ids{"bbb2"}));
  EXPECT_EQ(g.HeadsOf({"root", "bbb1", "ccc1"}), (Ids{"bbb1", "ccc1"}));
}

TEST(RevisionGraph, MergeOrderAndHeads) {
  auto files = Branchy();
  files.push_back(Rev("mmm1", {"bbb2", "ccc1"}));
  auto g = Build(std::move(files));
  EXPECT_EQ(g.Heads(), (Ids{"mmm1"}));
  auto path = *g.UpgradePath({}, "head");
  ASSERT_EQ(path.size(), 5u);
  auto pos = [&](const std::string& id) {
    return std::find(path.begin(), path.end(), id) - path.begin();
  };
  EXPECT_LT(pos("root"), pos("bbb1"));
  EXPECT_LT(pos("bbb1"), pos("bbb2"));
  EXPECT_LT(pos("root"), pos("ccc1"));
  EXPECT_LT(pos("bbb2"), pos("mmm1"));
  EXPECT_LT(pos("ccc1"), pos("mmm1"));
  // From one applied branch, only the other branch and the merge remain.
  EXPECT_EQ(*g.UpgradePath({"bbb2"}, "head"), (Ids{"ccc1", "mmm1"}));
  // Going down to one parent of a merge undoes the merge; both parents stay.
  EXPECT_EQ(*g.DowngradePath({"mmm1"}, "bbb2"), (Ids{"mmm1"}));
  EXPECT_EQ(*g.DowngradePath({"mmm1"}, "bbb1"), (Ids{"mmm1", "bbb2"}));
  EXPECT_EQ(g.HeadsOf({"root", "bbb1", "bbb2", "ccc1"}), (Ids{"bbb2", "ccc1"}));
  auto across = g.DowngradePath({"mmm1"}, "-2");
  ASSERT_FALSE(across.ok());
  EXPECT_EQ(across.error().message,
            "mmm1 is a merge of bbb2, ccc1: name the revision to go down to");
}

TEST(RevisionGraph, DependsOn) {
  // x1 -> x2 on one branch; y1 (own root) depends on x2.
  auto g = Build({Rev("xxx1"), Rev("xxx2", {"xxx1"}), Rev("yyy1", {}, {}, {"xxx2"})});
  EXPECT_EQ(g.Heads(), (Ids{"xxx2", "yyy1"}));
  EXPECT_EQ(*g.UpgradePath({}, "yyy1"), (Ids{"xxx1", "xxx2", "yyy1"}));
  // The dependency stays a head of its own branch in the version table.
  EXPECT_EQ(g.HeadsOf({"xxx1", "xxx2", "yyy1"}), (Ids{"xxx2", "yyy1"}));
  // Undoing the dependency undoes its dependents first.
  EXPECT_EQ(*g.DowngradePath({"xxx2", "yyy1"}, "xxx1"), (Ids{"yyy1", "xxx2"}));
}

TEST(RevisionGraph, GraphErrors) {
  auto dup = RevisionGraph::Build({Rev("aaaa"), Rev("aaaa")});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().message,
            "versions/aaaa.sql:1: duplicate revision id 'aaaa' (also in versions/aaaa.sql)");
  auto unknown = RevisionGraph::Build({Rev("aaaa", {"bbbb"})});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "versions/aaaa.sql:2: unknown parent 'bbbb'");
  auto dep = RevisionGraph::Build({Rev("aaaa", {}, {}, {"cccc"})});
  ASSERT_FALSE(dep.ok());
  EXPECT_EQ(dep.error().message, "versions/aaaa.sql:4: unknown depends-on revision 'cccc'");
  auto cycle = RevisionGraph::Build(
      {Rev("root"), Rev("aaaa", {"root", "cccc"}), Rev("bbbb", {"aaaa"}), Rev("cccc", {"bbbb"})});
  ASSERT_FALSE(cycle.ok());
  EXPECT_NE(cycle.error().message.find("cycle in the revision graph: "), std::string::npos);
  // Any rotation of the cycle, and nothing outside it.
  const std::string& m = cycle.error().message;
  EXPECT_TRUE(m.find("aaaa -> bbbb -> cccc -> aaaa") != std::string::npos ||
              m.find("bbbb -> cccc -> aaaa -> bbbb") != std::string::npos ||
              m.find("cccc -> aaaa -> bbbb -> cccc") != std::string::npos)
      << m;
  EXPECT_EQ(m.find("root"), std::string::npos) << m;
  EXPECT_EQ(cycle.error().exit, ExitCode::kUsage);
  auto label = RevisionGraph::Build({Rev("aaaa", {}, {"x"}), Rev("bbbb", {"aaaa"}, {"x"})});
  ASSERT_FALSE(label.ok());
  EXPECT_EQ(label.error().message,
            "versions/bbbb.sql:3: branch label 'x' is already on revision aaaa");
}

TEST(RevisionGraph, UnknownCurrentRevision) {
  auto g = Linear();
  auto r = g.UpgradePath({"gone"}, "head");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("revision 'gone', which is not in the versions directory"),
            std::string::npos);
}

class LoadVersionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sluice_rev_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(LoadVersionsTest, LoadsSqlFilesOnly) {
  Write("aaaa_first.sql", "-- sluice:revision aaaa\n-- sluice:up\nSELECT 1;\n");
  Write("bbbb_second.sql",
        "-- sluice:revision bbbb\n-- sluice:parent aaaa\n-- sluice:up\nSELECT 2;\n");
  Write("README.md", "not a revision");
  auto g = LoadVersions(dir_);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->TopoOrder(), (Ids{"aaaa", "bbbb"}));
}

TEST_F(LoadVersionsTest, MissingDirectory) {
  auto g = LoadVersions(dir_ / "nope");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message.find("does not exist"), std::string::npos);
  EXPECT_EQ(g.error().exit, ExitCode::kUsage);
}

TEST_F(LoadVersionsTest, DuplicateIdNamesBothFiles) {
  Write("a.sql", "-- sluice:revision aaaa\n-- sluice:up\nSELECT 1;\n");
  Write("b.sql", "-- sluice:revision aaaa\n-- sluice:up\nSELECT 2;\n");
  auto g = LoadVersions(dir_);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().message, (dir_ / "b.sql").string() +
                                   ":1: duplicate revision id 'aaaa' (also in " +
                                   (dir_ / "a.sql").string() + ")");
}

TEST_F(LoadVersionsTest, MalformedFileStopsEverything) {
  Write("a.sql", "-- sluice:revision aaaa\n-- sluice:up\nSELECT 1;\n");
  Write("b.sql", "-- sluice:revision bbbb\n-- sluice:parent aaaa\n-- sluice:up\n-- sluice:bogus\n");
  auto g = LoadVersions(dir_);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().message.rfind((dir_ / "b.sql").string() + ":4: unknown directive", 0), 0u)
      << g.error().message;
}

}  // namespace
}  // namespace sluice::revision
