// CPU cost of planning chunks and rewriting statements: paid once per batch,
// so it must stay far below a batch's round trip (about a millisecond).
#include <benchmark/benchmark.h>

#include <string>

#include "engine/chunk/adaptive_batch_size.h"
#include "engine/chunk/key_range.h"
#include "engine/chunk/statement_rewriter.h"
#include "engine/sql/classifier.h"

namespace {

using namespace sluice;

TableInfo OrdersTable() {
  TableInfo t;
  t.ref = {"shop", "orders"};
  t.columns = {{"tenant_id", "int", "int(11)", false, false},
               {"id", "bigint", "bigint(20)", false, false},
               {"code", "varchar", "varchar(24)", false, false},
               {"total_cents", "bigint", "bigint(20)", true, false}};
  IndexInfo pk;
  pk.name = "PRIMARY";
  pk.columns = {"tenant_id", "id"};
  pk.unique = pk.primary = true;
  IndexInfo code;
  code.name = "uk_code";
  code.columns = {"code"};
  code.unique = true;
  t.indexes = {pk, code};
  return t;
}

chunk::KeySpec Spec(const std::string& index, chunk::TupleStyle style) {
  static const TableInfo kTable = OrdersTable();
  ChunkKey key;
  key.columns = kTable.FindIndex(index)->columns;
  return *chunk::KeySpec::Make(kTable, key, style);
}

chunk::KeyRange Range(const KeyTuple& lo, const KeyTuple& hi) {
  chunk::KeyRange r;
  r.lo = lo;
  r.hi = hi;
  return r;
}

// The predicate of one chunk: integer composite key, both tuple styles.
void BM_RangePredicateComposite(benchmark::State& state) {
  auto style = state.range(0) == 0 ? chunk::TupleStyle::kRowConstructor
                                   : chunk::TupleStyle::kExpanded;
  chunk::KeySpec spec = Spec("PRIMARY", style);
  chunk::KeyRange r = Range({"7", "1048576"}, {"7", "1053576"});
  for (auto _ : state) benchmark::DoNotOptimize(chunk::RangePredicate(spec, r, true));
  state.SetLabel(state.range(0) == 0 ? "row constructor" : "expanded");
}
BENCHMARK(BM_RangePredicateComposite)->Arg(0)->Arg(1);

// String keys are quoted and escaped.
void BM_RangePredicateVarchar(benchmark::State& state) {
  chunk::KeySpec spec = Spec("uk_code", chunk::TupleStyle::kRowConstructor);
  chunk::KeyRange r = Range({"k000001048576"}, {"k000001053576"});
  for (auto _ : state) benchmark::DoNotOptimize(chunk::RangePredicate(spec, r, true));
}
BENCHMARK(BM_RangePredicateVarchar);

// Checkpoint encoding of a bound (written with every chunk's commit).
void BM_EncodeDecodeBound(benchmark::State& state) {
  std::optional<KeyTuple> bound = KeyTuple{"7", "1048576"};
  for (auto _ : state) {
    auto text = chunk::EncodeBound(bound);
    benchmark::DoNotOptimize(chunk::DecodeBound(text));
  }
}
BENCHMARK(BM_EncodeDecodeBound);

// The adaptive sizer's per-batch bookkeeping.
void BM_AdaptiveBatchSize(benchmark::State& state) {
  chunk::AdaptiveBatchSize sizer(chunk::AdaptiveBatchOptions{});
  double seconds = 0.3;
  for (auto _ : state) {
    int rows = sizer.Next();
    sizer.Observe(rows, seconds);
    seconds = seconds > 0.6 ? 0.3 : seconds + 0.01;
    benchmark::DoNotOptimize(rows);
  }
}
BENCHMARK(BM_AdaptiveBatchSize);

// Rewriting the user's statement for one batch: the classifier's spans are
// computed once per step, then each batch renders the template.
void BM_StatementRender(benchmark::State& state) {
  const std::string statement =
      "UPDATE orders SET total_cents = price_cents * quantity WHERE total_cents IS NULL";
  auto c = sql::Classify(statement);
  chunk::StatementTemplate tmpl(statement, *c);
  chunk::KeySpec spec = Spec("PRIMARY", chunk::TupleStyle::kRowConstructor);
  std::string predicate =
      chunk::RangePredicate(spec, Range({"7", "1048576"}, {"7", "1053576"}), true);
  for (auto _ : state) benchmark::DoNotOptimize(tmpl.Render(predicate));
}
BENCHMARK(BM_StatementRender);

}  // namespace
