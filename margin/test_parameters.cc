#include "margin/test_parameters.h"

#include <utility>

#include "core/fixed_point.h"
#include "gtest/gtest.h"
#include "margin/futures_risk_array.h"
#include "margin/margin_calculator.h"

namespace tc::margin::testing {
namespace {

IntraSpread TierSpread(int priority, int tier_a, int tier_b, int64_t charge_micros) {
  return {.kind = IntraSpreadKind::kTierToTier,
          .priority = priority,
          .charge_per_spread_micros = charge_micros,
          .legs = {{.tier_number = tier_a, .side = SpreadSide::kA},
                   {.tier_number = tier_b, .side = SpreadSide::kB}}};
}

}  // namespace

Contract LinearFuture(std::string contract_id, std::string cc, int period, int64_t psr_micros) {
  return {.contract_id = std::move(contract_id),
          .combined_commodity = std::move(cc),
          .period = period,
          .risk_array_micros = LinearFuturesRiskArray(psr_micros),
          .price_micros = Usd(10),
          .extreme_move_multiplier_ppm = 3'000'000,
          .extreme_covered_fraction_ppm = 330'000};
}

RiskParameters DerivedParameters(const DerivedOptions& options) {
  CombinedCommodity aix{.code = "AIX", .currency = "USD"};
  aix.intra_tiers = {{.tier_number = 1, .start_period = kM1, .end_period = kM1},
                     {.tier_number = 2, .start_period = kM2, .end_period = kM3},
                     {.tier_number = 3, .start_period = kM4, .end_period = kM4}};
  const bool reversed = options.reversed_priorities;
  aix.intra_spreads = {TierSpread(reversed ? 3 : 1, 1, 2, Usd(100)), TierSpread(2, 2, 3, Usd(150)),
                       TierSpread(reversed ? 1 : 3, 1, 3, Usd(250))};
  if (options.spot_month) {
    aix.spot_months = {{.period = kM1,
                        .charge_per_consumed_delta_micros = Usd(50),
                        .charge_per_remaining_delta_micros = Usd(200)}};
  }
  if (options.m4_own_scan_tier) {
    aix.scan_tiers = {{.tier_number = 1, .start_period = kM1, .end_period = kM3},
                      {.tier_number = 2, .start_period = kM4, .end_period = kM4}};
  }
  const InitialToMaintenanceRatios ratios{
      .member_ppm = 1'000'000, .hedger_ppm = 1'000'000, .speculator_ppm = 1'100'000};
  aix.initial_to_maintenance = ratios;
  CombinedCommodity gpu{.code = "GPU", .currency = "USD", .initial_to_maintenance = ratios};

  RiskParameters params{.version_id = "derived-d1-d8",
                        .business_date = absl::CivilDay(2026, 11, 23),
                        .combined_commodities = {aix, gpu}};
  params.contracts = {
      LinearFuture("AIX-M1", "AIX", kM1, Usd(1000)), LinearFuture("AIX-M2", "AIX", kM2, Usd(1000)),
      LinearFuture("AIX-M3", "AIX", kM3, Usd(1000)), LinearFuture("AIX-M4", "AIX", kM4, Usd(1000)),
      LinearFuture("GPU-M1", "GPU", kM1, Usd(1500))};
  params.inter_spreads = {{.priority = 1,
                           .credit_rate_ppm = 400'000,
                           .legs = {{.combined_commodity = "AIX",
                                     .delta_per_spread_udelta = 3'000'000,
                                     .side = SpreadSide::kA},
                                    {.combined_commodity = "GPU",
                                     .delta_per_spread_udelta = 2'000'000,
                                     .side = SpreadSide::kB}}}};
  return params;
}

CompiledParameters MustCompile(const RiskParameters& params) {
  absl::StatusOr<CompiledParameters> compiled = CompileParameters(params);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return compiled.ok() ? *std::move(compiled) : CompiledParameters{};
}

void ExpectD4AndD7Margins(const RiskParameters& params) {
  const CompiledParameters compiled = MustCompile(params);
  MarginCalculator calculator(compiled);
  const std::vector<Position> d4 = {{"TCX:AIX:FUT:202701", 5}, {"TCX:AIX:FUT:202702", -2}};
  absl::StatusOr<MarginBreakdown> b4 =
      calculator.ComputeBreakdown(absl::MakeConstSpan(d4), AccountClass::kMember);
  ASSERT_TRUE(b4.ok()) << b4.status();
  EXPECT_EQ(b4->totals.maintenance_micros, Usd(3'900));
  std::vector<Position> d7 = d4;
  d7.push_back({"TCX:GPU:FUT:202701", -2});
  absl::StatusOr<MarginBreakdown> b7 =
      calculator.ComputeBreakdown(absl::MakeConstSpan(d7), AccountClass::kSpeculator);
  ASSERT_TRUE(b7.ok()) << b7.status();
  EXPECT_EQ(b7->totals.maintenance_micros, Usd(4'500));
  EXPECT_EQ(b7->totals.initial_micros, Usd(4'770));
}

}  // namespace tc::margin::testing
