#include "cli/cmd_revisions_common.h"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>

#include "engine/state/version_store.h"

namespace sluice::cli {

void AddRevisionOptions(po::options_description& o) {
  o.add_options()("versions", po::value<std::string>(),
                  "directory of revision files (default: versions)")(
      "version-table", po::value<std::string>(), "version table (default: sluice_version)")(
      "history-table", po::value<std::string>(), "history table (default: sluice_history)")(
      "checkpoint-table", po::value<std::string>(),
      "checkpoint table (default: sluice_checkpoint)")(
      "lock-table", po::value<std::string>(), "migrator lock holder table (default: sluice_lock)");
}

StateTables StateTablesFrom(const CommandContext& ctx) {
  StateTables t;
  t.version_table = ctx.Get<std::string>("version-table", t.version_table);
  t.history_table = ctx.Get<std::string>("history-table", t.history_table);
  t.checkpoint_table = ctx.Get<std::string>("checkpoint-table", t.checkpoint_table);
  t.lock_table = ctx.Get<std::string>("lock-table", t.lock_table);
  return t;
}

std::string VersionsDir(const CommandContext& ctx) {
  return ctx.ResolvePath(ctx.Get<std::string>("versions", "versions"));
}

Result<revision::RevisionGraph> LoadGraph(const CommandContext& ctx) {
  return revision::LoadVersions(VersionsDir(ctx));
}

Result<std::vector<std::string>> CurrentHeads(Connection& conn, const CommandContext& ctx) {
  VersionStore versions(conn, StateTablesFrom(ctx));
  return versions.Current();
}

std::string Describe(const revision::RevisionGraph& g, const std::string& id) {
  const revision::RevisionFile* f = g.Find(id);
  std::string out = id;
  auto heads = g.Heads();
  if (std::find(heads.begin(), heads.end(), id) != heads.end()) out += " (head)";
  if (g.Children(id).size() > 1) out += " (branchpoint)";
  if (f != nullptr && f->parents.size() > 1) out += " (mergepoint)";
  for (const auto& l : g.LabelsOf(id)) out += " (" + l + ")";
  if (f != nullptr && !f->message.empty()) out += ", " + f->message;
  return out;
}

std::string NewRevisionId(const revision::RevisionGraph& g) {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  for (;;) {
    std::string id = fmt::format("{:012x}", gen() & 0xffffffffffffULL);
    if (g.Find(id) == nullptr) return id;
  }
}

namespace {

std::string Slug(const std::string& message) {
  std::string s;
  for (char c : message) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!s.empty() && s.back() != '_') {
      s += '_';
    }
    if (s.size() >= 40) break;
  }
  while (!s.empty() && s.back() == '_') s.pop_back();
  return s;
}

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : " ") + id;
  return out;
}

}  // namespace

Result<std::string> RevisionFileText(const std::string& id, const std::vector<std::string>& parents,
                                     const std::string& message,
                                     const std::vector<std::string>& branch_labels,
                                     const std::vector<std::string>& depends_on,
                                     const std::string& body) {
  if (message.find('\n') != std::string::npos) {
    return InputError("the message must be one line");
  }
  std::string text = fmt::format("-- sluice:revision {}\n-- sluice:parent {}\n", id,
                                 parents.empty() ? "none" : JoinIds(parents));
  if (!message.empty()) text += fmt::format("-- sluice:message {}\n", message);
  if (!branch_labels.empty()) text += fmt::format("-- sluice:branch {}\n", JoinIds(branch_labels));
  if (!depends_on.empty()) text += fmt::format("-- sluice:depends-on {}\n", JoinIds(depends_on));
  return text + "\n" + body;
}

Result<std::string> WriteRevisionFile(const std::string& dir, const std::string& id,
                                      const std::vector<std::string>& parents,
                                      const std::string& message,
                                      const std::vector<std::string>& branch_labels,
                                      const std::vector<std::string>& depends_on,
                                      const std::string& body) {
  SLUICE_ASSIGN(std::string text,
                RevisionFileText(id, parents, message, branch_labels, depends_on, body));
  std::string slug = Slug(message);
  std::filesystem::path path =
      std::filesystem::path(dir) / (slug.empty() ? id + ".sql" : id + "_" + slug + ".sql");
  if (std::filesystem::exists(path)) {
    return InputError(fmt::format("{} already exists", path.string()));
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) return RuntimeError(fmt::format("{}: cannot write the file", path.string()));
  return path.string();
}

}  // namespace sluice::cli
