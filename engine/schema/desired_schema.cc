#include "engine/schema/desired_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/sql/lexer.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

// Why a statement does not belong in the schema, or "" when it does. Only
// the leading keywords are read: CREATE [OR REPLACE] [view or index
// attributes] TABLE | INDEX | VIEW name, and the name must not name a
// database (the statements run in a scratch database).
std::string Refusal(const std::string& text) {
  auto tokens = sql::Tokenize(text);
  if (!tokens.ok()) return tokens.error().message;
  const auto& t = *tokens;
  if (t.empty() || !sql::IsWord(t[0], "CREATE")) {
    return "only CREATE TABLE, CREATE INDEX and CREATE VIEW statements belong in the schema";
  }
  size_t i = 1;
  for (; i < t.size(); ++i) {
    if (sql::IsWord(t[i], "TABLE") || sql::IsWord(t[i], "VIEW") || sql::IsWord(t[i], "INDEX")) {
      break;
    }
    if (sql::IsWord(t[i], "TEMPORARY") || sql::IsWord(t[i], "DATABASE") ||
        sql::IsWord(t[i], "SCHEMA") || sql::IsWord(t[i], "TRIGGER") ||
        sql::IsWord(t[i], "PROCEDURE") || sql::IsWord(t[i], "FUNCTION") ||
        sql::IsWord(t[i], "EVENT") || sql::IsWord(t[i], "SEQUENCE") || sql::IsWord(t[i], "USER")) {
      i = t.size();
      break;
    }
  }
  if (i >= t.size()) {
    return "only CREATE TABLE, CREATE INDEX and CREATE VIEW statements belong in the schema";
  }
  size_t name = i + 1;
  if (sql::IsWord(t[i], "INDEX")) {
    while (name < t.size() && !(t[name].depth == 0 && sql::IsWord(t[name], "ON"))) ++name;
    ++name;
  } else {
    while (name < t.size() && (sql::IsWord(t[name], "IF") || sql::IsWord(t[name], "NOT") ||
                               sql::IsWord(t[name], "EXISTS"))) {
      ++name;
    }
  }
  if (name + 1 < t.size() && t[name + 1].kind == sql::TokenKind::kSymbol &&
      t[name + 1].text == ".") {
    return fmt::format("`{}.{}`: name tables without a database (the schema is loaded into a "
                       "scratch database)",
                       t[name].text, name + 2 < t.size() ? t[name + 2].text : "");
  }
  return "";
}

Result<std::vector<std::string>> SchemaFiles(const std::string& path) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    return InputError(fmt::format("schema {}: no such file or folder", path));
  }
  if (!fs::is_directory(status)) return std::vector<std::string>{path};
  std::vector<std::string> files;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".sql" && !it->is_directory()) {
      files.push_back(it->path().string());
    }
  }
  if (ec) {
    return InputError(fmt::format("schema {}: cannot read the folder: {}", path, ec.message()));
  }
  std::sort(files.begin(), files.end(), [](const std::string& a, const std::string& b) {
    return fs::path(a).filename() < fs::path(b).filename();
  });
  return files;
}

}  // namespace

Result<std::vector<SchemaStatement>> ReadSchemaFiles(const std::string& path) {
  SLUICE_ASSIGN(std::vector<std::string> files, SchemaFiles(path));
  std::vector<SchemaStatement> out;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    if (!in) return InputError(fmt::format("{}: cannot read the file", file));
    auto statements = sql::SplitStatements(buf.str());
    if (!statements.ok()) {
      return InputError(fmt::format("{}: {}", file, statements.error().message));
    }
    for (const auto& st : *statements) {
      std::string why = Refusal(st.text);
      if (!why.empty()) return InputError(fmt::format("{}:{}: {}", file, st.line, why));
      out.push_back({file, st.line, st.text});
    }
  }
  return out;
}

Status LoadSchema(Session& s, const std::vector<SchemaStatement>& statements,
                  const std::function<bool()>& interrupted) {
  SLUICE_TRY(s.Exec("SET SESSION foreign_key_checks = 0"));
  for (const auto& st : statements) {
    if (interrupted && interrupted()) {
      Error e = RuntimeError("interrupted while loading the schema");
      e.exit = ExitCode::kAborted;
      return e;
    }
    auto r = s.Exec(st.text);
    if (!r.ok()) {
      return InputError(fmt::format("{}:{}: {}", st.file, st.line, r.error().ToString()));
    }
  }
  return s.Exec("SET SESSION foreign_key_checks = 1").status();
}

}  // namespace sluice
