#include "engine/progress/snapshot_json.h"

namespace sluice {

nlohmann::json SnapshotToJson(const ProgressSnapshot& s) {
  nlohmann::json j = {
      {"revision", s.revision},
      {"step", s.step},
      {"step_kind", s.step_kind},
      {"table", s.table},
      {"phase", s.phase},
      {"rows_done", s.rows_done},
      {"rows_estimated", s.rows_estimated},
      {"progress_ratio", s.Ratio()},
      {"rows_per_s", s.rows_per_s},
      {"batch_size", s.batch_size},
      {"batch_mode", s.batch_mode},
      {"workers", s.workers},
      {"throttled", s.throttled},
      {"throttle_reason", s.throttle_reason},
      {"paused", s.paused},
      {"run_state", s.run_state.empty() ? "running" : s.run_state},
      {"retries", s.retries},
      {"foreground_lock_wait_s", s.foreground_lock_wait_s},
      {"sizing_reason", s.sizing_reason},
      {"state", s.state},
  };
  // Unknown ETA is null rather than a magic -1.
  j["eta_s"] = s.eta_s < 0 ? nlohmann::json(nullptr) : nlohmann::json(s.eta_s);
  return j;
}

ProgressSnapshot SnapshotFromJson(const nlohmann::json& j) {
  ProgressSnapshot s;
  if (!j.is_object()) return s;
  auto get = [&j](const char* key, auto& field) {
    auto it = j.find(key);
    if (it != j.end() && !it->is_null()) field = it->get<std::decay_t<decltype(field)>>();
  };
  get("revision", s.revision);
  get("step", s.step);
  get("step_kind", s.step_kind);
  get("table", s.table);
  get("phase", s.phase);
  get("rows_done", s.rows_done);
  get("rows_estimated", s.rows_estimated);
  get("rows_per_s", s.rows_per_s);
  get("eta_s", s.eta_s);
  get("batch_size", s.batch_size);
  get("batch_mode", s.batch_mode);
  get("workers", s.workers);
  get("throttled", s.throttled);
  get("throttle_reason", s.throttle_reason);
  get("paused", s.paused);
  get("run_state", s.run_state);
  if (s.run_state == "running") s.run_state.clear();
  get("retries", s.retries);
  get("foreground_lock_wait_s", s.foreground_lock_wait_s);
  get("sizing_reason", s.sizing_reason);
  get("state", s.state);
  return s;
}

}  // namespace sluice
