// Prometheus metrics on --metrics-addr HOST:PORT (prometheus-cpp; the only
// file that includes it). Metric names are the ones in DESIGN.md; every
// series carries the labels revision, step and table.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "engine/progress/progress.h"

namespace sluice {

class MetricsExporter : public ProgressSink {
 public:
  // Listens on "host:port" (port 0: any free port). Errors name the address.
  static Result<std::shared_ptr<MetricsExporter>> Start(const std::string& host_port);
  ~MetricsExporter() override;

  // "host:port" actually listened on.
  std::string Address() const;

  void OnSnapshot(const ProgressSnapshot& s) override;
  void OnBatch(const ProgressSnapshot& s, const BatchEvent& e) override;
  void OnRetry(const ProgressSnapshot& s, ErrorClass c, const Error& e) override;
  void OnThrottle(const ProgressSnapshot& s, const std::string& reason, double seconds) override;
  void OnFinish(const ProgressSnapshot& s, const Status& st) override;

  struct Impl;  // prometheus-cpp state, kept out of this header

 private:
  explicit MetricsExporter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice
