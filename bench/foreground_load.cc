#include "bench/foreground_load.h"

#include <fmt/format.h>

#include <chrono>
#include <random>

#include "engine/sql/quote.h"

namespace sluice::bench {

namespace {

using Clock = std::chrono::steady_clock;

double Now() {
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

}  // namespace

struct ForegroundLoad::Worker {
  std::unique_ptr<Session> session;
  ForegroundStats stats;
};

ForegroundLoad::ForegroundLoad(SessionFactory& sessions, SyntheticTableSpec spec,
                               ForegroundOptions opts)
    : sessions_(sessions), spec_(std::move(spec)), opts_(opts) {}

ForegroundLoad::~ForegroundLoad() { (void)Stop(); }

Status ForegroundLoad::Start() {
  stop_ = false;
  workers_.clear();
  for (int i = 0; i < opts_.threads; ++i) {
    auto w = std::make_unique<Worker>();
    SLUICE_ASSIGN(w->session, sessions_.Open());
    workers_.push_back(std::move(w));
  }
  started_at_ = Now();
  for (size_t i = 0; i < workers_.size(); ++i) {
    threads_.emplace_back([this, i] { Loop(*workers_[i], 0x5eed + i); });
  }
  return Status::Ok();
}

ForegroundStats ForegroundLoad::Stop() {
  stop_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
  ForegroundStats total;
  for (auto& w : workers_) {
    total.latency.Merge(w->stats.latency);
    total.errors += w->stats.errors;
  }
  total.seconds = workers_.empty() ? 0 : Now() - started_at_;
  workers_.clear();
  return total;
}

void ForegroundLoad::Loop(Worker& w, uint64_t seed) {
  if (opts_.rate_per_thread <= 0) return;
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint64_t> row(1, std::max<uint64_t>(1, spec_.rows));
  std::uniform_real_distribution<double> coin(0, 1);
  const std::string table = sql::QuoteTable(spec_.table);
  const double interval = 1.0 / opts_.rate_per_thread;
  double next = Now();
  while (!stop_.load()) {
    double now = Now();
    if (now < next) {
      std::this_thread::sleep_for(std::chrono::duration<double>(std::min(next - now, 0.05)));
      continue;
    }
    const double scheduled = next;
    next += interval;
    std::string where = PointPredicate(spec_, row(rng));
    bool ok;
    if (coin(rng) < opts_.update_ratio) {
      ok = w.session->Exec(fmt::format("UPDATE {} SET `status` = (`status` + 1) % 8 WHERE {}",
                                       table, where))
               .ok();
    } else {
      ok = w.session
               ->Query(fmt::format("SELECT `price_cents`, `quantity`, `status` FROM {} WHERE {}",
                                   table, where))
               .ok();
    }
    w.stats.latency.Record(Now() - scheduled);
    if (!ok) ++w.stats.errors;
  }
}

}  // namespace sluice::bench
