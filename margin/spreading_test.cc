// Spread ordering and credit variants beyond D1-D8, with hand-computed values: series
// spreads before tier spreads, fractional intra spreads, negative inter rates, WFPR
// methods 2 and 3, super spreads before intra, and WFPR per inter tier.
#include <vector>

#include "gtest/gtest.h"
#include "margin/margin_calculator.h"
#include "margin/test_parameters.h"

namespace tc::margin {
namespace {

using testing::DerivedParameters;
using testing::MustCompile;
using testing::Usd;

MarginBreakdown Margin(const RiskParameters& params, const std::vector<Position>& book) {
  const CompiledParameters compiled = MustCompile(params);
  MarginCalculator calculator(compiled);
  absl::StatusOr<MarginBreakdown> breakdown =
      calculator.ComputeBreakdown(absl::MakeConstSpan(book), AccountClass::kMember);
  EXPECT_TRUE(breakdown.ok()) << breakdown.status();
  return breakdown.ok() ? *breakdown : MarginBreakdown{};
}

const std::vector<Position> kD5Book = {{"AIX-M1", 7}, {"GPU-M1", -4}};

TEST(SpreadingTest, SeriesSpreadsRunBeforeTierSpreadsWhateverTheirPriority) {
  RiskParameters params = DerivedParameters({});
  params.combined_commodities[0].intra_spreads.push_back(
      {.kind = IntraSpreadKind::kSeriesToSeries,
       .priority = 9,
       .charge_per_spread_micros = Usd(10),
       .legs = {{.period = testing::kM1, .side = SpreadSide::kA},
                {.period = testing::kM2, .side = SpreadSide::kB}}});
  // Series first: 2 x 10 and nothing left for tier priority 1 (which would charge 200).
  const MarginBreakdown b = Margin(params, {{"AIX-M1", 2}, {"AIX-M2", -2}});
  ASSERT_EQ(b.commodities.size(), 1u);
  EXPECT_EQ(b.commodities[0].intra_charge_micros, Usd(20));
}

TEST(SpreadingTest, FractionalIntraSpreadAndSpotRounding) {
  RiskParameters params = DerivedParameters({.spot_month = true});
  IntraSpread& t1_t3 = params.combined_commodities[0].intra_spreads[2];
  t1_t3.charge_per_spread_micros = Usd(300);
  t1_t3.legs[0].delta_per_spread_udelta = 2'000'000;
  t1_t3.legs[1].delta_per_spread_udelta = 3'000'000;
  // n = min(5/2, 4/3) = 4/3: charge 400 exactly; M1 consumes 8/3 -> 2.666667 delta.
  const MarginBreakdown b = Margin(params, {{"AIX-M1", 5}, {"AIX-M4", -4}});
  ASSERT_EQ(b.commodities.size(), 1u);
  EXPECT_EQ(b.commodities[0].intra_charge_micros, Usd(400));
  // 2.666667 x 50 + 2.333333 x 200 = 133.33335 + 466.6666 = 599.99995
  EXPECT_EQ(b.commodities[0].spot_charge_micros, 599'999'950);
}

TEST(SpreadingTest, NegativeInterRateIsACharge) {
  RiskParameters params = DerivedParameters({});
  params.inter_spreads[0].credit_rate_ppm = -400'000;
  const MarginBreakdown b = Margin(params, kD5Book);
  ASSERT_EQ(b.commodities.size(), 2u);
  EXPECT_EQ(b.commodities[0].inter_credit_micros, Usd(-2400));
  EXPECT_EQ(b.commodities[1].inter_credit_micros, Usd(-2400));
  EXPECT_EQ(b.totals.maintenance_micros, Usd(17800));
}

TEST(SpreadingTest, WfprEqualToScanRange) {
  RiskParameters params = DerivedParameters({});
  params.combined_commodities[0].wfpr_method = WfprMethod::kScanRange;
  params.combined_commodities[0].futures_price_scan_range_micros = Usd(1200);
  const MarginBreakdown b = Margin(params, kD5Book);
  ASSERT_EQ(b.commodities.size(), 2u);
  EXPECT_EQ(b.commodities[0].wfpr_micros, Usd(1200));
  EXPECT_EQ(b.commodities[0].inter_credit_micros, Usd(2880));  // 0.4 x 2 x 3 x 1200
  EXPECT_EQ(b.totals.maintenance_micros, Usd(7720));
}

TEST(SpreadingTest, WfprCappedAtScanRange) {
  RiskParameters params = DerivedParameters({});
  params.combined_commodities[0].wfpr_method = WfprMethod::kCappedAtScanRange;
  params.combined_commodities[0].futures_price_scan_range_micros = Usd(900);
  const MarginBreakdown b = Margin(params, kD5Book);
  ASSERT_EQ(b.commodities.size(), 2u);
  EXPECT_EQ(b.commodities[0].wfpr_micros, Usd(900));
  EXPECT_EQ(b.commodities[0].inter_credit_micros, Usd(2160));
  EXPECT_EQ(b.totals.maintenance_micros, Usd(8440));
}

TEST(SpreadingTest, SuperSpreadRunsBeforeIntra) {
  RiskParameters params = DerivedParameters({.spot_month = true});
  params.inter_spreads[0].is_super_spread = true;
  // D7's book: the super spread takes 3 of M1's 5 delta first, intra then pairs the
  // remaining 2 with M2: intra 200, spot 2 x 50. AIX 3000 + 200 + 100 - 1200.
  const MarginBreakdown b = Margin(params, {{"AIX-M1", 5}, {"AIX-M2", -2}, {"GPU-M1", -2}});
  ASSERT_EQ(b.commodities.size(), 2u);
  EXPECT_EQ(b.commodities[0].inter_credit_micros, Usd(1200));
  EXPECT_EQ(b.commodities[0].intra_charge_micros, Usd(200));
  EXPECT_EQ(b.commodities[0].spot_charge_micros, Usd(100));
  EXPECT_EQ(b.commodities[0].maintenance_micros, Usd(2100));
  EXPECT_EQ(b.commodities[1].maintenance_micros, Usd(1800));
  EXPECT_EQ(b.totals.maintenance_micros, Usd(3900));
}

TEST(SpreadingTest, InterTierLegIsPaidOnItsOwnWfpr) {
  RiskParameters params = DerivedParameters({});
  params.combined_commodities[0].inter_tiers = {
      {.tier_number = 1, .start_period = testing::kM1, .end_period = testing::kM2},
      {.tier_number = 2, .start_period = testing::kM3, .end_period = testing::kM4}};
  params.contracts[3] = testing::LinearFuture("AIX-M4", "AIX", testing::kM4, Usd(1300));
  params.inter_spreads[0] = {
      .priority = 1,
      .credit_rate_ppm = 500'000,
      .legs = {{.combined_commodity = "AIX", .tier_number = 2, .side = SpreadSide::kA},
               {.combined_commodity = "GPU", .side = SpreadSide::kB}}};
  const MarginBreakdown b = Margin(params, {{"AIX-M1", 3}, {"AIX-M4", 2}, {"GPU-M1", -2}});
  ASSERT_EQ(b.commodities.size(), 2u);
  const CommodityMargin& aix = b.commodities[0];
  EXPECT_EQ(aix.scan_risk_micros, Usd(5600));  // 3 x 1000 + 2 x 1300
  EXPECT_EQ(aix.wfpr_micros, Usd(1120));       // 5600 / 5
  ASSERT_EQ(aix.inter_tier_wfpr.size(), 2u);
  EXPECT_EQ(aix.inter_tier_wfpr[0].net_delta_udelta, 3'000'000);
  EXPECT_EQ(aix.inter_tier_wfpr[0].wfpr_micros, Usd(1000));
  EXPECT_EQ(aix.inter_tier_wfpr[1].price_risk_micros, Usd(2600));
  EXPECT_EQ(aix.inter_tier_wfpr[1].wfpr_micros, Usd(1300));
  EXPECT_EQ(aix.inter_credit_micros, Usd(1300));  // 0.5 x 2 x 1 x 1300
  EXPECT_EQ(b.commodities[1].inter_credit_micros, Usd(1500));
  EXPECT_EQ(b.totals.maintenance_micros, Usd(5800));
}

}  // namespace
}  // namespace tc::margin
