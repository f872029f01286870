#include "engine/progress/json_lines_sink.h"

#include "engine/progress/snapshot_json.h"

namespace sluice {
namespace {

void WriteLine(FILE* out, const char* event, nlohmann::json j) {
  j["event"] = event;
  std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fprintf(out, "%s\n", line.c_str());
  std::fflush(out);
}

}  // namespace

JsonLinesSink::JsonLinesSink(FILE* out, JsonLinesSinkOptions opts, MonotonicClock& clock)
    : out_(out), opts_(opts), clock_(clock) {}

void JsonLinesSink::Progress(const ProgressSnapshot& s) {
  const double now = clock_.Now();
  if (last_progress_ >= 0 && now - last_progress_ < opts_.interval_s) return;
  last_progress_ = now;
  WriteLine(out_, "progress", SnapshotToJson(s));
}

void JsonLinesSink::OnSnapshot(const ProgressSnapshot& s) { Progress(s); }

void JsonLinesSink::OnBatch(const ProgressSnapshot& s, const BatchEvent& /*e*/) { Progress(s); }

void JsonLinesSink::OnRetry(const ProgressSnapshot& s, ErrorClass c, const Error& e) {
  nlohmann::json j = SnapshotToJson(s);
  j["class"] = ErrorClassName(c);
  j["error"] = e.ToString();
  WriteLine(out_, "retry", std::move(j));
}

void JsonLinesSink::OnThrottle(const ProgressSnapshot& s, const std::string& reason,
                               double /*seconds*/) {
  const std::string now = s.throttled || s.paused ? s.throttle_reason : "";
  if (now == last_throttle_) return;
  last_throttle_ = now;
  nlohmann::json j = SnapshotToJson(s);
  j["signal"] = reason;
  WriteLine(out_, now.empty() ? "throttle-released" : "throttle", std::move(j));
}

void JsonLinesSink::OnFinish(const ProgressSnapshot& s, const Status& st) {
  nlohmann::json j = SnapshotToJson(s);
  j["ok"] = st.ok();
  if (!st.ok()) j["error"] = st.error().ToString();
  WriteLine(out_, "finish", std::move(j));
  last_progress_ = -1;
}

}  // namespace sluice
