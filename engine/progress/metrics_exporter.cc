#include "engine/progress/metrics_exporter.h"

#include <fmt/format.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <exception>

namespace sluice {

using prometheus::Labels;

struct MetricsExporter::Impl {
  std::string host;
  std::unique_ptr<prometheus::Exposer> exposer;
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Counter>& rows_processed =
      prometheus::BuildCounter()
          .Name("sluice_rows_processed_total")
          .Help("Rows processed by this process")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& rows_estimated =
      prometheus::BuildGauge()
          .Name("sluice_rows_estimated")
          .Help("Estimated rows of the step")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& progress_ratio =
      prometheus::BuildGauge()
          .Name("sluice_progress_ratio")
          .Help("Rows done / rows estimated (0..1)")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& eta =
      prometheus::BuildGauge()
          .Name("sluice_eta_seconds")
          .Help("Estimated seconds to the end of the step (-1: unknown)")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& batches =
      prometheus::BuildCounter()
          .Name("sluice_batches_total")
          .Help("Batches run, by outcome (ok, retry, shrink, failed)")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& batch_duration =
      prometheus::BuildHistogram()
          .Name("sluice_batch_duration_seconds")
          .Help("Wall time of one batch")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& batch_size =
      prometheus::BuildGauge()
          .Name("sluice_batch_size_rows")
          .Help("Current batch size in rows")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& batch_mode =
      prometheus::BuildGauge()
          .Name("sluice_batch_size_mode")
          .Help("1 for the batch-size mode that runs (mode=fixed: batch-size=N; mode=auto)")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& lock_wait =
      prometheus::BuildGauge()
          .Name("sluice_foreground_lock_wait_seconds")
          .Help("Longest current wait of an application statement on a lock sluice holds")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& batch_limited =
      prometheus::BuildGauge()
          .Name("sluice_batch_size_limited")
          .Help("1 while batches are made smaller, by reason (lock-wait)")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& workers =
      prometheus::BuildGauge()
          .Name("sluice_workers")
          .Help("Parallel batch workers")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& throttled =
      prometheus::BuildGauge()
          .Name("sluice_throttled")
          .Help("1 while new batches are held back (throttle or pause)")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& throttle_seconds =
      prometheus::BuildCounter()
          .Name("sluice_throttle_seconds_total")
          .Help("Seconds throttled, by reason (load, lag, rate, pause, flag-file)")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& retries =
      prometheus::BuildCounter()
          .Name("sluice_retries_total")
          .Help("Retried batches, by error class")
          .Register(*registry);

  std::mutex mu;
  std::map<std::string, uint64_t> rows_seen;  // last rows_done per label set

  static Labels Base(const ProgressSnapshot& s) {
    return {{"revision", s.revision}, {"step", std::to_string(s.step)}, {"table", s.table}};
  }
  static Labels With(const ProgressSnapshot& s, const std::string& k, const std::string& v) {
    Labels l = Base(s);
    l[k] = v;
    return l;
  }

  void Update(const ProgressSnapshot& s) {
    const Labels l = Base(s);
    // The counter follows rows_done (whatever the source: batches, shadow
    // copy, TiDB DDL job), counting only rows done by this process.
    const std::string key = s.revision + '\x1f' + std::to_string(s.step) + '\x1f' + s.table;
    {
      std::lock_guard<std::mutex> lock(mu);
      auto [it, inserted] = rows_seen.emplace(key, s.rows_resumed);
      if (s.rows_done > it->second) {
        rows_processed.Add(l).Increment(static_cast<double>(s.rows_done - it->second));
        it->second = s.rows_done;
      } else if (inserted) {
        rows_processed.Add(l);  // expose 0 from the start
      }
    }
    rows_estimated.Add(l).Set(static_cast<double>(s.rows_estimated));
    progress_ratio.Add(l).Set(s.Ratio());
    eta.Add(l).Set(s.eta_s);
    batch_size.Add(l).Set(s.batch_size);
    if (!s.batch_mode.empty()) {
      for (const char* m : {"fixed", "auto"}) {
        batch_mode.Add(With(s, "mode", m)).Set(s.batch_mode == m ? 1 : 0);
      }
    }
    workers.Add(l).Set(s.workers);
    lock_wait.Add(l).Set(s.foreground_lock_wait_s);
    batch_limited.Add(With(s, "reason", "lock-wait")).Set(s.sizing_reason.empty() ? 0 : 1);
    throttled.Add(l).Set(s.throttled || s.paused ? 1 : 0);
  }
};

Result<std::shared_ptr<MetricsExporter>> MetricsExporter::Start(const std::string& host_port) {
  auto impl = std::make_unique<Impl>();
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos || colon + 1 == host_port.size()) {
    return InputError(fmt::format("--metrics-addr {}: expected HOST:PORT", host_port));
  }
  impl->host = host_port.substr(0, colon);
  try {
    impl->exposer = std::make_unique<prometheus::Exposer>(host_port, 2);
    impl->exposer->RegisterCollectable(impl->registry);
  } catch (const std::exception& e) {
    return RuntimeError(fmt::format("--metrics-addr {}: cannot listen: {}", host_port, e.what()));
  }
  return std::shared_ptr<MetricsExporter>(new MetricsExporter(std::move(impl)));
}

MetricsExporter::MetricsExporter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MetricsExporter::~MetricsExporter() = default;

std::string MetricsExporter::Address() const {
  auto ports = impl_->exposer->GetListeningPorts();
  return fmt::format("{}:{}", impl_->host, ports.empty() ? 0 : ports.front());
}

void MetricsExporter::OnSnapshot(const ProgressSnapshot& s) { impl_->Update(s); }

void MetricsExporter::OnBatch(const ProgressSnapshot& s, const BatchEvent& e) {
  impl_->Update(s);
  impl_->batches.Add(Impl::With(s, "outcome", BatchOutcomeName(e.outcome))).Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
  impl_->batch_duration.Add(Impl::Base(s), kBuckets).Observe(e.seconds);
}

void MetricsExporter::OnRetry(const ProgressSnapshot& s, ErrorClass c, const Error& /*e*/) {
  impl_->Update(s);
  impl_->retries.Add(Impl::With(s, "class", ErrorClassName(c))).Increment();
}

void MetricsExporter::OnThrottle(const ProgressSnapshot& s, const std::string& reason,
                                 double seconds) {
  impl_->Update(s);
  if (reason.empty() || seconds <= 0) return;
  impl_->throttle_seconds.Add(Impl::With(s, "reason", reason)).Increment(seconds);
}

void MetricsExporter::OnFinish(const ProgressSnapshot& s, const Status& /*st*/) {
  impl_->Update(s);
}

}  // namespace sluice
