#include "engine/revision/revision_graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <queue>

namespace sluice::revision {
namespace {

std::string Join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += sep;
    out += v[i];
  }
  return out;
}

// "+3" / "-2" / "abc+1": the base part and the signed step, when the text
// ends in a signed number.
struct Relative {
  std::string base;
  int steps = 0;  // > 0 up, < 0 down
};

std::optional<Relative> ParseRelative(std::string_view t) {
  size_t sign = t.find_last_of("+-");
  if (sign == std::string_view::npos || sign + 1 >= t.size()) return std::nullopt;
  int n = 0;
  std::string_view digits = t.substr(sign + 1);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || p != digits.data() + digits.size() || n <= 0) return std::nullopt;
  return Relative{std::string(t.substr(0, sign)), t[sign] == '+' ? n : -n};
}

std::string MultipleHeadsMessage(const std::vector<std::string>& heads) {
  return fmt::format(
      "several heads: {}. Merge them with `sluice merge -m MSG {}`, name one head as the "
      "target, or use `heads` to upgrade all of them",
      Join(heads), Join(heads, " "));
}

// Every id reachable from `ids` (included) by following `next`, which
// appends an id's neighbours to the work list.
template <typename Next>
std::set<std::string> Reach(const std::vector<std::string>& ids, Next next) {
  std::set<std::string> seen;
  std::vector<std::string> todo(ids.begin(), ids.end());
  while (!todo.empty()) {
    std::string id = std::move(todo.back());
    todo.pop_back();
    if (seen.insert(id).second) next(id, todo);
  }
  return seen;
}

}  // namespace

Result<RevisionGraph> RevisionGraph::Build(std::vector<RevisionFile> files) {
  RevisionGraph g;
  g.files_ = std::move(files);
  for (size_t i = 0; i < g.files_.size(); ++i) {
    const RevisionFile& f = g.files_[i];
    auto [it, inserted] = g.index_.emplace(f.id, i);
    if (!inserted) {
      return f.ErrorAt(f.id_line, fmt::format("duplicate revision id '{}' (also in {})", f.id,
                                              g.files_[it->second].path));
    }
  }
  for (const RevisionFile& f : g.files_) {
    for (const std::string& p : f.parents) {
      if (!g.index_.count(p))
        return f.ErrorAt(f.parent_line, fmt::format("unknown parent '{}'", p));
      g.children_[p].push_back(f.id);
    }
    for (const std::string& d : f.depends_on) {
      if (!g.index_.count(d)) {
        return f.ErrorAt(f.depends_on_line, fmt::format("unknown depends-on revision '{}'", d));
      }
      g.dependents_[d].push_back(f.id);
    }
    for (const std::string& l : f.branch_labels) {
      auto [it, inserted] = g.labels_.emplace(l, f.id);
      if (!inserted) {
        return f.ErrorAt(f.branch_line,
                         fmt::format("branch label '{}' is already on revision {}", l, it->second));
      }
      if (g.index_.count(l)) {
        return f.ErrorAt(f.branch_line, fmt::format("branch label '{}' is also a revision id", l));
      }
    }
  }
  // Kahn's algorithm; ties broken by load order so the result is stable.
  std::map<std::string, int> pending;
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t i = 0; i < g.files_.size(); ++i) {
    const RevisionFile& f = g.files_[i];
    std::set<std::string> deps(f.parents.begin(), f.parents.end());
    deps.insert(f.depends_on.begin(), f.depends_on.end());
    pending[f.id] = static_cast<int>(deps.size());
    if (deps.empty()) ready.push(i);
  }
  while (!ready.empty()) {
    const std::string& id = g.files_[ready.top()].id;
    ready.pop();
    g.rank_[id] = g.order_.size();
    g.order_.push_back(id);
    std::set<std::string> next;
    for (const auto& c : g.children_[id]) next.insert(c);
    for (const auto& c : g.dependents_[id]) next.insert(c);
    for (const auto& c : next) {
      if (--pending[c] == 0) ready.push(g.index_.find(c)->second);
    }
  }
  if (g.order_.size() < g.files_.size()) {
    // Walk parents from an unplaced revision until one repeats: that is a cycle.
    std::string at;
    for (const auto& f : g.files_) {
      if (!g.rank_.count(f.id)) {
        at = f.id;
        break;
      }
    }
    std::vector<std::string> path;
    while (std::find(path.begin(), path.end(), at) == path.end()) {
      path.push_back(at);
      const RevisionFile& f = g.files_[g.index_.find(at)->second];
      std::vector<std::string> up = f.parents;
      up.insert(up.end(), f.depends_on.begin(), f.depends_on.end());
      for (const auto& p : up) {
        if (!g.rank_.count(p)) {
          at = p;
          break;
        }
      }
    }
    std::vector<std::string> cycle(std::find(path.begin(), path.end(), at), path.end());
    std::reverse(cycle.begin(), cycle.end());
    cycle.push_back(cycle.front());
    const RevisionFile& f = g.files_[g.index_.find(cycle.front())->second];
    return f.ErrorAt(f.parent_line,
                     fmt::format("cycle in the revision graph: {}", Join(cycle, " -> ")));
  }
  return g;
}

const RevisionFile* RevisionGraph::Find(std::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &files_[it->second];
}

std::vector<std::string> RevisionGraph::Children(const std::string& id) const {
  auto it = children_.find(id);
  if (it == children_.end()) return {};
  std::set<std::string> s(it->second.begin(), it->second.end());
  return Sorted(s);
}

std::vector<std::string> RevisionGraph::Heads() const {
  std::vector<std::string> out;
  for (const auto& id : order_) {
    if (Children(id).empty()) out.push_back(id);
  }
  return out;
}

std::vector<std::string> RevisionGraph::Bases() const {
  std::vector<std::string> out;
  for (const auto& id : order_) {
    if (Find(id)->parents.empty()) out.push_back(id);
  }
  return out;
}

std::vector<std::string> RevisionGraph::BranchPoints() const {
  std::vector<std::string> out;
  for (const auto& id : order_) {
    if (Children(id).size() > 1) out.push_back(id);
  }
  return out;
}

std::vector<std::string> RevisionGraph::LabelsOf(const std::string& id) const {
  std::vector<std::string> out;
  for (const auto& [label, rev] : labels_) {
    if (rev == id) {
      out.push_back(label);
      continue;
    }
    // Along single-parent links only: a merge joins branches and ends the label.
    std::string at = id;
    while (true) {
      const RevisionFile* f = Find(at);
      if (f == nullptr || f->parents.size() != 1) break;
      at = f->parents[0];
      if (at == rev) {
        out.push_back(label);
        break;
      }
    }
  }
  return out;
}

std::set<std::string> RevisionGraph::Ancestors(const std::vector<std::string>& ids) const {
  return Reach(ids, [this](const std::string& id, std::vector<std::string>& todo) {
    if (const RevisionFile* f = Find(id)) {
      todo.insert(todo.end(), f->parents.begin(), f->parents.end());
      todo.insert(todo.end(), f->depends_on.begin(), f->depends_on.end());
    }
  });
}

std::set<std::string> RevisionGraph::Descendants(const std::vector<std::string>& ids) const {
  return Reach(ids, [this](const std::string& id, std::vector<std::string>& todo) {
    for (const auto* edges : {&children_, &dependents_}) {
      auto it = edges->find(id);
      if (it != edges->end()) todo.insert(todo.end(), it->second.begin(), it->second.end());
    }
  });
}

std::vector<std::string> RevisionGraph::HeadsOf(const std::set<std::string>& applied) const {
  std::vector<std::string> out;
  for (const auto& id : Sorted(applied)) {
    bool has_applied_child = false;
    for (const auto& c : Children(id)) has_applied_child = has_applied_child || applied.count(c);
    if (!has_applied_child) out.push_back(id);
  }
  return out;
}

std::vector<std::string> RevisionGraph::Sorted(const std::set<std::string>& ids) const {
  std::vector<std::string> out(ids.begin(), ids.end());
  std::sort(out.begin(), out.end(), [&](const std::string& a, const std::string& b) {
    auto ra = rank_.find(a), rb = rank_.find(b);
    size_t ia = ra == rank_.end() ? SIZE_MAX : ra->second;
    size_t ib = rb == rank_.end() ? SIZE_MAX : rb->second;
    return ia != ib ? ia < ib : a < b;
  });
  return out;
}

Result<std::string> RevisionGraph::ResolveId(std::string_view partial) const {
  if (partial.empty()) return InputError("empty revision id");
  if (Find(partial) != nullptr) return std::string(partial);
  std::vector<std::string> matches;
  for (auto it = index_.lower_bound(partial); it != index_.end(); ++it) {
    if (it->first.compare(0, partial.size(), partial) != 0) break;
    matches.push_back(it->first);
  }
  if (matches.empty()) return InputError(fmt::format("unknown revision '{}'", partial));
  if (matches.size() > 1) {
    return InputError(
        fmt::format("ambiguous revision '{}': it matches {}", partial, Join(matches)));
  }
  return matches[0];
}

Status RevisionGraph::CheckCurrent(const std::vector<std::string>& current) const {
  for (const auto& id : current) {
    if (Find(id) == nullptr) {
      return InputError(fmt::format(
          "the database is at revision '{}', which is not in the versions directory (restore "
          "the file, or `sluice stamp --purge TARGET`)",
          id));
    }
  }
  return Status::Ok();
}

Result<std::string> RevisionGraph::SingleHead(const std::vector<std::string>& ids,
                                              std::string_view what) const {
  if (ids.empty()) return InputError(fmt::format("{}: there are no revisions", what));
  if (ids.size() > 1) return InputError(MultipleHeadsMessage(ids));
  return ids[0];
}

Result<std::string> RevisionGraph::BranchHead(const std::string& label) const {
  auto it = labels_.find(label);
  std::string start;
  if (it != labels_.end()) {
    start = it->second;
  } else {
    SLUICE_ASSIGN(start, ResolveId(label));
  }
  std::vector<std::string> heads;
  std::set<std::string> below = Descendants({start});
  for (const auto& h : Heads()) {
    if (below.count(h)) heads.push_back(h);
  }
  if (heads.size() > 1) {
    return InputError(fmt::format("branch '{}' has several heads: {}; merge them or name one",
                                  label, Join(heads)));
  }
  return heads.at(0);
}

Result<std::string> RevisionGraph::StepForward(const std::string& from, int n) const {
  std::string at = from;
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> next = at.empty() ? Bases() : Children(at);
    if (next.empty()) {
      return InputError(fmt::format("cannot go {} revisions up from {}: only {} above it", n,
                                    from.empty() ? "base" : from, i));
    }
    if (next.size() > 1) {
      return InputError(fmt::format("{} has several children ({}): name the target revision",
                                    at.empty() ? "base" : at, Join(next)));
    }
    at = next[0];
  }
  return at;
}

Result<std::string> RevisionGraph::StepBack(const std::string& from, int n) const {
  std::string at = from;
  for (int i = 0; i < n; ++i) {
    if (at.empty()) {
      return InputError(
          fmt::format("cannot go {} revisions down from {}: only {} below it", n, from, i));
    }
    const RevisionFile* f = Find(at);
    if (f->parents.size() > 1) {
      return InputError(fmt::format("{} is a merge of {}: name the revision to go down to", at,
                                    Join(f->parents)));
    }
    at = f->parents.empty() ? "" : f->parents[0];
  }
  return at;
}

Result<std::vector<std::string>> RevisionGraph::UpgradeTargets(
    const std::vector<std::string>& current, std::string_view target) const {
  if (target == "heads") return Heads();
  if (target == "head") {
    SLUICE_ASSIGN(std::string h, SingleHead(Heads(), "head"));
    return std::vector<std::string>{h};
  }
  if (target == "base") return std::vector<std::string>{};
  size_t at = target.find('@');
  if (at != std::string_view::npos) {
    std::string label(target.substr(0, at));
    std::string_view what = target.substr(at + 1);
    if (what == "head") {
      SLUICE_ASSIGN(std::string h, BranchHead(label));
      return std::vector<std::string>{h};
    }
    if (what == "base") return std::vector<std::string>{};
    return InputError(fmt::format("bad target '{}': use LABEL@head or LABEL@base", target));
  }
  if (labels_.count(std::string(target))) {
    SLUICE_ASSIGN(std::string h, BranchHead(std::string(target)));
    return std::vector<std::string>{h};
  }
  if (auto rel = ParseRelative(target)) {
    std::string from;
    if (rel->base.empty()) {
      if (current.size() > 1) {
        return InputError(
            fmt::format("several revisions are applied ({}): use REV{}{} instead "
                        "of a bare relative target",
                        Join(current), rel->steps > 0 ? "+" : "-", std::abs(rel->steps)));
      }
      if (!current.empty()) from = current[0];
    } else if (rel->base != "base") {
      SLUICE_ASSIGN(from, ResolveId(rel->base));
    }
    SLUICE_ASSIGN(std::string to,
                  rel->steps > 0 ? StepForward(from, rel->steps) : StepBack(from, -rel->steps));
    return to.empty() ? std::vector<std::string>{} : std::vector<std::string>{to};
  }
  SLUICE_ASSIGN(std::string id, ResolveId(target));
  return std::vector<std::string>{id};
}

Result<std::vector<std::string>> RevisionGraph::ResolveTarget(
    const std::vector<std::string>& current, std::string_view target) const {
  return UpgradeTargets(current, target);
}

Result<std::vector<std::string>> RevisionGraph::UpgradePath(const std::vector<std::string>& current,
                                                            std::string_view target) const {
  SLUICE_TRY(CheckCurrent(current));
  if (auto rel = ParseRelative(target); rel && rel->steps < 0) {
    return InputError(fmt::format("'{}' goes down: use `sluice downgrade {}`", target, target));
  }
  SLUICE_ASSIGN(std::vector<std::string> targets, UpgradeTargets(current, target));
  std::set<std::string> applied = Ancestors(current);
  std::set<std::string> todo;
  for (const auto& id : Ancestors(targets)) {
    if (!applied.count(id)) todo.insert(id);
  }
  return Sorted(todo);
}

Result<std::vector<std::string>> RevisionGraph::DowngradePath(
    const std::vector<std::string>& current, std::string_view target) const {
  SLUICE_TRY(CheckCurrent(current));
  std::set<std::string> applied = Ancestors(current);
  // The revisions to undo: everything above `keep_below` (strictly), or, for
  // LABEL@base, the labelled revision and everything above it.
  std::set<std::string> undo;
  auto undo_above = [&](const std::string& rev) -> Status {
    if (rev.empty()) {
      undo = applied;
      return Status::Ok();
    }
    if (!applied.count(rev)) {
      return InputError(
          fmt::format("revision {} is not applied (current: {}); nothing to go "
                      "down to",
                      rev, current.empty() ? "base" : Join(current)));
    }
    for (const auto& id : Descendants({rev})) {
      if (id != rev && applied.count(id)) undo.insert(id);
    }
    return Status::Ok();
  };
  if (target == "base") {
    SLUICE_TRY(undo_above(""));
  } else if (target == "head" || target == "heads" ||
             (target.size() > 5 && target.substr(target.size() - 5) == "@head")) {
    return InputError(fmt::format("'{}' goes up: use `sluice upgrade {}`", target, target));
  } else if (target.size() > 5 && target.substr(target.size() - 5) == "@base") {
    std::string label(target.substr(0, target.size() - 5));
    auto it = labels_.find(label);
    std::string start;
    if (it != labels_.end()) {
      start = it->second;
    } else {
      SLUICE_ASSIGN(start, ResolveId(label));
    }
    for (const auto& id : Descendants({start})) {
      if (applied.count(id)) undo.insert(id);
    }
  } else if (auto rel = ParseRelative(target)) {
    if (rel->steps > 0) {
      return InputError(fmt::format("'{}' goes up: use `sluice upgrade {}`", target, target));
    }
    std::string from;
    if (rel->base.empty()) {
      if (current.size() != 1) {
        return InputError(current.empty()
                              ? std::string("nothing is applied")
                              : fmt::format("several revisions are applied ({}): use REV-{}",
                                            Join(current), -rel->steps));
      }
      from = current[0];
    } else {
      SLUICE_ASSIGN(from, ResolveId(rel->base));
    }
    SLUICE_ASSIGN(std::string to, StepBack(from, -rel->steps));
    SLUICE_TRY(undo_above(to));
  } else {
    SLUICE_ASSIGN(std::string rev, ResolveId(target));
    SLUICE_TRY(undo_above(rev));
  }
  std::vector<std::string> out = Sorted(undo);
  std::reverse(out.begin(), out.end());
  return out;
}

Result<RevisionGraph> LoadVersions(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return InputError(
        fmt::format("versions directory '{}' does not exist (create it with `sluice init`, or set "
                    "`versions =` in sluice.ini)",
                    dir.string()));
  }
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".sql") {
      paths.push_back(entry.path());
    }
  }
  if (ec) return InputError(fmt::format("{}: cannot list: {}", dir.string(), ec.message()));
  std::sort(paths.begin(), paths.end());
  std::vector<RevisionFile> files;
  for (const auto& p : paths) {
    SLUICE_ASSIGN(RevisionFile f, LoadRevisionFile(p));
    files.push_back(std::move(f));
  }
  return RevisionGraph::Build(std::move(files));
}

}  // namespace sluice::revision
