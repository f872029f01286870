#include "tidb/ddl_job.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sluice::tidb {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

template <typename T>
bool ParseNumber(std::string_view s, T& out) {
  s = Trim(s);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Binds columns by name; a missing required column is an error naming it.
class Binder {
 public:
  explicit Binder(const ResultSet& rs) : rs_(rs) {}
  Result<int> Required(std::string_view name) const {
    int i = rs_.Column(name);
    if (i < 0) return RuntimeError("TiDB result has no column " + std::string(name));
    return i;
  }
  int Optional(std::string_view name) const { return rs_.Column(name); }

 private:
  const ResultSet& rs_;
};

std::string CellText(const Row& row, int i) {
  if (i < 0 || i >= static_cast<int>(row.size()) || !row[i]) return "";
  return *row[i];
}

template <typename T>
Result<T> CellNumber(const Row& row, int i, std::string_view column) {
  std::string text = CellText(row, i);
  T v{};
  if (text.empty()) return T{};  // NULL or empty (sub-job rows leave some blank)
  if (!ParseNumber(text, v)) {
    return RuntimeError("TiDB returned a non-numeric " + std::string(column) + ": '" + text + "'");
  }
  return v;
}

constexpr std::string_view kSubjobMarker = "/* subjob */";

}  // namespace

JobState ParseJobState(std::string_view text) {
  std::string s = Lower(Trim(text));
  if (s == "none") return JobState::kNone;
  if (s == "queueing") return JobState::kQueueing;
  if (s == "running") return JobState::kRunning;
  if (s == "synced") return JobState::kSynced;
  if (s == "done") return JobState::kDone;
  if (s == "rollingback") return JobState::kRollingback;
  if (s == "rollback done") return JobState::kRollbackDone;
  if (s == "cancelling") return JobState::kCancelling;
  if (s == "cancelled") return JobState::kCancelled;
  if (s == "pausing") return JobState::kPausing;
  if (s == "paused") return JobState::kPaused;
  return JobState::kUnknown;
}

const char* JobStateName(JobState s) {
  switch (s) {
    case JobState::kNone: return "none";
    case JobState::kQueueing: return "queueing";
    case JobState::kRunning: return "running";
    case JobState::kSynced: return "synced";
    case JobState::kDone: return "done";
    case JobState::kRollingback: return "rollingback";
    case JobState::kRollbackDone: return "rollback done";
    case JobState::kCancelling: return "cancelling";
    case JobState::kCancelled: return "cancelled";
    case JobState::kPausing: return "pausing";
    case JobState::kPaused: return "paused";
    case JobState::kUnknown: return "unknown";
  }
  return "unknown";
}

bool IsFinal(JobState s) {
  return s == JobState::kSynced || s == JobState::kRollbackDone || s == JobState::kCancelled;
}

bool IsFailure(JobState s) {
  return s == JobState::kRollbackDone || s == JobState::kCancelled;
}

DdlJobComments ParseComments(std::string_view text) {
  DdlJobComments c;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::string item = Lower(Trim(text.substr(pos, comma - pos)));
    pos = comma + 1;
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string::npos) {
      if (item == "dxf") c.dxf = true;
      else if (item == "cloud") c.cloud = true;
      else if (item == "txn" || item == "txn-merge" || item == "ingest") c.reorg_type = item;
      continue;
    }
    std::string key(Trim(std::string_view(item).substr(0, eq)));
    std::string value(Trim(std::string_view(item).substr(eq + 1)));
    if (key == "thread") ParseNumber(value, c.thread);
    else if (key == "batch_size") ParseNumber(value, c.batch_size);
    else if (key == "max_write_speed") c.max_write_speed = value;
  }
  return c;
}

Result<std::vector<DdlJobRow>> ParseDdlJobRows(const ResultSet& rs) {
  Binder b(rs);
  SLUICE_ASSIGN(int c_id, b.Required("JOB_ID"));
  SLUICE_ASSIGN(int c_type, b.Required("JOB_TYPE"));
  SLUICE_ASSIGN(int c_state, b.Required("STATE"));
  SLUICE_ASSIGN(int c_rows, b.Required("ROW_COUNT"));
  int c_db = b.Optional("DB_NAME");
  int c_table = b.Optional("TABLE_NAME");
  int c_schema_state = b.Optional("SCHEMA_STATE");
  int c_schema_id = b.Optional("SCHEMA_ID");
  int c_table_id = b.Optional("TABLE_ID");
  int c_create = b.Optional("CREATE_TIME");
  int c_start = b.Optional("START_TIME");
  int c_end = b.Optional("END_TIME");
  int c_comments = b.Optional("COMMENTS");

  std::vector<DdlJobRow> out;
  out.reserve(rs.rows.size());
  for (const Row& row : rs.rows) {
    DdlJobRow r;
    SLUICE_ASSIGN(r.job_id, CellNumber<int64_t>(row, c_id, "JOB_ID"));
    r.db_name = CellText(row, c_db);
    r.table_name = CellText(row, c_table);
    std::string type = CellText(row, c_type);
    if (auto m = type.find(kSubjobMarker); m != std::string::npos) {
      r.subjob = true;
      type.erase(m, kSubjobMarker.size());
    }
    r.job_type = std::string(Trim(type));
    r.schema_state = CellText(row, c_schema_state);
    SLUICE_ASSIGN(r.schema_id, CellNumber<int64_t>(row, c_schema_id, "SCHEMA_ID"));
    SLUICE_ASSIGN(r.table_id, CellNumber<int64_t>(row, c_table_id, "TABLE_ID"));
    SLUICE_ASSIGN(r.row_count, CellNumber<uint64_t>(row, c_rows, "ROW_COUNT"));
    r.create_time = CellText(row, c_create);
    r.start_time = CellText(row, c_start);
    if (c_end >= 0 && c_end < static_cast<int>(row.size()) && row[c_end]) r.end_time = row[c_end];
    r.state_text = CellText(row, c_state);
    r.state = ParseJobState(r.state_text);
    if (c_comments >= 0 && c_comments < static_cast<int>(row.size()) && row[c_comments]) {
      r.comments = row[c_comments];
    }
    out.push_back(std::move(r));
  }
  return out;
}

bool IsReorgJobType(std::string_view job_type) {
  std::string t = Lower(job_type);
  // Older servers append the reorg type: "add index /* ingest */".
  if (auto c = t.find("/*"); c != std::string::npos) t = std::string(Trim(t.substr(0, c)));
  return t == "add index" || t == "add primary key" || t == "modify column" ||
         t == "change column" || t == "reorganize partition" || t == "alter table partition by" ||
         t == "alter table remove partitioning" || t == "truncate partition";
}

std::optional<DdlJobStatus> SummarizeJob(const std::vector<DdlJobRow>& rows, int64_t job_id) {
  std::optional<DdlJobStatus> st;
  const DdlJobRow* parent = nullptr;
  std::vector<const DdlJobRow*> subs;
  for (const DdlJobRow& r : rows) {
    if (r.job_id != job_id) continue;
    if (r.subjob) subs.push_back(&r);
    else if (!parent) parent = &r;
  }
  if (!parent) return st;
  st.emplace();
  st->job_id = job_id;
  st->db_name = parent->db_name;
  st->table_name = parent->table_name;
  st->job_type = parent->job_type;
  st->schema_state = parent->schema_state;
  st->state = parent->state;
  st->state_text = parent->state_text;
  st->create_time = parent->create_time;
  if (parent->comments) st->comments = ParseComments(*parent->comments);
  st->sub_jobs = static_cast<int>(subs.size());
  if (subs.empty()) {
    st->row_count = parent->row_count;
    st->reorg_jobs = 1;
    return st;
  }
  int reorg = 0;
  for (const DdlJobRow* s : subs) {
    st->row_count += s->row_count;
    if (IsReorgJobType(s->job_type)) ++reorg;
    st->sub_job_states.push_back(s->job_type + ": " + s->schema_state);
  }
  st->reorg_jobs = std::max(1, reorg);
  return st;
}

Result<std::vector<DdlJobQuery>> ParseJobQueries(const ResultSet& rs) {
  Binder b(rs);
  SLUICE_ASSIGN(int c_id, b.Required("JOB_ID"));
  SLUICE_ASSIGN(int c_query, b.Required("QUERY"));
  std::vector<DdlJobQuery> out;
  for (const Row& row : rs.rows) {
    DdlJobQuery q;
    SLUICE_ASSIGN(q.job_id, CellNumber<int64_t>(row, c_id, "JOB_ID"));
    q.query = CellText(row, c_query);
    out.push_back(std::move(q));
  }
  return out;
}

std::string NormalizeStatement(std::string_view s) {
  s = Trim(s);
  while (!s.empty() && (s.back() == ';' || std::isspace(static_cast<unsigned char>(s.back())))) {
    s.remove_suffix(1);
  }
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::vector<int64_t> MatchJobQueries(const std::vector<DdlJobQuery>& queries,
                                     std::string_view statement) {
  std::string want = NormalizeStatement(statement);
  std::vector<int64_t> ids;
  for (const DdlJobQuery& q : queries) {
    if (NormalizeStatement(q.query) == want) ids.push_back(q.job_id);
  }
  std::sort(ids.begin(), ids.end(), [](int64_t a, int64_t b) { return a > b; });
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace sluice::tidb
