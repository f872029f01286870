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
      {"workers", s.workers},
      {"throttled", s.throttled},
      {"throttle_reason", s.throttle_reason},
      {"paused", s.paused},
      {"retries", s.retries},
      {"state", s.state},
  };
  // Unknown ETA is null rather than a magic -1.
  j["eta_s"] = s.eta_s < 0 ? nlohmann::json(nullptr) : nlohmann::json(s.eta_s);
  return j;
}

}  // namespace sluice
