// The file-only revision commands (init, revision, merge, heads, branches,
// history, show, check --offline) through the `sluice` binary.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "engine/revision/revision_graph.h"
#include "tests/integration/revision_fixture.h"

namespace sluice::testing {
namespace {

class RevisionCommands : public RevisionProject {
 protected:
  // The id of the file that `sluice revision` / `merge` says it created.
  std::string CreatedId(const CommandResult& r) {
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.output, m, std::regex("created (\\S+\\.sql)"))) << r.output;
    if (m.size() < 2) return "";
    auto f = revision::LoadRevisionFile(m[1].str());
    EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().message);
    return f.ok() ? f->id : "";
  }
};

TEST_F(RevisionCommands, InitWritesConfigAndVersionsDirectory) {
  std::filesystem::path fresh = dir_ / "fresh";
  std::filesystem::create_directories(fresh);
  auto r = RunCommand("cd '" + fresh.string() + "' && " + SluiceBinary() + " init proj");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::is_directory(fresh / "proj" / "versions"));
  std::ifstream ini(fresh / "sluice.ini");
  std::string text((std::istreambuf_iterator<char>(ini)), {});
  EXPECT_NE(text.find("versions = proj/versions"), std::string::npos) << text;
  EXPECT_TRUE(std::filesystem::is_directory(fresh / "proj" / "schema"));
  EXPECT_NE(text.find("\nschema = proj/schema\n"), std::string::npos) << text;
  auto again = RunCommand("cd '" + fresh.string() + "' && " + SluiceBinary() + " init proj");
  EXPECT_EQ(again.exit_code, 2) << again.output;
  // The new project works at once.
  auto rev = RunCommand("cd '" + fresh.string() + "' && " + SluiceBinary() + " revision -m first");
  EXPECT_EQ(rev.exit_code, 0) << rev.output;
}

TEST_F(RevisionCommands, RevisionChainsOnTheHeadAndParses) {
  auto first = Sluice("revision -m \"create things\"");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  auto second = Sluice("revision -m second --rev-id abcd_0002");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(CreatedId(second), "abcd_0002");
  auto g = revision::LoadVersions(dir_ / "versions");
  ASSERT_TRUE(g.ok()) << g.error().message;
  const revision::RevisionFile* f = g->Find("abcd_0002");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->parents, (std::vector<std::string>{CreatedId(first)}));
  EXPECT_EQ(f->message, "second");
  EXPECT_EQ(g->Heads(), (std::vector<std::string>{"abcd_0002"}));
  // The placeholder is a lint finding until replaced.
  auto check = Sluice("check --offline");
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE(check.output.find("[placeholder]"), std::string::npos) << check.output;
  EXPECT_EQ(Sluice("revision -m dup --rev-id abcd_0002").exit_code, 2);
  EXPECT_EQ(Sluice("revision -m bad --rev-id BAD").exit_code, 2);
}

TEST_F(RevisionCommands, BranchesMergeAndListings) {
  ASSERT_EQ(Sluice("revision -m root --rev-id root_0001").exit_code, 0);
  ASSERT_EQ(Sluice("revision -m a --rev-id feat_0001 --branch feature").exit_code, 0);
  ASSERT_EQ(Sluice("revision -m b --rev-id other_001 --head root_0001").exit_code, 0);
  auto ambiguous = Sluice("revision -m c");
  EXPECT_EQ(ambiguous.exit_code, 2);
  EXPECT_NE(ambiguous.output.find("several heads"), std::string::npos) << ambiguous.output;

  auto heads = Sluice("heads");
  EXPECT_NE(heads.output.find("feat_0001 (head) (feature), a"), std::string::npos) << heads.output;
  EXPECT_NE(heads.output.find("other_001 (head), b"), std::string::npos) << heads.output;
  auto branches = Sluice("branches");
  EXPECT_NE(branches.output.find("root_0001 (branchpoint), root"), std::string::npos)
      << branches.output;
  EXPECT_NE(branches.output.find("branch feature: starts at feat_0001"), std::string::npos);

  auto merge = Sluice("merge -m join heads --rev-id join_0001");
  ASSERT_EQ(merge.exit_code, 0) << merge.output;
  auto after = Sluice("heads");
  EXPECT_NE(after.output.find("join_0001 (head) (mergepoint), join"), std::string::npos)
      << after.output;
  auto history = Sluice("history");
  EXPECT_EQ(history.output.rfind("feat_0001, other_001 -> join_0001", 0), 0u) << history.output;
  auto ranged = Sluice("history -r feat_0001:");
  EXPECT_EQ(ranged.output.find("other_001 (head)"), std::string::npos);
  EXPECT_EQ(ranged.output.find("-> root_0001"), std::string::npos) << ranged.output;
  EXPECT_NE(ranged.output.find("-> feat_0001"), std::string::npos) << ranged.output;
  auto show = Sluice("show join");
  EXPECT_EQ(show.exit_code, 0) << show.output;
  EXPECT_NE(show.output.find("Parent:     feat_0001, other_001"), std::string::npos) << show.output;
  auto partial = Sluice("show o");  // unique prefix
  EXPECT_NE(partial.output.find("Revision:   other_001"), std::string::npos) << partial.output;
  auto amb = Sluice("show f");  // feat_0001 only: unique too
  EXPECT_EQ(amb.exit_code, 0);
  ASSERT_EQ(Sluice("revision -m z --rev-id feat_0002 --head feat_0001").exit_code, 0);
  auto two = Sluice("show feat_000");
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_NE(two.output.find("ambiguous revision 'feat_000': it matches feat_0001, feat_0002"),
            std::string::npos)
      << two.output;
}

}  // namespace
}  // namespace sluice::testing
