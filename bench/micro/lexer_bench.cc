// CPU cost of splitting revision files into statements and tokenizing them.
#include <benchmark/benchmark.h>

#include <string>

#include "engine/sql/lexer.h"

namespace {

// A revision body of `n` statements with the things the lexer must skip:
// quoted ';', backticks, comments.
std::string Script(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    s += "-- step " + std::to_string(i) + ": a comment; with a semicolon\n";
    s += "UPDATE `orders` SET note = 'a;b''c', total_cents = price_cents * quantity /* x; y */ "
         "WHERE id > " + std::to_string(i * 1000) + " AND `weird;name` IS NULL;\n";
  }
  return s;
}

void BM_SplitStatements(benchmark::State& state) {
  std::string script = Script(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto r = sluice::sql::SplitStatements(script);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(script.size()));
}
BENCHMARK(BM_SplitStatements)->Arg(10)->Arg(1000);

void BM_Tokenize(benchmark::State& state) {
  const std::string statement =
      "INSERT INTO `orders_archive` (id, tenant_id, total) SELECT o.id, o.tenant_id, "
      "o.price_cents * o.quantity FROM `orders` AS o WHERE o.created_at < '2024-01-01' AND "
      "o.status IN (1, 2, 3) /* archived */";
  for (auto _ : state) {
    auto r = sluice::sql::Tokenize(statement);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(statement.size()));
}
BENCHMARK(BM_Tokenize);

}  // namespace
