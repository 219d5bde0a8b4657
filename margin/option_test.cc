// Hand-built non-linear option arrays through scan, SOM (both methods, tiers) and NOV.
#include <vector>

#include "gtest/gtest.h"
#include "margin/margin_calculator.h"
#include "margin/test_parameters.h"

namespace tc::margin {
namespace {

using testing::MustCompile;
using testing::Usd;

constexpr int kJan = 202701;
constexpr int kFeb = 202702;

std::vector<int64_t> InUsd(const std::vector<int64_t>& dollars) {
  std::vector<int64_t> micros;
  for (int64_t value : dollars) micros.push_back(Usd(value));
  return micros;
}

// Long call, loss-positive: gains as the price rises; scenario 15 (+3 x PSR x 0.33)
// is the large move a short call must survive.
Contract Call(std::string id, int period, OptionStyle style) {
  return {.contract_id = std::move(id),
          .combined_commodity = "OPT",
          .period = period,
          .risk_array_micros =
              InUsd({-4, 6, -25, -15, 12, 20, -60, -50, 22, 28, -110, -100, 30, 34, -300, 13}),
          .composite_delta_udelta = 450'000,
          .price_micros = Usd(40),
          .contract_value_factor_ppm = 2'500'000,
          .is_option = true,
          .right = OptionRight::kCall,
          .option_style = style,
          .extreme_move_multiplier_ppm = 3'000'000,
          .extreme_covered_fraction_ppm = 330'000};
}

Contract Put(std::string id, int period, OptionStyle style) {
  return {.contract_id = std::move(id),
          .combined_commodity = "OPT",
          .period = period,
          .risk_array_micros =
              InUsd({-3, 5, 20, 26, -30, -22, 27, 31, -70, -62, 33, 36, -120, -110, 13, -320}),
          .composite_delta_udelta = -350'000,
          .price_micros = Usd(35),
          .contract_value_factor_ppm = 2'500'000,
          .is_option = true,
          .right = OptionRight::kPut,
          .option_style = style,
          .extreme_move_multiplier_ppm = 3'000'000,
          .extreme_covered_fraction_ppm = 330'000};
}

RiskParameters OptionParameters(SomMethod som_method, OptionStyle style = OptionStyle::kPremium) {
  CombinedCommodity opt{.code = "OPT",
                        .currency = "USD",
                        .som_rate_per_short_option_micros = Usd(400),
                        .som_method = som_method};
  return {.version_id = "options-1",
          .business_date = absl::CivilDay(2026, 11, 23),
          .combined_commodities = {opt},
          .contracts = {Call("OPT-C", kJan, style), Put("OPT-P", kJan, style)}};
}

MarginBreakdown Margin(const RiskParameters& params, const std::vector<Position>& book) {
  const CompiledParameters compiled = MustCompile(params);
  MarginCalculator calculator(compiled);
  absl::StatusOr<MarginBreakdown> breakdown =
      calculator.ComputeBreakdown(absl::MakeConstSpan(book), AccountClass::kMember);
  EXPECT_TRUE(breakdown.ok()) << breakdown.status();
  return breakdown.ok() ? *breakdown : MarginBreakdown{};
}

TEST(OptionTest, ShortCallBindsOnExtremeScenario) {
  const MarginBreakdown b =
      Margin(OptionParameters(SomMethod::kGreaterOfCallsPuts), {{"OPT-C", -2}});
  ASSERT_EQ(b.commodities.size(), 1u);
  const CommodityMargin& opt = b.commodities[0];
  const ScanTierBreakdown& tier = opt.scan_tiers[0];
  EXPECT_EQ(tier.active_scenario, 15);
  EXPECT_EQ(tier.scenario_losses_micros[10], Usd(220));  // full up move loses less
  EXPECT_EQ(opt.scan_risk_micros, Usd(600));
  EXPECT_EQ(opt.time_risk_micros, Usd(-2));    // (8 - 12) / 2
  EXPECT_EQ(opt.price_risk_micros, Usd(602));  // (600 + 600) / 2 - (-2)
  EXPECT_EQ(opt.volatility_risk_micros, 0);
  EXPECT_EQ(opt.net_delta_udelta, -900'000);
  EXPECT_EQ(opt.som_micros, Usd(800));  // 2 short calls x 400
  EXPECT_EQ(opt.risk_micros, Usd(800));
  EXPECT_EQ(opt.nov_micros, Usd(-200));  // -2 x 40 x 2.5
  EXPECT_EQ(opt.maintenance_micros, Usd(1000));
}

TEST(OptionTest, LongCallIsCoveredByItsPremium) {
  const MarginBreakdown b =
      Margin(OptionParameters(SomMethod::kGreaterOfCallsPuts), {{"OPT-C", 1}});
  ASSERT_EQ(b.commodities.size(), 1u);
  const CommodityMargin& opt = b.commodities[0];
  EXPECT_EQ(opt.scan_tiers[0].active_scenario, 14);
  EXPECT_EQ(opt.scan_risk_micros, Usd(34));
  EXPECT_EQ(opt.time_risk_micros, Usd(1));        // (-4 + 6) / 2
  EXPECT_EQ(opt.price_risk_micros, Usd(31));      // (34 + 30) / 2 - 1
  EXPECT_EQ(opt.volatility_risk_micros, Usd(2));  // 34 - 31 - 1
  EXPECT_EQ(opt.som_micros, 0);
  EXPECT_EQ(opt.nov_micros, Usd(100));
  EXPECT_EQ(opt.risk_micros, Usd(34));
  EXPECT_EQ(opt.maintenance_micros, 0);  // max(34 - 100, 0)
}

const std::vector<Position> kShortStrangle = {{"OPT-C", -2}, {"OPT-P", -3}};

TEST(OptionTest, ShortStrangleSomGreaterOfCallsAndPuts) {
  const MarginBreakdown b =
      Margin(OptionParameters(SomMethod::kGreaterOfCallsPuts), kShortStrangle);
  ASSERT_EQ(b.commodities.size(), 1u);
  const CommodityMargin& opt = b.commodities[0];
  EXPECT_EQ(opt.scan_tiers[0].active_scenario, 16);
  EXPECT_EQ(opt.scan_risk_micros, Usd(934));  // -2 x 13 - 3 x -320
  EXPECT_EQ(opt.time_risk_micros, Usd(-5));   // (17 - 27) / 2
  EXPECT_EQ(opt.price_risk_micros, Usd(939));
  EXPECT_EQ(opt.som_micros, Usd(1200));  // 400 x max(2, 3)
  EXPECT_EQ(opt.risk_micros, Usd(1200));
  EXPECT_EQ(opt.nov_micros, -462'500'000);  // -2 x 100 - 3 x 87.5
  EXPECT_EQ(opt.maintenance_micros, 1'662'500'000);
}

TEST(OptionTest, ShortStrangleSomSumOfCallsAndPuts) {
  const MarginBreakdown b = Margin(OptionParameters(SomMethod::kSumOfCallsPuts), kShortStrangle);
  ASSERT_EQ(b.commodities.size(), 1u);
  EXPECT_EQ(b.commodities[0].som_micros, Usd(2000));  // 400 x (2 + 3)
  EXPECT_EQ(b.commodities[0].maintenance_micros, 2'462'500'000);
}

TEST(OptionTest, FuturesStyleOptionsCarryNoOptionValue) {
  const MarginBreakdown b = Margin(
      OptionParameters(SomMethod::kGreaterOfCallsPuts, OptionStyle::kFuturesStyle), kShortStrangle);
  ASSERT_EQ(b.commodities.size(), 1u);
  EXPECT_EQ(b.commodities[0].nov_micros, 0);
  EXPECT_EQ(b.commodities[0].maintenance_micros, Usd(1200));
}

TEST(OptionTest, SomCountsNettedShortsPerContract) {
  // +1 and -3 of one call net to 2 short calls, not 3.
  const MarginBreakdown b =
      Margin(OptionParameters(SomMethod::kSumOfCallsPuts), {{"OPT-C", 1}, {"OPT-C", -3}});
  ASSERT_EQ(b.commodities.size(), 1u);
  EXPECT_EQ(b.commodities[0].som_micros, Usd(800));
}

TEST(OptionTest, SomTiersUseTheirOwnRates) {
  RiskParameters params = OptionParameters(SomMethod::kGreaterOfCallsPuts);
  params.contracts.push_back(Put("OPT-P-FEB", kFeb, OptionStyle::kPremium));
  params.combined_commodities[0].som_tiers = {
      {.tier = {.tier_number = 1, .start_period = kJan, .end_period = kJan},
       .rate_per_short_option_micros = Usd(400)},
      {.tier = {.tier_number = 2, .start_period = kFeb, .end_period = kFeb},
       .rate_per_short_option_micros = Usd(100)}};
  const MarginBreakdown b = Margin(params, {{"OPT-C", -1}, {"OPT-P-FEB", -5}});
  ASSERT_EQ(b.commodities.size(), 1u);
  EXPECT_EQ(b.commodities[0].som_micros, Usd(900));  // 400 x 1 + 100 x 5
}

}  // namespace
}  // namespace tc::margin
