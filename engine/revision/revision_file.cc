#include "engine/revision/revision_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "engine/dialect.h"
#include "engine/sql/lexer.h"

namespace sluice::revision {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits on spaces, and on commas when `commas`.
std::vector<std::string> Words(std::string_view s, bool commas = true) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c)) || (commas && c == ',')) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool ParseInt(std::string_view s, int* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseDouble(std::string_view s, double* out) {
  std::string copy(s);
  if (copy.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size();
}

bool IsIndexName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
  });
}

// One `-- sluice:NAME rest` line, or nullopt for any other line.
struct Directive {
  std::string name;
  std::string rest;
};

std::optional<Directive> ParseDirective(std::string_view line) {
  line = Trim(line);
  if (line.substr(0, 2) != "--") return std::nullopt;
  std::string_view body = Trim(line.substr(2));
  if (body.substr(0, 7) != "sluice:") return std::nullopt;
  body.remove_prefix(7);
  size_t sp = body.find_first_of(" \t");
  Directive d;
  d.name = std::string(body.substr(0, sp));
  if (sp != std::string_view::npos) d.rest = std::string(Trim(body.substr(sp)));
  return d;
}

// Lexer errors read "line N: what"; re-anchor them to the file.
Error FromLexerError(const RevisionFile& f, const Error& e) {
  std::string_view m = e.message;
  if (m.substr(0, 5) == "line ") {
    size_t colon = m.find(':');
    int line = 0;
    if (colon != std::string_view::npos && ParseInt(m.substr(5, colon - 5), &line)) {
      return f.ErrorAt(line, Trim(m.substr(colon + 1)));
    }
  }
  return f.ErrorAt(0, m);
}

enum class Section { kHeader, kUp, kDown };

// Collects one section's text between directives and turns it into statements.
class SectionBuilder {
 public:
  SectionBuilder(RevisionFile* file, std::vector<RevisionStatement>* out) : f_(file), out_(out) {}

  void AddLine(std::string_view line, int line_no) {
    if (chunk_.empty()) chunk_line_ = line_no;
    chunk_ += line;
    chunk_ += '\n';
  }

  // Ends the current chunk; `step` (if any) applies to the next statement.
  Status Flush(const StepOptions* step) {
    if (!chunk_.empty()) {
      auto stmts = sql::SplitStatements(chunk_, chunk_line_);
      if (!stmts.ok()) return FromLexerError(*f_, stmts.error());
      for (auto& s : *stmts) {
        out_->push_back({std::move(s.text), s.line, pending_});
        pending_ = StepOptions{};
        last_terminated_ = s.terminated;
        last_line_ = s.line;
      }
      chunk_.clear();
    }
    if (step != nullptr) {
      if (!pending_.empty()) {
        return f_->ErrorAt(step->line, fmt::format("two -- sluice:step lines for one statement "
                                                   "(the other is at line {})",
                                                   pending_.line));
      }
      if (!out_->empty() && !last_terminated_) {
        return f_->ErrorAt(step->line,
                           fmt::format("-- sluice:step inside a statement (the statement at line "
                                       "{} does not end with ';')",
                                       last_line_));
      }
      pending_ = *step;
    }
    return Status::Ok();
  }

  // End of the section: a step line must have had a statement after it.
  Status Close() {
    SLUICE_TRY(Flush(nullptr));
    if (!pending_.empty()) {
      return f_->ErrorAt(pending_.line, "-- sluice:step is not followed by a statement");
    }
    return Status::Ok();
  }

 private:
  RevisionFile* f_;
  std::vector<RevisionStatement>* out_;
  std::string chunk_;
  int chunk_line_ = 0;
  StepOptions pending_;
  bool last_terminated_ = true;
  int last_line_ = 0;
};

}  // namespace

Error RevisionFile::ErrorAt(int line, std::string_view what) const {
  if (line <= 0) return InputError(fmt::format("{}: {}", path, what));
  return InputError(fmt::format("{}:{}: {}", path, line, what));
}

const std::vector<std::string>& StepOptionKeys() {
  static const std::vector<std::string> kKeys = {
      "batch-size", "min-batch-size", "max-batch-size", "workers",          "key",
      "max-rate",   "defer-indexes",  "chunked",        "strategy",         "target-batch-time",
      "capture"};
  return kKeys;
}

bool IsValidRevisionId(std::string_view id) {
  return id.size() >= 4 && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '_';
         });
}

bool IsValidBranchLabel(std::string_view label) {
  if (label.empty() || label.size() > 64) return false;
  if (label == "head" || label == "heads" || label == "base") return false;
  return std::all_of(label.begin(), label.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

Result<StepOptions> ParseStepOptions(std::string_view text) {
  StepOptions o;
  o.line = 1;  // the caller sets the real line
  for (const std::string& item : Words(text, /*commas=*/false)) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InputError(fmt::format("step option '{}' is not key=value", item));
    }
    std::string key = item.substr(0, eq);
    std::string value = item.substr(eq + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    auto bad = [&](std::string_view want) {
      return InputError(fmt::format("bad value for {}: '{}' ({})", key, value, want));
    };
    if (key == "batch-size" && value == "auto") {
      o.batch_size = 0;
    } else if (key == "batch-size" || key == "min-batch-size" || key == "max-batch-size" ||
               key == "workers") {
      int n = 0;
      if (!ParseInt(value, &n) || n <= 0) {
        return bad(key == "batch-size" ? "a positive integer or auto" : "a positive integer");
      }
      (key == "batch-size"       ? o.batch_size
       : key == "min-batch-size" ? o.min_batch_size
       : key == "max-batch-size" ? o.max_batch_size
                                 : o.workers) = n;
    } else if (key == "key") {
      if (!IsIndexName(value)) return bad("an index name");
      o.key = value;
    } else if (key == "max-rate") {
      double r = 0;
      if (!ParseDouble(value, &r) || r < 0) return bad("rows per second, 0 for unlimited");
      o.max_rate = r;
    } else if (key == "defer-indexes") {
      bool ok = !value.empty();
      for (const std::string& name : Words(value)) ok = ok && IsIndexName(name);
      if (!ok || value.back() == ',') return bad("'all' or a comma list of index names");
      o.defer_indexes = value;
    } else if (key == "chunked") {
      if (value != "true" && value != "false") return bad("true or false");
      o.chunked = value == "true";
    } else if (key == "strategy") {
      static const char* kStrategies[] = {"auto", "instant", "inplace",
                                          "copy", "native",  "tidb-batch"};
      if (std::find(std::begin(kStrategies), std::end(kStrategies), value) ==
          std::end(kStrategies)) {
        return bad("auto, instant, inplace, copy, native or tidb-batch");
      }
      o.strategy = value;
    } else if (key == "target-batch-time") {
      std::string_view v = value;
      double scale = 1;
      if (v.size() > 2 && v.substr(v.size() - 2) == "ms") {
        v.remove_suffix(2);
        scale = 0.001;
      } else if (v.size() > 1 && v.back() == 's') {
        v.remove_suffix(1);
      }
      double s = 0;
      if (!ParseDouble(v, &s) || s <= 0) return bad("seconds, e.g. 0.5 or 500ms");
      o.target_batch_time = s * scale;
    } else if (key == "capture") {
      if (!IsCaptureMode(value)) return bad("auto, triggers or binlog");
      o.capture = value;
    } else {
      std::string known;
      for (const auto& k : StepOptionKeys()) known += (known.empty() ? "" : ", ") + k;
      return InputError(fmt::format("unknown step option '{}' (known: {})", key, known));
    }
  }
  return o;
}

Result<RevisionFile> ParseRevisionFile(std::string_view content, std::string path) {
  RevisionFile f;
  f.path = std::move(path);
  f.content = std::string(content);
  Section section = Section::kHeader;
  int up_line = 0;
  int message_line = 0;
  SectionBuilder up(&f, &f.up);
  SectionBuilder down(&f, &f.down);
  SectionBuilder* current = nullptr;

  const std::vector<bool> inside = sql::LinesInsideQuotes(content);
  std::istringstream in{std::string(content)};
  std::string line;
  int n = 0;
  auto once = [&](int* seen, std::string_view what) -> Status {
    if (*seen != 0) {
      return f.ErrorAt(
          n, fmt::format("duplicate '-- sluice:{}' line (first at line {})", what, *seen));
    }
    if (section != Section::kHeader) {
      return f.ErrorAt(n, fmt::format("'-- sluice:{}' must come before '-- sluice:up'", what));
    }
    *seen = n;
    return Status::Ok();
  };
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // A line that continues a multi-line string or comment is never a directive.
    bool continued = static_cast<size_t>(n - 1) < inside.size() && inside[n - 1];
    auto d = continued ? std::nullopt : ParseDirective(line);
    if (!d) {
      if (current != nullptr) {
        current->AddLine(line, n);
        continue;
      }
      std::string_view t = Trim(line);
      if (!t.empty() && t.substr(0, 2) != "--" && t[0] != '#') {
        return f.ErrorAt(n,
                         "SQL before '-- sluice:up' (statements belong in the up or down "
                         "section)");
      }
      continue;
    }
    if (d->name == "revision") {
      SLUICE_TRY(once(&f.id_line, "revision"));
      if (!IsValidRevisionId(d->rest)) {
        return f.ErrorAt(
            n, fmt::format("bad revision id '{}' (4-64 characters of [0-9a-z_])", d->rest));
      }
      f.id = d->rest;
    } else if (d->name == "parent") {
      SLUICE_TRY(once(&f.parent_line, "parent"));
      for (const std::string& p : Words(d->rest)) {
        if (p == "none") continue;
        if (!IsValidRevisionId(p)) return f.ErrorAt(n, fmt::format("bad parent id '{}'", p));
        if (std::find(f.parents.begin(), f.parents.end(), p) != f.parents.end()) {
          return f.ErrorAt(n, fmt::format("parent '{}' listed twice", p));
        }
        f.parents.push_back(p);
      }
    } else if (d->name == "message") {
      SLUICE_TRY(once(&message_line, "message"));
      f.message = d->rest;
    } else if (d->name == "branch") {
      SLUICE_TRY(once(&f.branch_line, "branch"));
      for (const std::string& l : Words(d->rest)) {
        if (!IsValidBranchLabel(l)) {
          return f.ErrorAt(n, fmt::format("bad branch label '{}' (letters, digits, '_' and '-'; "
                                          "not head, heads or base)",
                                          l));
        }
        f.branch_labels.push_back(l);
      }
    } else if (d->name == "depends-on") {
      SLUICE_TRY(once(&f.depends_on_line, "depends-on"));
      for (const std::string& p : Words(d->rest)) {
        if (!IsValidRevisionId(p)) return f.ErrorAt(n, fmt::format("bad depends-on id '{}'", p));
        f.depends_on.push_back(p);
      }
    } else if (d->name == "up" || d->name == "down") {
      bool is_up = d->name == "up";
      if (!d->rest.empty()) {
        return f.ErrorAt(n, fmt::format("unexpected text after '-- sluice:{}'", d->name));
      }
      if (is_up ? up_line != 0 : f.has_down) {
        return f.ErrorAt(n, fmt::format("duplicate '-- sluice:{}' section", d->name));
      }
      if (current != nullptr) SLUICE_TRY(current->Close());
      if (is_up) {
        up_line = n;
        section = Section::kUp;
        current = &up;
      } else {
        f.has_down = true;
        section = Section::kDown;
        current = &down;
      }
    } else if (d->name == "step") {
      if (current == nullptr) {
        return f.ErrorAt(n, "'-- sluice:step' outside the up and down sections");
      }
      auto opts = ParseStepOptions(d->rest);
      if (!opts.ok()) return f.ErrorAt(n, opts.error().message);
      opts->line = n;
      SLUICE_TRY(current->Flush(&*opts));
    } else {
      return f.ErrorAt(n, fmt::format("unknown directive '-- sluice:{}' (known: revision, "
                                      "parent, message, branch, depends-on, up, down, step)",
                                      d->name));
    }
  }
  if (current != nullptr) SLUICE_TRY(current->Close());
  if (f.id_line == 0) return f.ErrorAt(1, "missing '-- sluice:revision' line");
  if (up_line == 0) return f.ErrorAt(n > 0 ? n : 1, "missing '-- sluice:up' section");
  // A merge only joins branches; every other revision must change something.
  if (f.up.empty() && f.parents.size() < 2) {
    return f.ErrorAt(up_line, "empty '-- sluice:up' section");
  }
  if (std::find(f.parents.begin(), f.parents.end(), f.id) != f.parents.end()) {
    return f.ErrorAt(f.parent_line, "a revision cannot be its own parent");
  }
  return f;
}

Result<RevisionFile> LoadRevisionFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InputError(fmt::format("{}: cannot read the file", path.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ParseRevisionFile(ss.str(), path.string());
}

}  // namespace sluice::revision
