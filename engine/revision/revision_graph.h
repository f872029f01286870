// The revision DAG: parents (a merge has several), depends-on edges, branch
// labels, heads and bases, and Alembic-style targets: head, heads, base,
// full or unique partial ids, +N, -N, REV+N, REV-N, label@head, label@base.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/revision/revision_file.h"
#include "engine/status.h"

namespace sluice::revision {

class RevisionGraph {
 public:
  // Validates the set: duplicate ids, unknown parents or depends-on, cycles
  // and duplicate branch labels are InputErrors that name the file and line.
  static Result<RevisionGraph> Build(std::vector<RevisionFile> files);

  bool empty() const { return files_.empty(); }
  // nullptr when unknown (exact id).
  const RevisionFile* Find(std::string_view id) const;
  // Every revision id, parents (and depends-on) before children.
  const std::vector<std::string>& TopoOrder() const { return order_; }
  // Revisions without children / without parents (sorted in topological order).
  std::vector<std::string> Heads() const;
  std::vector<std::string> Bases() const;
  // Children through parent edges.
  std::vector<std::string> Children(const std::string& id) const;
  // Revisions with more than one child.
  std::vector<std::string> BranchPoints() const;
  // Branch label -> the revision that carries it.
  const std::map<std::string, std::string>& Labels() const { return labels_; }
  // The labels that apply to `id`: its own and those of its ancestors on the
  // same line of parents (a label names a branch from its revision onwards).
  std::vector<std::string> LabelsOf(const std::string& id) const;

  // Inclusive closure through parents and depends-on.
  std::set<std::string> Ancestors(const std::vector<std::string>& ids) const;
  // Inclusive closure through children and dependents.
  std::set<std::string> Descendants(const std::vector<std::string>& ids) const;
  // The heads of an applied set, through parent edges only: what the version
  // table holds (a depends-on target stays a head of its own branch).
  std::vector<std::string> HeadsOf(const std::set<std::string>& applied) const;
  // `ids` in topological order.
  std::vector<std::string> Sorted(const std::set<std::string>& ids) const;

  // A full id or a unique prefix; an ambiguous prefix lists the candidates.
  Result<std::string> ResolveId(std::string_view partial) const;

  // What `current` (the version table's rows) must apply to reach `target`,
  // in a valid order. Several heads with target `head` is an error saying to
  // merge, name a head or use `heads`.
  Result<std::vector<std::string>> UpgradePath(const std::vector<std::string>& current,
                                               std::string_view target) const;
  // What must be undone to go down to `target`, children before parents.
  Result<std::vector<std::string>> DowngradePath(const std::vector<std::string>& current,
                                                 std::string_view target) const;
  // The revisions a target names (for `stamp` and `show`): base is empty.
  Result<std::vector<std::string>> ResolveTarget(const std::vector<std::string>& current,
                                                 std::string_view target) const;

  // Checks that the version table's rows are known revisions.
  Status CheckCurrent(const std::vector<std::string>& current) const;

 private:
  Result<std::vector<std::string>> UpgradeTargets(const std::vector<std::string>& current,
                                                  std::string_view target) const;
  Result<std::string> StepForward(const std::string& from, int n) const;  // "" = base
  Result<std::string> StepBack(const std::string& from, int n) const;     // "" = base
  Result<std::string> SingleHead(const std::vector<std::string>& ids, std::string_view what) const;
  Result<std::string> BranchHead(const std::string& label) const;

  std::vector<RevisionFile> files_;
  std::map<std::string, size_t, std::less<>> index_;  // id -> files_ index
  std::map<std::string, std::vector<std::string>> children_;
  std::map<std::string, std::vector<std::string>> dependents_;
  std::map<std::string, std::string> labels_;
  std::map<std::string, size_t> rank_;  // id -> position in order_
  std::vector<std::string> order_;
};

// Loads every *.sql file of a versions/ directory into a graph. A missing
// directory, an unreadable or malformed file and graph errors are InputErrors.
Result<RevisionGraph> LoadVersions(const std::filesystem::path& dir);

}  // namespace sluice::revision
