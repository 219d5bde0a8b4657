// Margin engine throughput: a full recompute of 100,000 accounts of 20 futures positions
// (target < 1 s on one core) and a what-if for one 50-position portfolio (target < 50 us).
// Parameters: 40 combined commodities x 24 monthly futures with 4 intra tiers, 3 tier
// spreads, a spot month each, and 60 inter spreads.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "core/check.h"
#include "margin/futures_risk_array.h"
#include "margin/margin_calculator.h"

namespace tc::margin {
namespace {

constexpr int kCommodities = 40;
constexpr int kMonths = 24;
constexpr int kAccounts = 100'000;
constexpr int kPositionsPerAccount = 20;
constexpr int kWhatIfPositions = 50;

int MonthPeriod(int month) { return 202701 + (month / 12) * 100 + month % 12; }

IntraSpread TierSpread(int priority, int tier_a, int tier_b, int64_t charge_micros) {
  return {.priority = priority,
          .charge_per_spread_micros = charge_micros,
          .legs = {{.tier_number = tier_a, .side = SpreadSide::kA},
                   {.tier_number = tier_b, .side = SpreadSide::kB}}};
}

CombinedCommodity Commodity(int index) {
  CombinedCommodity cc{.code = absl::StrCat("CC", index), .currency = "USD"};
  for (int tier = 0; tier < 4; ++tier) {
    cc.intra_tiers.push_back({.tier_number = tier + 1,
                              .start_period = MonthPeriod(tier * 6),
                              .end_period = MonthPeriod(tier * 6 + 5)});
  }
  cc.intra_spreads = {TierSpread(1, 1, 2, 40'000'000), TierSpread(2, 2, 3, 60'000'000),
                      TierSpread(3, 1, 4, 90'000'000)};
  cc.spot_months = {{.period = MonthPeriod(0),
                     .charge_per_consumed_delta_micros = 10'000'000,
                     .charge_per_remaining_delta_micros = 25'000'000}};
  cc.initial_to_maintenance.speculator_ppm = 1'100'000;
  return cc;
}

RiskParameters BenchmarkParameters() {
  RiskParameters params{.version_id = "bench-1", .business_date = absl::CivilDay(2026, 11, 23)};
  for (int c = 0; c < kCommodities; ++c) {
    params.combined_commodities.push_back(Commodity(c));
    for (int m = 0; m < kMonths; ++m) {
      params.contracts.push_back(
          {.contract_id = absl::StrCat("CC", c, "-", MonthPeriod(m)),
           .combined_commodity = absl::StrCat("CC", c),
           .period = MonthPeriod(m),
           .risk_array_micros = LinearFuturesRiskArray((900 + 13 * c + 7 * m) * int64_t{1'000'000}),
           .extreme_move_multiplier_ppm = 3'000'000,
           .extreme_covered_fraction_ppm = 330'000});
    }
  }
  for (int s = 0; s < 60; ++s) {
    params.inter_spreads.push_back(
        {.priority = s,
         .credit_rate_ppm = 300'000 + 10'000 * (s % 50),
         .legs = {
             {.combined_commodity = absl::StrCat("CC", s % kCommodities), .side = SpreadSide::kA},
             {.combined_commodity = absl::StrCat("CC", (s * 7 + 1) % kCommodities),
              .delta_per_spread_udelta = 2'000'000,
              .side = SpreadSide::kB}}});
  }
  return params;
}

const CompiledParameters& Compiled() {
  static const CompiledParameters* compiled = [] {
    absl::StatusOr<CompiledParameters> result = CompileParameters(BenchmarkParameters());
    TC_CHECK(result.ok()) << result.status();
    return new CompiledParameters(*std::move(result));
  }();
  return *compiled;
}

// Each account trades 3 commodities (realistic concentration), any months, +-50 lots.
std::vector<IndexedPosition> RandomAccount(std::mt19937_64& rng, int positions) {
  std::uniform_int_distribution<int> commodity(0, kCommodities - 1);
  std::uniform_int_distribution<int> month(0, kMonths - 1);
  std::uniform_int_distribution<int64_t> quantity(-50, 50);
  const int held[3] = {commodity(rng), commodity(rng), commodity(rng)};
  std::vector<IndexedPosition> account(positions);
  for (int i = 0; i < positions; ++i) {
    account[i] = {.contract_index = held[i % 3] * kMonths + month(rng), .quantity = quantity(rng)};
  }
  return account;
}

void BM_FullRecompute100kAccounts(benchmark::State& state) {
  const CompiledParameters& compiled = Compiled();
  std::mt19937_64 rng(7);
  std::vector<std::vector<IndexedPosition>> accounts;
  accounts.reserve(kAccounts);
  for (int a = 0; a < kAccounts; ++a) accounts.push_back(RandomAccount(rng, kPositionsPerAccount));
  MarginCalculator calculator(compiled);
  for (auto _ : state) {
    int64_t total_initial_micros = 0;
    for (const std::vector<IndexedPosition>& account : accounts) {
      absl::StatusOr<MarginTotals> totals =
          calculator.Compute(absl::MakeConstSpan(account), AccountClass::kSpeculator);
      TC_CHECK(totals.ok()) << totals.status();
      total_initial_micros += totals->initial_micros;
    }
    benchmark::DoNotOptimize(total_initial_micros);
  }
  state.counters["ns_per_account"] =
      benchmark::Counter(static_cast<double>(kAccounts) * state.iterations(),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_FullRecompute100kAccounts)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_WhatIf50Positions(benchmark::State& state) {
  const CompiledParameters& compiled = Compiled();
  std::mt19937_64 rng(11);
  std::vector<Position> book;
  for (const IndexedPosition& position : RandomAccount(rng, kWhatIfPositions)) {
    book.push_back({compiled.contract_ids[position.contract_index], position.quantity});
  }
  MarginCalculator calculator(compiled);
  for (auto _ : state) {
    absl::StatusOr<MarginBreakdown> breakdown =
        calculator.ComputeBreakdown(absl::MakeConstSpan(book), AccountClass::kSpeculator);
    TC_CHECK(breakdown.ok()) << breakdown.status();
    benchmark::DoNotOptimize(breakdown->totals.initial_micros);
  }
}
BENCHMARK(BM_WhatIf50Positions)->Unit(benchmark::kMicrosecond);

void BM_WhatIf50PositionsTotalsOnly(benchmark::State& state) {
  const CompiledParameters& compiled = Compiled();
  std::mt19937_64 rng(11);
  const std::vector<IndexedPosition> account = RandomAccount(rng, kWhatIfPositions);
  MarginCalculator calculator(compiled);
  for (auto _ : state) {
    absl::StatusOr<MarginTotals> totals =
        calculator.Compute(absl::MakeConstSpan(account), AccountClass::kSpeculator);
    TC_CHECK(totals.ok()) << totals.status();
    benchmark::DoNotOptimize(totals->initial_micros);
  }
}
BENCHMARK(BM_WhatIf50PositionsTotalsOnly)->Unit(benchmark::kMicrosecond);

void BM_CompileParameters(benchmark::State& state) {
  const RiskParameters params = BenchmarkParameters();
  for (auto _ : state) {
    absl::StatusOr<CompiledParameters> compiled = CompileParameters(params);
    TC_CHECK(compiled.ok()) << compiled.status();
    benchmark::DoNotOptimize(compiled->contracts.size());
  }
}
BENCHMARK(BM_CompileParameters)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tc::margin

BENCHMARK_MAIN();
