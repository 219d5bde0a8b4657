#include "margin/calibration.h"

#include <cmath>
#include <functional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "margin/compiled_parameters.h"
#include "margin/margin_calculator.h"

namespace tc::margin {
namespace {

using ::testing::ElementsAre;

constexpr absl::CivilDay kBusinessDate(2026, 11, 23);

// `count` daily values ending on the business date, value(i) for day i.
IndexHistory History(const std::string& code, int count, const std::function<int64_t(int)>& value) {
  IndexHistory history{.index_code = code};
  for (int i = 0; i < count; ++i) {
    history.values.push_back({kBusinessDate - (count - 1 - i), value(i)});
  }
  return history;
}

// 100, 110, 100, ... USD: every |log return| is ln(1.1), so the EWMA volatility equals
// ln(1.1) = 0.095310 whatever its seed; 21 values end on 100.
IndexHistory Alternating(const std::string& code, int64_t low_usd, int count = 21) {
  return History(code, count,
                 [low_usd](int i) { return (i % 2 == 0 ? low_usd * 10 : low_usd * 11) * 100'000; });
}

CalibrationProduct Product(const std::string& code, const std::string& index,
                           std::vector<CalibrationContract> contracts) {
  return {.product_code = code,
          .index_code = index,
          .contract_multiplier = 1000,
          .contracts = std::move(contracts)};
}

CalibrationInput TwoProducts(IndexHistory b_history) {
  return {.version_id = "2026-11-23-1",
          .business_date = kBusinessDate,
          .histories = {Alternating("FRONT", 100), std::move(b_history)},
          .products = {
              Product("TKA", "FRONT",
                      {{"TKA-202612", 202612}, {"TKA-202701", 202701}, {"TKA-202703", 202703}}),
              Product("TKB", "OPEN", {{"TKB-202612", 202612}})}};
}

CalibrationResult MustCalibrate(const CalibrationInput& input) {
  absl::StatusOr<CalibrationResult> result = Calibrate(input);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : CalibrationResult{};
}

TEST(Calibration, HandCheckedScanRanges) {
  const CalibrationResult r = MustCalibrate(TwoProducts(Alternating("OPEN", 50)));
  ASSERT_EQ(r.products.size(), 2u);
  const ProductStatistics& a = r.products[0];
  EXPECT_EQ(a.index_value_micros, 100'000'000);
  EXPECT_EQ(a.return_count, 20);
  EXPECT_EQ(a.ewma_volatility_ppm, 95'310);  // ln(1.1)
  EXPECT_EQ(a.long_run_volatility_ppm, 95'310);
  EXPECT_FALSE(a.buffer_released);
  // 2.326348 x 0.095310 x 1.414214 x 100 USD x 1000 = 31,356.550721 USD.
  EXPECT_EQ(a.raw_psr_micros, 31'356'550'721);
  EXPECT_EQ(a.floor_psr_micros, 3'000'000'000);  // 3% of 100,000 USD
  // x 1.25 = 39,195.688401, rounded up to whole USD.
  EXPECT_EQ(a.psr_micros, 39'196'000'000);
  EXPECT_EQ(r.products[1].raw_psr_micros, 15'678'275'360);
  EXPECT_EQ(r.products[1].psr_micros, 19'598'000'000);
}

TEST(Calibration, FuturesArraysAreLinearWithThreeTimesPointThreeThree) {
  const CalibrationResult r = MustCalibrate(TwoProducts(Alternating("OPEN", 50)));
  ASSERT_EQ(r.parameters.contracts.size(), 4u);
  const Contract& c = r.parameters.contracts[0];
  EXPECT_EQ(c.contract_id, "TKA-202612");
  EXPECT_EQ(c.extreme_move_multiplier_ppm, 3'000'000);
  EXPECT_EQ(c.extreme_covered_fraction_ppm, 330'000);
  EXPECT_EQ(c.price_micros, 100'000'000);
  const int64_t p = 39'196'000'000;
  EXPECT_THAT(c.risk_array_micros,
              ElementsAre(0, 0, -13'065'333'333, -13'065'333'333, 13'065'333'333, 13'065'333'333,
                          -26'130'666'667, -26'130'666'667, 26'130'666'667, 26'130'666'667, -p, -p,
                          p, p, -38'804'040'000, 38'804'040'000));
}

TEST(Calibration, CalendarChargesGrowByAQuarterOfPsrPerMonth) {
  const CalibrationResult r = MustCalibrate(TwoProducts(Alternating("OPEN", 50)));
  const CombinedCommodity& cc = r.parameters.combined_commodities[0];
  ASSERT_EQ(cc.intra_tiers.size(), 3u);
  EXPECT_EQ(cc.intra_tiers[2].start_period, 202703);
  ASSERT_EQ(cc.intra_spreads.size(), 3u);
  // Dec/Jan (1 month): 25%; Jan/Mar (2 months): 50%; Dec/Mar (3 months): 75% of 39,196.
  EXPECT_EQ(cc.intra_spreads[0].priority, 100);
  EXPECT_EQ(cc.intra_spreads[0].charge_per_spread_micros, 9'799'000'000);
  EXPECT_EQ(cc.intra_spreads[1].priority, 101);
  EXPECT_EQ(cc.intra_spreads[1].charge_per_spread_micros, 19'598'000'000);
  EXPECT_EQ(cc.intra_spreads[2].priority, 200);
  EXPECT_EQ(cc.intra_spreads[2].charge_per_spread_micros, 29'397'000'000);
  EXPECT_EQ(cc.initial_to_maintenance.speculator_ppm, 1'100'000);
  EXPECT_EQ(cc.initial_to_maintenance.hedger_ppm, 1'000'000);
}

// 30 daily prices of a near and a far month whose spread moves by `move_micros` every day.
std::vector<FuturesPriceHistory> SpreadHistory(int64_t move_micros) {
  FuturesPriceHistory near{.contract_id = "TKA-202612"}, far{.contract_id = "TKA-202701"};
  for (int i = 0; i < 30; ++i) {
    const absl::CivilDay day = kBusinessDate - (29 - i);
    near.prices.push_back({day, 100'000'000});
    far.prices.push_back({day, 100'000'000 + (i % 2 == 0 ? 0 : move_micros)});
  }
  return {near, far};
}

TEST(Calibration, CalendarChargesComeFromSpreadHistoryWhereThereIsEnough) {
  CalibrationInput input = TwoProducts(Alternating("OPEN", 50));
  input.futures_prices = SpreadHistory(2'000'000);  // the Dec/Jan spread moves 2.00 a day
  const CalibrationResult r = MustCalibrate(input);
  const CombinedCommodity& cc = r.parameters.combined_commodities[0];
  // 99% quantile of 29 moves of 2.00 = 2.00; x 1000 tokens-millions x sqrt(2) =
  // 2,828.428 USD, rounded up to 2,829 (above the 5% floor of 1,960, below the cap).
  EXPECT_EQ(cc.intra_spreads[0].charge_per_spread_micros, 2'829'000'000);
  ASSERT_EQ(r.calendar_spreads.size(), 3u);
  EXPECT_TRUE(r.calendar_spreads[0].from_history);
  EXPECT_EQ(r.calendar_spreads[0].spread_change_count, 29);
  EXPECT_EQ(r.calendar_spreads[0].quantile_change_micros, 2'000'000);
  // Jan/Mar has no March prices: the conservative rule, 50% of 39,196.
  EXPECT_FALSE(r.calendar_spreads[1].from_history);
  EXPECT_EQ(cc.intra_spreads[1].charge_per_spread_micros, 19'598'000'000);
}

TEST(Calibration, HistoricalCalendarChargesHaveAFloor) {
  CalibrationInput input = TwoProducts(Alternating("OPEN", 50));
  input.futures_prices = SpreadHistory(1'000);  // 0.001 a day: 1.41 USD, below the floor
  const CalibrationResult r = MustCalibrate(input);
  // 5% of 39,196 for one month of gap = 1,959.8, rounded up to 1,960.
  EXPECT_EQ(r.parameters.combined_commodities[0].intra_spreads[0].charge_per_spread_micros,
            1'960'000'000);
}

TEST(Calibration, TooShortASpreadHistoryFallsBackToTheRule) {
  CalibrationInput input = TwoProducts(Alternating("OPEN", 50));
  input.futures_prices = SpreadHistory(2'000'000);
  for (FuturesPriceHistory& history : input.futures_prices) history.prices.resize(10);
  const CalibrationResult r = MustCalibrate(input);
  EXPECT_FALSE(r.calendar_spreads[0].from_history);
  EXPECT_EQ(r.calendar_spreads[0].spread_change_count, 9);
  EXPECT_EQ(r.parameters.combined_commodities[0].intra_spreads[0].charge_per_spread_micros,
            9'799'000'000);
}

TEST(Calibration, CorrelatedIndicesEarnACappedCreditWithPsrRatioDeltas) {
  const CalibrationResult r = MustCalibrate(TwoProducts(Alternating("OPEN", 50)));
  ASSERT_EQ(r.pairs.size(), 1u);
  EXPECT_EQ(r.pairs[0].correlation_ppm, 1'000'000);
  EXPECT_EQ(r.pairs[0].credit_rate_ppm, 750'000);  // 90% rounded down to 5%, capped at 75%
  ASSERT_EQ(r.parameters.inter_spreads.size(), 1u);
  const InterSpread& s = r.parameters.inter_spreads[0];
  EXPECT_EQ(s.priority, 1);
  ASSERT_EQ(s.legs.size(), 2u);
  EXPECT_EQ(s.legs[0].combined_commodity, "TKA");
  EXPECT_EQ(s.legs[0].delta_per_spread_udelta, 1'000'000);
  EXPECT_EQ(s.legs[1].delta_per_spread_udelta, 2'000'000);  // 39,196 / 19,598
}

TEST(Calibration, AntiCorrelatedIndicesEarnNoCredit) {
  // 55, 50, 55, ...: moves against FRONT every day.
  const CalibrationResult r = MustCalibrate(TwoProducts(
      History("OPEN", 21, [](int i) -> int64_t { return i % 2 == 0 ? 55'000'000 : 50'000'000; })));
  EXPECT_EQ(r.pairs[0].correlation_ppm, -1'000'000);
  EXPECT_EQ(r.pairs[0].credit_rate_ppm, 0);
  EXPECT_TRUE(r.parameters.inter_spreads.empty());
}

TEST(Calibration, BufferIsReleasedInStress) {
  // 40 quiet days of +/-1%, then 6 days of +/-20%: EWMA volatility well above 1.5 x long run.
  CalibrationInput input = TwoProducts(Alternating("OPEN", 50));
  input.histories[0] = History("FRONT", 47, [](int i) -> int64_t {
    if (i <= 40) return i % 2 == 0 ? 100'000'000 : 101'000'000;
    return i % 2 == 0 ? 100'000'000 : 120'000'000;
  });
  const CalibrationResult r = MustCalibrate(input);
  const ProductStatistics& a = r.products[0];
  EXPECT_TRUE(a.buffer_released);
  EXPECT_GE(a.ewma_volatility_ppm * 2, a.long_run_volatility_ppm * 3);
  EXPECT_EQ(a.psr_micros, (a.raw_psr_micros + 999'999) / 1'000'000 * 1'000'000);
}

TEST(Calibration, FloorBindsForAQuietIndex) {
  CalibrationInput input = TwoProducts(Alternating("OPEN", 50));
  input.histories[0] = History("FRONT", 30, [](int i) -> int64_t {
    return i % 2 == 0 ? 100'000'000 : 100'100'000;  // +/-0.1%
  });
  const CalibrationResult r = MustCalibrate(input);
  EXPECT_LT(r.products[0].raw_psr_micros, r.products[0].floor_psr_micros);
  EXPECT_EQ(r.products[0].psr_micros, 3'003'000'000);  // 3% of 100.1 x 1000, whole USD
}

TEST(Calibration, EngineMarginsACalendarSpreadAtItsCharge) {
  const CalibrationResult r = MustCalibrate(TwoProducts(Alternating("OPEN", 50)));
  absl::StatusOr<CompiledParameters> compiled = CompileParameters(r.parameters);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  MarginCalculator calculator(*compiled);
  const std::vector<Position> spread = {{"TKA-202612", 2}, {"TKA-202701", -2}};
  absl::StatusOr<MarginBreakdown> b =
      calculator.ComputeBreakdown(spread, AccountClass::kSpeculator);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->totals.maintenance_micros, 2 * 9'799'000'000);
  EXPECT_EQ(b->totals.initial_micros, 2 * 9'799'000'000 * 11 / 10);
}

TEST(Calibration, IsDeterministic) {
  const CalibrationInput input = TwoProducts(Alternating("OPEN", 50));
  const CalibrationResult first = MustCalibrate(input);
  const CalibrationResult second = MustCalibrate(input);
  ASSERT_EQ(first.parameters.contracts.size(), second.parameters.contracts.size());
  for (size_t i = 0; i < first.parameters.contracts.size(); ++i) {
    EXPECT_EQ(first.parameters.contracts[i].risk_array_micros,
              second.parameters.contracts[i].risk_array_micros);
  }
}

TEST(Calibration, RejectsShortHistoryAndBadValues) {
  CalibrationInput input = TwoProducts(Alternating("OPEN", 50));
  input.histories[0] = Alternating("FRONT", 100, 20);  // 19 returns
  EXPECT_EQ(Calibrate(input).status().code(), absl::StatusCode::kFailedPrecondition);
  input.histories[0].values[3].value_micros = 0;
  absl::Status bad = Calibrate(input).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.message()), ::testing::HasSubstr("value_micros = 0"));
  input = TwoProducts(Alternating("OPEN", 50));
  input.products[0].index_code = "NOPE";
  EXPECT_EQ(Calibrate(input).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Calibration, IgnoresValuesAfterTheBusinessDate) {
  CalibrationInput input = TwoProducts(Alternating("OPEN", 50));
  input.histories[0].values.push_back({kBusinessDate + 1, 500'000'000});
  EXPECT_EQ(MustCalibrate(input).products[0].psr_micros, 39'196'000'000);
}

// Values from outside never abort the process: out of the documented range is an
// error naming the index, date and value; inside it, an amount that cannot be held is
// OUT_OF_RANGE.
TEST(Calibration, IndexValueAboveTheCeilingIsAnErrorNotAnAbort) {
  IndexHistory huge = History("OPEN", 21, [](int i) { return int64_t{1'000'000'000'000'000}; });
  absl::StatusOr<CalibrationResult> result = Calibrate(TwoProducts(std::move(huge)));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()),
              ::testing::HasSubstr("value_micros = 1000000000000000"));
}

TEST(Calibration, ExtremeButInRangeHistoryNeverAborts) {
  // Jumps between 1 micro and the ceiling: the largest volatility a valid history can have.
  IndexHistory wild = History(
      "OPEN", 21, [](int i) { return i % 2 == 0 ? int64_t{1} : int64_t{1'000'000'000'000}; });
  CalibrationInput input = TwoProducts(std::move(wild));
  input.products[1].contract_multiplier = 1'000'000;
  absl::StatusOr<CalibrationResult> result = Calibrate(input);
  if (!result.ok()) {
    EXPECT_EQ(result.status().code(), absl::StatusCode::kOutOfRange) << result.status();
  }
}

}  // namespace
}  // namespace tc::margin
