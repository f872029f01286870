// CPU cost of classifying a statement (kind, target, WHERE span): paid once
// per statement, so it only has to be small next to one batch's round trip.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "engine/sql/classifier.h"

namespace {

const std::vector<std::string>& Statements() {
  static const std::vector<std::string> kStatements = {
      "UPDATE orders SET total_cents = price_cents * quantity WHERE total_cents IS NULL",
      "DELETE FROM events WHERE created_at < NOW() - INTERVAL 90 DAY",
      "INSERT INTO orders_copy (id, total) SELECT id, price_cents * quantity FROM orders WHERE "
      "status = 3",
      "ALTER TABLE orders ADD COLUMN note VARCHAR(64) NULL, ADD INDEX idx_note (note)",
      "CREATE INDEX idx_created ON orders (created_at)",
      "UPDATE orders o JOIN customers c ON c.id = o.customer_id SET o.region = c.region",
  };
  return kStatements;
}

void BM_Classify(benchmark::State& state) {
  const std::string& statement = Statements()[static_cast<size_t>(state.range(0))];
  for (auto _ : state) {
    auto r = sluice::sql::Classify(statement);
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(statement.substr(0, 24));
}
BENCHMARK(BM_Classify)->DenseRange(0, 5);

}  // namespace
